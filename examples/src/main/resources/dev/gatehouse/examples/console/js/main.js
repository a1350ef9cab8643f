// The console's shell: sign-in, the header with whoami and sign-out, the navigation and the views.
import * as api from './api.js';
import {h, replace, field, status, viewHeading} from './dom.js';
import {keysView} from './keys.js';
import {secretsView} from './secrets.js';
import {encryptView} from './encrypt.js';
import {usersView} from './users.js';

const main = document.getElementById('main');
const who = document.getElementById('who');
const nav = document.getElementById('nav');

/** The signed-in caller (whoami), or null. Views read it through `session`. */
const session = {me: null, isAdmin: false};

const views = {
  keys: {title: 'API keys', render: keysView},
  secrets: {title: 'Secrets', render: secretsView},
  encrypt: {title: 'Encrypted strings', render: encryptView},
  users: {title: 'Users', render: usersView, admin: true},
};

/** "#keys?user=alice" -> {name: 'keys', params: URLSearchParams} */
function route() {
  const hash = location.hash.replace(/^#/, '');
  const [name, query] = hash.split('?');
  return {name: views[name] ? name : 'keys', params: new URLSearchParams(query || '')};
}

function renderSignIn(message) {
  session.me = null;
  session.isAdmin = false;
  who.hidden = true;
  who.replaceChildren();
  nav.hidden = true;
  nav.replaceChildren();
  document.title = 'Sign in - Gatehouse console';

  const username = field({label: 'Username', input: h('input', {id: 'username', name: 'username', autocomplete: 'username',
    autocapitalize: 'none', spellcheck: 'false', required: true})});
  const password = field({label: 'Password', input: h('input', {id: 'password', name: 'password', type: 'password',
    autocomplete: 'current-password', required: true})});
  const passwordButton = h('button', {type: 'submit', id: 'password-sign-in'}, 'Sign in');
  const passwordStatus = status();
  const passwordForm = h('form', {class: 'card', 'aria-labelledby': 'password-title', novalidate: true},
    h('h2', {id: 'password-title'}, 'With your username and password'),
    h('p', {class: 'hint'}, 'Checked against the directory (LDAP).'),
    username.row, password.row, h('div', {class: 'actions'}, passwordButton), passwordStatus.node);

  const key = field({label: 'API key', input: h('input', {id: 'api-key', name: 'api-key', type: 'password',
    autocomplete: 'off', spellcheck: 'false', required: true})});
  const keyButton = h('button', {type: 'submit', id: 'key-sign-in'}, 'Sign in with key');
  const keyStatus = status();
  const keyForm = h('form', {class: 'card', 'aria-labelledby': 'key-title', novalidate: true},
    h('h2', {id: 'key-title'}, 'With an API key'),
    h('p', {class: 'hint'}, 'Paste a key; it is used for this page only.'),
    key.row, h('div', {class: 'actions'}, keyButton), keyStatus.node);

  passwordForm.addEventListener('submit', (e) => {
    e.preventDefault();
    username.setError('');
    password.setError('');
    const user = username.input.value.trim();
    if (!user) {
      username.setError('Enter your username.');
      username.input.focus();
      return;
    }
    if (user.includes(':')) {
      username.setError('A username cannot contain a colon.');
      username.input.focus();
      return;
    }
    if (!password.input.value) {
      password.setError('Enter your password.');
      password.input.focus();
      return;
    }
    attempt(api.basic(user, password.input.value), passwordStatus, [passwordButton], password);
  });
  keyForm.addEventListener('submit', (e) => {
    e.preventDefault();
    key.setError('');
    const value = key.input.value.trim();
    if (!value) {
      key.setError('Paste your API key.');
      key.input.focus();
      return;
    }
    attempt(value, keyStatus, [keyButton], key);
  });

  replace(main,
    h('section', {class: 'sign-in', 'aria-labelledby': 'sign-in-title'},
      h('h1', {id: 'sign-in-title', tabindex: '-1', class: 'view-title'}, 'Sign in to Gatehouse'),
      message ? h('p', {class: 'notice', role: 'alert'}, message) : null,
      h('div', {class: 'cards-row'}, passwordForm, keyForm),
      h('p', {class: 'hint'}, 'Your credential stays in this page\'s memory only: reloading or closing the page signs you out.')));
  username.input.focus();
}

async function attempt(authorization, formStatus, controls, target) {
  try {
    const me = await formStatus.run('Signing in…', controls, () => api.signIn(authorization));
    formStatus.clear();
    signedIn(me);
  } catch (e) {
    const message = e.status === 401 ? `Sign-in failed: ${e.message}` : e.message;
    target.setError(message);
    formStatus.error(message);
    target.input.focus();
  }
}

function signedIn(me) {
  session.me = me;
  session.isAdmin = Array.isArray(me.roles) && me.roles.includes('admin');
  const name = me.displayName || me.username;
  const signOut = h('button', {type: 'button', id: 'sign-out', class: 'secondary', on: {click: () => leave()}}, 'Sign out');
  replace(who,
    h('div', {class: 'whoami', id: 'whoami'},
      h('span', {class: 'who-name', id: 'who-name'}, name),
      h('span', {class: 'who-detail'},
        h('span', {id: 'who-username'}, me.username), ' · signed in with ', h('span', {id: 'who-realm'}, me.realm),
        ' · roles: ', h('span', {id: 'who-roles'}, me.roles && me.roles.length ? me.roles.join(', ') : 'none'))),
    signOut);
  who.hidden = false;
  const list = h('ul', {});
  for (const [key, view] of Object.entries(views)) {
    if (view.admin && !session.isAdmin) {
      continue;
    }
    list.append(h('li', {}, h('a', {href: `#${key}`, id: `nav-${key}`}, view.title)));
  }
  replace(nav, list);
  nav.hidden = false;
  show();
}

/** Signs out: forgets the credential and reloads, which drops every value the page held. */
function leave(message) {
  api.signOut();
  session.me = null;
  main.replaceChildren();
  who.replaceChildren();
  if (message) {
    renderSignIn(message);
    return;
  }
  location.hash = 'signed-out';
  location.reload();
}

/** Opens another view (or the same one again, e.g. after a change). */
function navigate(hash) {
  if (location.hash === `#${hash}`) {
    show();
  } else {
    location.hash = hash;
  }
}

async function show() {
  if (!session.me) {
    return;
  }
  const asked = route();
  const name = views[asked.name].admin && !session.isAdmin ? 'keys' : asked.name;
  const params = asked.params;
  const view = views[name];
  for (const link of nav.querySelectorAll('a')) {
    if (link.getAttribute('href') === `#${name}`) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  document.title = `${view.title} - Gatehouse console`;
  const heading = viewHeading(view.title);
  const body = h('div', {class: 'view-body'});
  replace(main, h('section', {class: 'view', id: `view-${name}`}, heading, body));
  heading.focus();
  try {
    await view.render(body, {session, params, navigate});
  } catch (e) {
    replace(body, h('p', {class: 'status error', role: 'alert'}, e.message || String(e)));
  }
}

api.onSessionLost((message) => leave(message));
window.addEventListener('hashchange', show);
document.getElementById('skip').addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});

if (location.hash === '#signed-out') {
  history.replaceState(null, '', location.pathname);
  renderSignIn('You are signed out.');
} else {
  renderSignIn();
}
