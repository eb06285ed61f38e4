// The console's shell: sign-in, the navigation a role may use, hash routing, the 403 page and the
// return to sign-in when the session ends.
import {api, session, ApiError} from './api.js';
import {h, put, errorBox, field, loading} from './dom.js';
import * as dpo from './dpo.js';
import * as auditor from './auditor.js';
import * as admin from './admin.js';

const main = document.getElementById('main');
const notice = document.getElementById('notice');

/** The pages: path, title, the scope its data needs (nav only shows what the role may use). */
const PAGES = [
  {path: 'find', title: 'Find a person', scope: 'subjects:find', render: dpo.find},
  {path: 'person', title: 'Person', scope: 'subjects:export', render: dpo.person, hidden: true},
  {path: 'requests', title: 'Erasure requests', scope: 'erasure-requests:read', render: dpo.requests},
  {path: 'purges', title: 'Purges', scope: 'purges:read', render: dpo.purges},
  {path: 'audit', title: 'Audit log', scope: 'audit:read', render: auditor.auditLog},
  {path: 'verify', title: 'Verify', scope: 'audit:verify', render: auditor.verify},
  {path: 'accesses', title: 'Access log', scope: 'audit:read', render: auditor.accessLog},
  {path: 'users', title: 'Users', scope: 'users:manage', render: admin.users},
  {path: 'health', title: 'Stack health', scope: 'status:read', render: admin.health},
  {path: 'catalog', title: 'Catalog', scope: 'config:read', render: admin.catalog},
  {path: 'policy', title: 'Retention policy', scope: 'config:read', render: admin.policy},
  {path: 'deadletters', title: 'Dead letters', scope: 'status:read', render: admin.deadLetters},
  {path: 'account', title: 'My account', scope: null, render: account, hidden: true},
];

export function say(text, kind) {
  put(notice, text ? h('div', {class: 'alert alert-' + (kind || 'info')}, text) : null);
}

function route() {
  const hash = decodeURIComponent(window.location.hash.replace(/^#\/?/, ''));
  const [path, ...rest] = hash.split('/');
  return {path, arg: rest.join('/')};
}

export function go(path) {
  if (window.location.hash === '#/' + path) render();
  else window.location.hash = '#/' + path;
}

async function render() {
  const {path, arg} = route();
  if (!session.me) {
    try {
      const s = await api('GET', '/session');
      session.me = s;
      session.csrf = s.csrfToken || null;
    } catch (e) {
      session.me = null;
    }
  }
  if (!session.me) {
    showChrome(false);
    return signIn();
  }
  showChrome(true);
  if (path === 'signin' || path === '') return go(home());
  const page = PAGES.find((p) => p.path === path);
  if (!page) return notFound();
  document.title = page.title + ' · Lethe';
  markNav(page.path === 'person' ? 'find' : page.path);
  const box = h('div', {class: 'page', 'data-page': page.path});
  put(main, box);
  try {
    await page.render(box, arg);
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) return forbidden(e);
    if (e instanceof ApiError && e.status === 401) return; // back to sign-in already
    put(box, h('h1', null, page.title), errorBox(e));
  }
  main.focus({preventScroll: true});
}

/** Where a role starts: its main task, else the first page it may open. */
const HOMES = {dpo: 'find', auditor: 'audit', admin: 'users'};

function home() {
  const start = HOMES[session.me.role];
  if (start && PAGES.some((p) => p.path === start && session.may(p.scope))) return start;
  const first = PAGES.find((p) => !p.hidden && session.may(p.scope));
  return first ? first.path : 'account';
}

function showChrome(signedIn) {
  document.getElementById('top').hidden = !signedIn;
  if (!signedIn) return;
  put(document.getElementById('me-name'), session.me.name);
  put(document.getElementById('me-role'), session.me.role.toUpperCase());
  const nav = document.getElementById('nav');
  put(nav, h('ul', null, PAGES.filter((p) => !p.hidden && session.may(p.scope)).map((p) =>
    h('li', null, h('a', {href: '#/' + p.path, 'data-nav': p.path}, p.title)))));
}

function markNav(path) {
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.nav === path) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function signIn() {
  document.title = 'Sign in · Lethe';
  const user = h('input', {name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false'});
  const pass = h('input', {name: 'password', type: 'password', autocomplete: 'current-password', required: true});
  const status = h('div', {'aria-live': 'polite'});
  const button = h('button', {type: 'submit', class: 'btn btn-primary btn-block'}, 'Sign in');
  // why the sign-in page shows (signed out, session expired), said once
  const message = sessionStorage.getItem('lethe.signin-notice');
  sessionStorage.removeItem('lethe.signin-notice');
  const form = h('form', {class: 'signin-form', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    if (!user.value || !pass.value) {
      put(status, h('div', {class: 'alert alert-error', role: 'alert'}, 'Enter your user name and password.'));
      return;
    }
    button.disabled = true;
    put(status, loading('Signing in…'));
    try {
      const s = await api('POST', '/session', {body: {username: user.value, password: pass.value}});
      session.me = s;
      session.csrf = s.csrfToken;
      pass.value = '';
      say(null);
      go(home());
    } catch (e) {
      button.disabled = false;
      const text = e.status === 429
        ? 'Too many failed sign-ins. Try again in ' + (e.retryAfter || 'a few') + ' seconds.'
        : e.status === 401 ? 'Wrong user name or password, or the user is disabled.' : e.detail;
      put(status, h('div', {class: 'alert alert-error', role: 'alert'}, text));
      pass.focus();
    }
  }},
  field('User name', user), field('Password', pass), button, status);
  put(main, h('div', {class: 'signin'},
    h('div', {class: 'signin-card'},
      h('div', {class: 'brand brand-large'}, h('span', {class: 'logo', 'aria-hidden': 'true'}, 'L'), ' Lethe'),
      h('h1', null, 'Sign in'),
      h('p', {class: 'muted'}, 'For DPOs, auditors and admins. Every look at personal data is recorded in the audit log.'),
      message ? h('div', {class: 'alert alert-warn', role: 'alert', id: 'signin-notice'}, message) : null,
      form)));
  user.focus();
}

function forbidden(err) {
  document.title = 'Not allowed · Lethe';
  put(main, h('div', {class: 'page forbidden', 'data-page': 'forbidden'},
    h('p', {class: 'status-code'}, '403'),
    h('h1', null, 'Your role cannot open this page'),
    h('p', null, 'You are signed in as ', h('strong', null, session.me.name), ' with the role ',
      h('strong', null, session.me.role), '.'),
    h('p', null, 'The server answered: ', h('span', {class: 'mono'}, err.detail)),
    h('p', {class: 'muted'}, 'Ask an admin for another role if you need it. Nothing was shown or recorded.'),
    h('p', null, h('a', {class: 'btn', href: '#/' + home()}, 'Back to my start page'))));
}

function notFound() {
  put(main, h('div', {class: 'page', 'data-page': 'not-found'},
    h('h1', null, 'No such page'),
    h('p', null, h('a', {href: '#/' + home()}, 'Back to my start page'))));
}

async function account(box) {
  const me = await api('GET', '/session');
  put(box, h('h1', null, 'My account'),
    h('dl', {class: 'facts'},
      h('dt', null, 'User'), h('dd', null, me.name),
      h('dt', null, 'Role'), h('dd', null, me.role),
      h('dt', null, 'Signed in by'), h('dd', null, me.issuer),
      h('dt', null, 'Scopes'), h('dd', null, me.scopes.join(', '))));
}

async function signOut() {
  try { await api('DELETE', '/session'); } catch (e) { /* the cookie is gone either way */ }
  session.clear();
  sessionStorage.setItem('lethe.signin-notice', 'You are signed out.');
  say(null);
  showChrome(false);
  go('signin');
}

window.addEventListener('lethe:expired', () => {
  const was = !!session.me;
  session.clear();
  if (was) sessionStorage.setItem('lethe.signin-notice', 'Your session expired. Sign in again to continue.');
  go('signin');
});
window.addEventListener('hashchange', render);
document.getElementById('sign-out').addEventListener('click', signOut);
render();
