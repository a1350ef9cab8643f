// Users (admins only): list, create a local user, change roles, disable and enable.
import * as api from './api.js';
import {h, replace, field, status, openDialog, confirmAction, time, table, empty} from './dom.js';

/** "admin, deployer" -> ['admin', 'deployer'] */
function parseRoles(text) {
  return [...new Set(text.split(',').map((r) => r.trim()).filter((r) => r))];
}

export async function usersView(root, {session, navigate}) {
  const listArea = h('div', {class: 'list', id: 'users-list'});
  const listStatus = status(); // what the last action on the list did
  const loadStatus = status();

  async function load() {
    let users;
    try {
      users = await loadStatus.run('Loading users…', [], () => api.get('/api/v1/user?limit=1000'));
    } catch (e) {
      replace(listArea);
      loadStatus.error(e.message);
      return;
    }
    if (users.length === 0) {
      replace(listArea, empty('No users yet. Directory users appear after their first sign-in; create a local user below.'));
      return;
    }
    users.sort((a, b) => String(a.username).localeCompare(String(b.username)));
    replace(listArea, table({
      caption: 'Users',
      columns: ['Username', 'Display name', 'Type', 'Roles', 'Status', 'Last sign-in', 'Actions'],
      rows: users.map((u) => [
        h('span', {class: 'name'}, u.username),
        u.displayName || h('span', {class: 'muted'}, 'none'),
        u.type,
        u.roles.length ? u.roles.join(', ') : h('span', {class: 'muted'}, 'none'),
        u.disabled ? h('span', {class: 'badge off'}, 'Disabled') : h('span', {class: 'badge on'}, 'Enabled'),
        time(u.lastLoginAt, 'never'),
        h('div', {class: 'row-actions'},
          h('button', {type: 'button', class: 'secondary small', 'aria-label': `Change roles of ${u.username}`,
            on: {click: () => editRoles(u)}}, 'Roles'),
          u.disabled
            ? h('button', {type: 'button', class: 'secondary small', 'aria-label': `Enable ${u.username}`,
              on: {click: () => setDisabled(u, false)}}, 'Enable')
            : h('button', {type: 'button', class: 'danger small', 'aria-label': `Disable ${u.username}`,
              on: {click: () => setDisabled(u, true)}}, 'Disable'),
          h('button', {type: 'button', class: 'secondary small', 'aria-label': `API keys of ${u.username}`,
            on: {click: () => navigate(`keys?user=${encodeURIComponent(u.username)}`)}}, 'API keys')),
      ]),
    }));
  }

  async function setDisabled(u, disabled) {
    if (disabled) {
      const ok = await confirmAction({title: `Disable ${u.username}?`,
        message: `${u.username} can no longer sign in, and every API key and process token of this user stops working until enabled again.`
          + (u.username === session.me.username ? ' This is you: you will be signed out.' : ''),
        confirmLabel: 'Disable user'});
      if (!ok) {
        return;
      }
    }
    try {
      await listStatus.run(disabled ? 'Disabling…' : 'Enabling…', [], () =>
        api.post(`/api/v1/user/${api.seg(u.id)}/${disabled ? 'disable' : 'enable'}`, {}));
      listStatus.ok(`${u.username} ${disabled ? 'disabled' : 'enabled'}.`);
    } catch (e) {
      listStatus.error(`Could not ${disabled ? 'disable' : 'enable'} ${u.username}: ${e.message}`);
    }
    if (session.me) {
      await load();
    }
  }

  function editRoles(u) {
    const roles = field({label: 'Roles', hint: 'Comma-separated, e.g. admin, deployer. Empty for none.',
      input: h('input', {id: 'edit-roles', autocomplete: 'off', spellcheck: 'false', value: u.roles.join(', ')})});
    const save = h('button', {type: 'submit', id: 'save-roles'}, 'Save roles');
    const saveStatus = status();
    openDialog({title: `Roles of ${u.username}`, build: (close) => {
      const form = h('form', {class: 'dialog-form', novalidate: true}, roles.row,
        u.username === session.me.username ? h('p', {class: 'warning'}, 'These are your own roles: without admin you lose this page.') : null,
        h('div', {class: 'actions'}, h('button', {type: 'button', class: 'secondary', on: {click: close}}, 'Cancel'), save),
        saveStatus.node);
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        roles.setError('');
        try {
          await saveStatus.run('Saving…', [save], () => api.put(`/api/v1/user/${api.seg(u.id)}/roles`,
            {json: {roles: parseRoles(roles.input.value)}}));
        } catch (err) {
          roles.setError(err.message);
          saveStatus.error(err.message);
          return;
        }
        close();
        listStatus.ok(`Roles of ${u.username} saved.`);
        await load();
      });
      return form;
    }});
  }

  // Create a local user
  const username = field({label: 'Username', hint: 'Local users sign in with API keys an admin creates for them.',
    input: h('input', {id: 'new-username', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none'})});
  const displayName = field({label: 'Display name (optional)', input: h('input', {id: 'new-display-name', autocomplete: 'off'})});
  const email = field({label: 'Email (optional)', input: h('input', {id: 'new-email', type: 'email', autocomplete: 'off'})});
  const roles = field({label: 'Roles (optional)', hint: 'Comma-separated, e.g. deployer.',
    input: h('input', {id: 'new-roles', autocomplete: 'off', spellcheck: 'false'})});
  const submit = h('button', {type: 'submit', id: 'create-user'}, 'Create user');
  const formStatus = status();
  const form = h('form', {class: 'card', 'aria-labelledby': 'create-user-title', novalidate: true},
    h('h2', {id: 'create-user-title'}, 'Create a local user'), username.row, displayName.row, email.row, roles.row,
    h('div', {class: 'actions'}, submit), formStatus.node);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    [username, displayName, email, roles].forEach((f) => f.setError(''));
    const name = username.input.value.trim();
    if (!name) {
      username.setError('Enter a username.');
      username.input.focus();
      return;
    }
    const body = {username: name, type: 'LOCAL', roles: parseRoles(roles.input.value)};
    if (displayName.input.value.trim()) {
      body.displayName = displayName.input.value.trim();
    }
    if (email.input.value.trim()) {
      body.email = email.input.value.trim();
    }
    try {
      await formStatus.run('Creating the user…', [submit], () => api.post('/api/v1/user', {json: body}));
    } catch (err) {
      const target = /email/i.test(err.message) ? email : /role/i.test(err.message) ? roles : username;
      target.setError(err.message);
      formStatus.error(err.message);
      target.input.focus();
      return;
    }
    form.reset();
    formStatus.ok(`User ${name} created. Give them an API key from their row above.`);
    await load();
  });

  replace(root, h('section', {class: 'list-section', 'aria-labelledby': 'users-list-title'},
    h('h2', {id: 'users-list-title'}, 'All users'),
    h('p', {class: 'hint'}, 'Roles are those stored with each user. Directory groups mapped to roles '
      + '(admins to admin on the demo directory) are added when the user signs in, so they are not listed here.'),
    listStatus.node, loadStatus.node, listArea), form);
  await load();
}
