// API keys: list, create (shown once), revoke; admins see and manage any user's keys.
import * as api from './api.js';
import {h, replace, field, status, openDialog, confirmAction, copyButton, time, table, empty} from './dom.js';

export async function keysView(root, {session, params, navigate}) {
  const me = session.me;
  const owner = (session.isAdmin && params.get('user')) || me.username;
  const mine = owner === me.username;
  const query = mine ? '' : `?username=${encodeURIComponent(owner)}`;

  const listArea = h('div', {class: 'list', id: 'keys-list', 'aria-live': 'polite'});
  const listStatus = status(); // what the last action on the list did
  const loadStatus = status();

  async function load() {
    let keys;
    try {
      keys = await loadStatus.run('Loading keys…', [], () => api.get(`/api/v1/apikey${query}`));
    } catch (e) {
      replace(listArea);
      loadStatus.error(e.message);
      return;
    }
    if (keys.length === 0) {
      replace(listArea, empty(mine
        ? 'You have no API keys yet. Create one below to call the API from scripts or CI; it is shown once.'
        : `${owner} has no API keys. Create one below to give this user API access.`));
      return;
    }
    keys.sort((a, b) => String(a.name).localeCompare(String(b.name)));
    replace(listArea, table({
      caption: mine ? 'Your API keys' : `API keys of ${owner}`,
      columns: ['Name', 'Scopes', 'Created', 'Expires', 'Last used', 'Actions'],
      rows: keys.map((k) => [
        h('span', {class: 'name'}, k.name),
        h('span', {class: 'scopes'}, Array.isArray(k.scopes) ? k.scopes.join(', ') : 'all (unscoped)'),
        time(k.createdAt, 'unknown'),
        time(k.expiredAt, 'never'),
        time(k.lastUsedAt, 'never'),
        h('button', {type: 'button', class: 'danger small', 'aria-label': `Revoke key ${k.name}`,
          on: {click: () => revoke(k)}}, 'Revoke'),
      ]),
    }));
  }

  async function revoke(k) {
    const ok = await confirmAction({
      title: 'Revoke this API key?',
      message: `Key "${k.name}" stops working at once for every program that uses it. This cannot be undone.`,
      confirmLabel: 'Revoke key',
    });
    if (!ok) {
      return;
    }
    try {
      await listStatus.run(`Revoking ${k.name}…`, [], () => api.del(`/api/v1/apikey/${api.seg(k.id)}`));
      listStatus.ok(`Key "${k.name}" revoked.`);
    } catch (e) {
      listStatus.error(`Could not revoke "${k.name}": ${e.message}`);
    }
    if (session.me) {
      await load();
    }
  }

  // Create
  const name = field({label: 'Name (optional)', hint: 'So that you recognise it later, e.g. my-laptop or ci-deploy. '
      + '3 to 128 letters, digits and _ @ . - ~. Left empty, the server picks one.',
  input: h('input', {id: 'key-name', name: 'name', autocomplete: 'off', spellcheck: 'false', maxlength: '128'})});
  const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  const expiry = field({label: 'Expires on (optional)', hint: 'The key stops working at the end of this day. '
      + 'Left empty, the server\'s default lifetime applies (none on embedded defaults).',
  input: h('input', {id: 'key-expiry', name: 'expiry', type: 'date', min: tomorrow})});
  const scopeSelect = h('select', {id: 'key-scopes', name: 'scopes', multiple: true, size: '6'});
  const scopes = field({label: 'Scopes (optional)', hint: 'Limit the key to what it is for: select one or more '
      + '(Ctrl or Cmd to select several). None selected: the key may do whatever you may. '
      + 'Scopes you do not hold are greyed out.', input: scopeSelect});
  api.get('/api/v1/apikey/scopes').then((catalogue) => {
    replace(scopeSelect, catalogue.map((s) => h('option', {value: s.name, disabled: !s.grantable,
      title: s.description}, `${s.name} – ${s.description}`)));
  }).catch((e) => scopes.setError(`Could not load the scopes: ${e.message}`));
  const createButton = h('button', {type: 'submit', id: 'create-key'}, 'Create key');
  const createStatus = status();
  const form = h('form', {class: 'card', 'aria-labelledby': 'create-key-title', novalidate: true},
    h('h2', {id: 'create-key-title'}, mine ? 'Create a key' : `Create a key for ${owner}`),
    name.row, expiry.row, scopes.row, h('div', {class: 'actions'}, createButton), createStatus.node);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    name.setError('');
    expiry.setError('');
    scopes.setError('');
    const body = {};
    if (name.input.value.trim()) {
      body.name = name.input.value.trim();
    }
    if (!mine) {
      body.username = owner;
    }
    const chosen = Array.from(scopeSelect.selectedOptions).map((o) => o.value);
    if (chosen.length > 0) {
      body.scopes = chosen;
    }
    if (expiry.input.value) {
      const end = new Date(`${expiry.input.value}T23:59:59`);
      if (Number.isNaN(end.getTime()) || end.getTime() <= Date.now()) {
        expiry.setError('Pick a day after today.');
        expiry.input.focus();
        return;
      }
      body.expiredAt = end.toISOString();
    }
    let issued;
    try {
      issued = await createStatus.run('Creating the key…', [createButton], () => api.post('/api/v1/apikey', {json: body}));
    } catch (err) {
      const target = /expir/i.test(err.message) ? expiry : /scope|permission/i.test(err.message) ? scopes : name;
      target.setError(err.message);
      createStatus.error(err.message);
      target.input.focus();
      return;
    }
    form.reset();
    createStatus.ok(`Key "${issued.name}" created.`);
    showOnce(issued, () => { createButton.focus(); });
    issued = null;
    await load();
  });

  // Admins: whose keys
  let ownerForm = null;
  if (session.isAdmin) {
    const who = field({label: 'Username', hint: 'Admins see and revoke any user\'s keys.',
      input: h('input', {id: 'keys-owner', name: 'owner', autocomplete: 'off', spellcheck: 'false', value: owner})});
    ownerForm = h('form', {class: 'card inline-form', 'aria-labelledby': 'owner-title', novalidate: true,
      on: {submit: (e) => {
        e.preventDefault();
        const u = who.input.value.trim();
        navigate(u && u !== me.username ? `keys?user=${encodeURIComponent(u)}` : 'keys');
      }}},
    h('h2', {id: 'owner-title'}, 'Whose keys'), who.row,
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'secondary', id: 'show-owner-keys'}, 'Show keys')));
  }

  replace(root,
    mine ? null : h('p', {class: 'notice', id: 'keys-owner-notice'}, `You are viewing the keys of ${owner}.`),
    ownerForm,
    h('section', {class: 'list-section', 'aria-labelledby': 'keys-list-title'},
      h('h2', {id: 'keys-list-title'}, mine ? 'Your keys' : `Keys of ${owner}`), listStatus.node, loadStatus.node, listArea),
    form);
  await load();
}

/**
 * Shows a new key once. When the dialog closes, the key leaves the page: its node is removed,
 * and the only reference to it (this closure's `key`) is dropped.
 */
function showOnce(issued, after) {
  let key = issued.key;
  issued.key = null;
  const value = h('code', {class: 'secret-value', id: 'new-key-value'}, key);
  openDialog({
    title: 'Your new API key',
    className: 'once',
    onClose: () => {
      value.textContent = '';
      key = null;
      after();
    },
    build: (close) => h('div', {},
      h('p', {class: 'warning', role: 'alert'}, 'Copy the key now: it will not be shown again. '
        + 'Anyone who has it can act as you, so keep it somewhere safe (a password manager or your CI\'s secret store).'),
      h('p', {}, 'Send it in the Authorization header: ', h('code', {}, 'curl -H "Authorization: <key>" …')),
      h('div', {class: 'value-row'}, value),
      h('div', {class: 'actions'},
        copyButton({getText: () => key, target: value, label: 'Copy key'}),
        h('button', {type: 'button', id: 'close-key-dialog', on: {click: close}}, 'I have copied it, close'))),
  });
}
