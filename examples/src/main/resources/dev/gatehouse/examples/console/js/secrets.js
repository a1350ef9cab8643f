// Secrets of an org: list, create every type, read a value on request, public keys, delete.
import * as api from './api.js';
import {h, replace, field, radios, select, status, openDialog, confirmAction, copyButton, table, empty} from './dom.js';
import {loadOrgs, loadProjects, orgPicker, fillProjects} from './orgs.js';

const TYPES = {DATA: 'Text or file', USERNAME_PASSWORD: 'Username and password', KEY_PAIR: 'SSH key pair'};
const STORAGE = {SERVER_KEY: 'Server key', PASSWORD: 'Store password'};

export async function secretsView(root, {session, params, navigate}) {
  const orgs = await loadOrgs();
  const org = orgs.includes(params.get('org')) ? params.get('org') : orgs[0];
  const [projects, policy, usernames] = await Promise.all([
    loadProjects(org), api.get('/api/v1/secret/password-policy'), ownerNames(session)]);

  const picker = orgPicker(orgs, org, (o) => navigate(`secrets?org=${encodeURIComponent(o)}`), 'secrets-org');
  const listArea = h('div', {class: 'list', id: 'secrets-list'});
  const listStatus = status(); // what the last action on the list did
  const loadStatus = status();

  function ownerLabel(id) {
    if (id === session.me.userId) {
      return 'you';
    }
    return usernames.get(id) || 'another user';
  }

  async function load() {
    let secrets;
    try {
      secrets = await loadStatus.run('Loading secrets…', [], () => api.get(`/api/v1/org/${api.seg(org)}/secret`));
    } catch (e) {
      replace(listArea);
      loadStatus.error(e.message);
      return;
    }
    if (secrets.length === 0) {
      replace(listArea, empty(`There are no secrets in ${org} that you can see. Create one with the form below.`));
      return;
    }
    secrets.sort((a, b) => String(a.name).localeCompare(String(b.name)));
    replace(listArea, table({
      caption: `Secrets of ${org}`,
      columns: ['Name', 'Type', 'Visibility', 'Owner', 'Project', 'Storage', 'Actions'],
      rows: secrets.map((s) => [
        h('span', {class: 'name'}, s.name),
        TYPES[s.type] || s.type,
        s.visibility === 'PUBLIC' ? 'Public' : 'Private',
        ownerLabel(s.owner),
        s.projects && s.projects.length ? s.projects.join(', ') : h('span', {class: 'muted'}, 'any project'),
        STORAGE[s.storageType] || s.storageType,
        h('div', {class: 'row-actions'},
          h('button', {type: 'button', class: 'secondary small', 'aria-label': `Show the value of ${s.name}`,
            on: {click: () => readValue(org, s)}}, 'Show value'),
          s.type === 'KEY_PAIR' ? h('button', {type: 'button', class: 'secondary small',
            'aria-label': `Public key of ${s.name}`, on: {click: () => showPublicKey(org, s)}}, 'Public key') : null,
          h('button', {type: 'button', class: 'danger small', 'aria-label': `Delete ${s.name}`,
            on: {click: () => remove(s)}}, 'Delete')),
      ]),
    }));
  }

  async function remove(s) {
    const ok = await confirmAction({
      title: 'Delete this secret?',
      message: `Secret "${s.name}" is deleted from ${org} for good; processes that use it will fail.`,
      confirmLabel: 'Delete secret',
    });
    if (!ok) {
      return;
    }
    try {
      await listStatus.run(`Deleting ${s.name}…`, [], () => api.del(`/api/v1/org/${api.seg(org)}/secret/${api.seg(s.name)}`));
      listStatus.ok(`Secret "${s.name}" deleted.`);
    } catch (e) {
      listStatus.error(`Could not delete "${s.name}": ${e.message}`);
    }
    await load();
  }

  const create = createForm(org, projects, policy, async () => { await load(); });
  replace(root,
    h('div', {class: 'card inline-form'}, picker.row),
    h('section', {class: 'list-section', 'aria-labelledby': 'secrets-list-title'},
      h('h2', {id: 'secrets-list-title'}, `Secrets of ${org}`), listStatus.node, loadStatus.node, listArea),
    create);
  await load();
}

/** Admins can map owner ids to usernames; others see "you" or "another user". */
async function ownerNames(session) {
  const names = new Map();
  if (session.isAdmin) {
    try {
      for (const u of await api.get('/api/v1/user?limit=1000')) {
        names.set(u.id, u.username);
      }
    } catch (e) {
      // the list still works without names
    }
  }
  return names;
}

function createForm(org, projects, policy, created) {
  const name = field({label: 'Name', hint: '3 to 128 letters, digits and _ @ . - ~, unique in the organization.',
    input: h('input', {id: 'secret-name', name: 'name', autocomplete: 'off', spellcheck: 'false', required: true})});
  const type = radios({legend: 'Type', name: 'secret-type', checked: 'text', options: [
    ['text', 'Text'], ['file', 'File'], ['username_password', 'Username and password'], ['key_pair', 'SSH key pair']]});

  const text = field({label: 'Value', input: h('textarea', {id: 'secret-text', name: 'data', rows: '3', spellcheck: 'false'})});
  const file = field({label: 'File', hint: 'The server refuses files over its size limit (1 MiB on embedded defaults).',
    input: h('input', {id: 'secret-file', name: 'file', type: 'file'})});
  const user = field({label: 'Username', input: h('input', {id: 'secret-username', autocomplete: 'off', spellcheck: 'false'})});
  const pass = field({label: 'Password', input: h('input', {id: 'secret-password', type: 'password', autocomplete: 'new-password'})});
  const keySource = radios({legend: 'Key pair', name: 'key-source', checked: 'generate', options: [
    ['generate', 'Generate a new key pair'], ['upload', 'Upload an existing key pair']]});
  const keyType = field({label: 'Key type', id: 'secret-key-type', input: select([['ed25519', 'Ed25519 (recommended)'],
    ['rsa', 'RSA 4096'], ['ecdsa', 'ECDSA P-256']], 'ed25519')});
  const publicKey = field({label: 'Public key', hint: 'One line in OpenSSH format: ssh-ed25519 AAAA… comment',
    input: h('textarea', {id: 'secret-public', rows: '2', spellcheck: 'false'})});
  const publicFile = field({label: 'or load the public key from a file',
    input: h('input', {id: 'secret-public-file', type: 'file', accept: '.pub,text/plain'})});
  const privateKey = field({label: 'Private key', hint: 'OpenSSH format, not protected by a passphrase.',
    input: h('textarea', {id: 'secret-private', rows: '4', spellcheck: 'false'})});
  const privateFile = field({label: 'or load the private key from a file', input: h('input', {id: 'secret-private-file', type: 'file'})});
  loadInto(publicFile.input, publicKey.input);
  loadInto(privateFile.input, privateKey.input);

  const generatePanel = h('div', {class: 'panel'}, keyType.row);
  const uploadPanel = h('div', {class: 'panel', hidden: true}, publicKey.row, publicFile.row, privateKey.row, privateFile.row);
  const panels = {
    text: h('div', {class: 'panel'}, text.row),
    file: h('div', {class: 'panel', hidden: true}, file.row),
    username_password: h('div', {class: 'panel', hidden: true}, user.row, pass.row),
    key_pair: h('div', {class: 'panel', hidden: true}, keySource.group, generatePanel, uploadPanel),
  };
  type.inputs.forEach((i) => i.addEventListener('change', () => {
    for (const [k, panel] of Object.entries(panels)) {
      panel.hidden = k !== type.value();
    }
  }));
  keySource.inputs.forEach((i) => i.addEventListener('change', () => {
    generatePanel.hidden = keySource.value() !== 'generate';
    uploadPanel.hidden = keySource.value() !== 'upload';
  }));

  const visibility = field({label: 'Visibility', id: 'secret-visibility', input: select([
    ['PRIVATE', 'Private: only you (and admins)'], ['PUBLIC', 'Public: every member of the organization']], 'PRIVATE')});
  const project = field({label: 'Restrict to project',
    hint: projects.length ? 'Only processes of that project may use it.' : `${org} has no projects; create one under Encrypted strings to restrict secrets to it.`,
    input: h('select', {id: 'secret-project'})});
  fillProjects(project.input, projects, 'No restriction');

  const protection = radios({legend: 'Encryption', name: 'protection', checked: 'server', options: [
    ['server', 'Server key', 'Readers need no password; the server decrypts it for those allowed.'],
    ['password', 'Store password', 'Whoever reads it must give this password; the server keeps no copy.'],
    ['generate', 'Generated store password', 'The server picks a strong password and shows it once.']]});
  const storePassword = field({label: 'Store password', hint: policy.description,
    input: h('input', {id: 'secret-store-password', type: 'password', autocomplete: 'new-password'})});
  const storeConfirm = field({label: 'Repeat the store password',
    input: h('input', {id: 'secret-store-password-2', type: 'password', autocomplete: 'new-password'})});
  const passwordPanel = h('div', {class: 'panel', hidden: true}, storePassword.row, storeConfirm.row);
  protection.inputs.forEach((i) => i.addEventListener('change', () => { passwordPanel.hidden = protection.value() !== 'password'; }));

  const submit = h('button', {type: 'submit', id: 'create-secret'}, 'Create secret');
  const formStatus = status();
  const fields = [name, text, file, user, pass, publicKey, privateKey, storePassword, storeConfirm, project, visibility, keyType];
  const form = h('form', {class: 'card', id: 'secret-form', 'aria-labelledby': 'create-secret-title', novalidate: true},
    h('h2', {id: 'create-secret-title'}, `Create a secret in ${org}`),
    name.row, type.group, Object.values(panels), visibility.row, project.row,
    protection.group, passwordPanel,
    h('div', {class: 'actions'}, submit), formStatus.node);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    fields.forEach((f) => f.setError(''));
    formStatus.clear();
    const fail = (f, message) => {
      f.setError(message);
      formStatus.error(message);
      f.input.focus();
    };
    const data = new FormData();
    const secretName = name.input.value.trim();
    if (!secretName) {
      return fail(name, 'Give the secret a name.');
    }
    data.append('name', secretName);
    const kind = type.value();
    if (kind === 'text') {
      if (!text.input.value) {
        return fail(text, 'Enter the value to keep secret.');
      }
      data.append('type', 'data');
      data.append('data', part(text.input.value), 'value');
    } else if (kind === 'file') {
      if (!file.input.files.length) {
        return fail(file, 'Choose a file.');
      }
      data.append('type', 'data');
      data.append('data', file.input.files[0]);
    } else if (kind === 'username_password') {
      if (!user.input.value) {
        return fail(user, 'Enter the username.');
      }
      if (!pass.input.value) {
        return fail(pass, 'Enter the password.');
      }
      data.append('type', 'username_password');
      data.append('username', part(user.input.value));
      data.append('password', part(pass.input.value));
    } else {
      data.append('type', 'key_pair');
      if (keySource.value() === 'generate') {
        data.append('keyType', keyType.input.value);
      } else {
        if (!publicKey.input.value.trim()) {
          return fail(publicKey, 'Paste or load the public key.');
        }
        if (!privateKey.input.value.trim()) {
          return fail(privateKey, 'Paste or load the private key.');
        }
        data.append('public', part(publicKey.input.value.trim()));
        data.append('private', part(privateKey.input.value));
      }
    }
    data.append('visibility', visibility.input.value);
    if (project.input.value) {
      data.append('project', project.input.value);
    }
    if (protection.value() === 'password') {
      const problem = policyProblem(policy, storePassword.input.value);
      if (problem) {
        return fail(storePassword, problem);
      }
      if (storePassword.input.value !== storeConfirm.input.value) {
        return fail(storeConfirm, 'The two store passwords differ.');
      }
      data.append('storePassword', part(storePassword.input.value));
    } else if (protection.value() === 'generate') {
      data.append('generatePassword', 'true');
    }
    const label = kind === 'key_pair' && keySource.value() === 'generate'
      ? 'Generating the key pair and encrypting it… (RSA can take a few seconds)' : 'Encrypting and storing the secret…';
    let answer;
    try {
      answer = await formStatus.run(label, [submit], () => api.post(`/api/v1/org/${api.seg(org)}/secret`, {form: data}));
    } catch (err) {
      const target = errorTarget(err, {name, storePassword, project, file: kind === 'file' ? file : text,
        publicKey, privateKey, kind, source: keySource.value()});
      return fail(target, err.message);
    }
    form.reset();
    Object.entries(panels).forEach(([k, panel]) => { panel.hidden = k !== 'text'; });
    generatePanel.hidden = false;
    uploadPanel.hidden = true;
    passwordPanel.hidden = true;
    formStatus.ok(`Secret "${secretName}" created.`);
    if (answer.password) {
      showGeneratedPassword(secretName, answer);
    } else if (answer.publicKey) {
      showKey(`Public key of ${secretName}`, answer.publicKey);
    }
    answer = null;
    await created();
  });
  return form;
}

/**
 * A form value sent byte for byte: a string entry of a multipart form has its line breaks
 * turned into CRLF by the browser, which would change a value or a private key.
 */
function part(value) {
  return new Blob([value], {type: 'text/plain;charset=utf-8'});
}

/** The field an API error is about, from its message; the name field otherwise. */
function errorTarget(err, f) {
  const m = err.message.toLowerCase();
  if (m.includes('store password') || m.includes('storepassword')) {
    return f.storePassword;
  }
  if (m.includes('project')) {
    return f.project;
  }
  if (err.status === 413 || m.includes('larger') || m.includes('too large')) {
    return f.file;
  }
  if (f.kind === 'key_pair' && f.source === 'upload' && (m.includes('key') || m.includes('public') || m.includes('private'))) {
    return m.includes('private') ? f.privateKey : f.publicKey;
  }
  return f.name;
}

/** What the policy misses, in words, before the password is sent; the server checks again. */
function policyProblem(policy, password) {
  const missing = [];
  if ([...password].length < policy.minLength) {
    missing.push(`at least ${policy.minLength} characters`);
  }
  if (policy.requireUpper && !/\p{Lu}/u.test(password)) {
    missing.push('an upper-case letter');
  }
  if (policy.requireLower && !/\p{Ll}/u.test(password)) {
    missing.push('a lower-case letter');
  }
  if (policy.requireDigit && !/\p{Nd}/u.test(password)) {
    missing.push('a digit');
  }
  return missing.length ? `The store password needs ${missing.join(', ')}.` : null;
}

function loadInto(fileInput, textarea) {
  fileInput.addEventListener('change', async () => {
    if (fileInput.files.length) {
      textarea.value = await fileInput.files[0].text();
    }
  });
}

/** Asks for the store password when the secret has one, then shows the value. */
async function readValue(org, s) {
  if (s.storageType !== 'PASSWORD') {
    openValueOrError(org, s);
    return;
  }
  const pw = field({label: 'Store password', input: h('input', {id: 'read-store-password', type: 'password', autocomplete: 'off'})});
  const submit = h('button', {type: 'submit', id: 'read-secret'}, 'Show value');
  const readStatus = status();
  openDialog({
    title: `Store password of ${s.name}`,
    build: (close) => {
      const form = h('form', {class: 'dialog-form', novalidate: true}, h('p', {}, 'This secret is protected by a store password.'),
        pw.row, h('div', {class: 'actions'}, h('button', {type: 'button', class: 'secondary', on: {click: close}}, 'Cancel'), submit),
        readStatus.node);
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        pw.setError('');
        if (!pw.input.value) {
          pw.setError('Enter the store password.');
          return;
        }
        const data = new FormData();
        data.append('storePassword', part(pw.input.value));
        try {
          const answer = await readStatus.run('Decrypting…', [submit], () => fetchValue(org, s, data));
          pw.input.value = '';
          close();
          showValue(s, answer);
        } catch (err) {
          pw.setError(err.message);
          readStatus.error(err.message);
          pw.input.select();
        }
      });
      return form;
    },
    onClose: () => { pw.input.value = ''; },
  });
}

function fetchValue(org, s, data) {
  return api.raw('POST', `/api/v1/org/${api.seg(org)}/secret/${api.seg(s.name)}/data`, data ? {form: data} : {});
}

async function openValueOrError(org, s) {
  try {
    showValue(s, await fetchValue(org, s));
  } catch (err) {
    openDialog({title: `Cannot read ${s.name}`, build: (close) => h('div', {},
      h('p', {class: 'status error', role: 'alert'}, err.message),
      h('div', {class: 'actions'}, h('button', {type: 'button', on: {click: close}}, 'Close')))});
  }
}

/** The value, in a dialog that forgets it when closed. */
function showValue(s, answer) {
  const kind = answer.headers.get('X-Concord-SecretType') || s.type;
  let blobUrl = null;
  const nodes = [];
  if (kind === 'DATA') {
    let text = null;
    try {
      text = new TextDecoder('utf-8', {fatal: true}).decode(answer.bytes);
    } catch (e) {
      text = null;
    }
    blobUrl = URL.createObjectURL(new Blob([answer.bytes], {type: 'application/octet-stream'}));
    const download = h('a', {href: blobUrl, download: s.name, class: 'button secondary'}, 'Download');
    if (text !== null && !/[\u0000-\u0008\u000e-\u001f]/.test(text)) {
      const pre = h('pre', {class: 'secret-value', id: 'secret-value'}, text);
      nodes.push(pre, h('div', {class: 'actions'}, copyButton({getText: () => pre.textContent, target: pre}), download));
    } else {
      nodes.push(h('p', {id: 'secret-value'}, `A binary file of ${answer.bytes.length} bytes.`), h('div', {class: 'actions'}, download));
    }
  } else if (kind === 'USERNAME_PASSWORD') {
    const v = answer.json();
    const u = h('code', {class: 'secret-value', id: 'secret-value-username'}, v.username);
    const p = h('code', {class: 'secret-value', id: 'secret-value-password'}, v.password);
    nodes.push(h('dl', {class: 'pairs'},
      h('dt', {}, 'Username'), h('dd', {}, u, copyButton({getText: () => u.textContent, target: u, label: 'Copy username'})),
      h('dt', {}, 'Password'), h('dd', {}, p, copyButton({getText: () => p.textContent, target: p, label: 'Copy password'}))));
  } else {
    const v = answer.json();
    const pub = h('code', {class: 'secret-value', id: 'secret-value-public'}, v.public);
    const priv = h('pre', {class: 'secret-value', id: 'secret-value-private'}, v.private);
    nodes.push(h('h3', {}, 'Public key'), pub, copyButton({getText: () => pub.textContent, target: pub, label: 'Copy public key'}),
      h('h3', {}, 'Private key'), priv, copyButton({getText: () => priv.textContent, target: priv, label: 'Copy private key'}));
  }
  answer = null;
  openDialog({
    title: `Value of ${s.name}`,
    className: 'wide',
    onClose: () => {
      if (blobUrl) {
        URL.revokeObjectURL(blobUrl);
      }
    },
    build: (close) => h('div', {}, nodes,
      h('div', {class: 'actions'}, h('button', {type: 'button', id: 'close-value', on: {click: close}}, 'Close'))),
  });
}

async function showPublicKey(org, s) {
  try {
    const answer = await api.get(`/api/v1/org/${api.seg(org)}/secret/${api.seg(s.name)}/public`);
    showKey(`Public key of ${s.name}`, answer.publicKey);
  } catch (err) {
    openDialog({title: `Cannot read the public key of ${s.name}`, build: (close) => h('div', {},
      h('p', {class: 'status error', role: 'alert'}, err.message),
      h('div', {class: 'actions'}, h('button', {type: 'button', on: {click: close}}, 'Close')))});
  }
}

function showKey(title, publicKey) {
  const code = h('code', {class: 'secret-value', id: 'public-key-value'}, publicKey);
  openDialog({title, className: 'wide', build: (close) => h('div', {},
    h('p', {}, 'Add it to the servers this key should open, e.g. to ~/.ssh/authorized_keys.'),
    h('div', {class: 'value-row'}, code),
    h('div', {class: 'actions'}, copyButton({getText: () => code.textContent, target: code, label: 'Copy public key'}),
      h('button', {type: 'button', id: 'close-public-key', on: {click: close}}, 'Close')))});
}

function showGeneratedPassword(name, answer) {
  let password = answer.password;
  answer.password = null;
  const code = h('code', {class: 'secret-value', id: 'generated-password'}, password);
  openDialog({title: `Store password of ${name}`, className: 'once',
    onClose: () => { code.textContent = ''; password = null; },
    build: (close) => h('div', {},
      h('p', {class: 'warning', role: 'alert'}, 'Copy this store password now: it will not be shown again, and without it nobody can read the secret.'),
      h('div', {class: 'value-row'}, code),
      h('div', {class: 'actions'}, copyButton({getText: () => password, target: code, label: 'Copy password'}),
        h('button', {type: 'button', on: {click: close}}, 'I have copied it, close')))});
}
