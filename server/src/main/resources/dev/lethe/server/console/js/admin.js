// The admin's page: local users (add, disable, reset). No personal data.
import {api} from './api.js';
import {h, put, time, badge, table, empty, errorBox, field, loading} from './dom.js';

export async function users(box) {
  const out = h('div', {'aria-live': 'polite'});
  const listBox = h('div');
  const name = h('input', {name: 'username', autocomplete: 'off', required: true, pattern: '[A-Za-z][A-Za-z0-9._-]{0,63}', spellcheck: 'false'});
  const role = h('select', {name: 'role'}, ['dpo', 'auditor', 'admin'].map((r) => h('option', {value: r}, r)));
  const shownOnce = (r, what) => h('div', {class: 'alert alert-ok', role: 'status', id: 'one-time'},
    what, ' ', h('strong', null, r.name), '. One-time password (shown once, hand it over safely): ',
    h('code', {class: 'secret'}, r.password));
  const reload = async () => {
    const u = await api('GET', '/users');
    put(listBox, u.users.length === 0 ? empty('No users', 'Add one above.') :
      table('Users', ['Name', 'Role', 'Status', 'Created', 'Password set', 'Actions'], u.users.map((x) => h('tr', null,
        h('td', null, x.name), h('td', null, x.role),
        h('td', null, x.disabled ? badge('disabled', 'warn') : badge('active', 'ok')),
        h('td', null, time(x.createdAt)), h('td', null, time(x.passwordSetAt)),
        h('td', {class: 'row-actions'},
          x.disabled ? null : h('button', {type: 'button', class: 'btn btn-quiet', 'aria-label': 'Disable ' + x.name, onclick: async () => {
            try { await api('POST', '/users/' + encodeURIComponent(x.name) + '/disable'); put(out, h('div', {class: 'alert alert-ok', role: 'status'}, 'Disabled ' + x.name + '; their sessions end now.')); await reload(); } catch (e) { put(out, errorBox(e)); }
          }}, 'Disable'),
          h('button', {type: 'button', class: 'btn btn-quiet', 'aria-label': 'Reset the password of ' + x.name, onclick: async () => {
            try { const r = await api('POST', '/users/' + encodeURIComponent(x.name) + '/reset'); put(out, shownOnce(r, 'Reset')); await reload(); } catch (e) { put(out, errorBox(e)); }
          }}, 'Reset password')))), {focusable: true}));
  };
  put(box, h('h1', null, 'Users'),
    h('p', {class: 'lead'}, 'Local users and their roles. Passwords are stored as Argon2id hashes; a new or reset password is shown once.'),
    h('form', {class: 'filters', onsubmit: async (ev) => {
      ev.preventDefault();
      if (!name.value.trim()) { put(out, errorBox({title: 'Name needed', detail: 'give the new user a name.'})); name.focus(); return; }
      try {
        const r = await api('POST', '/users', {body: {username: name.value.trim(), role: role.value}});
        put(out, shownOnce(r, 'Added'));
        name.value = '';
        await reload();
      } catch (e) {
        if (e.status === 401) return;
        put(out, errorBox(e));
      }
    }}, field('New user', name), field('Role', role),
    h('div', {class: 'field field-button'}, h('button', {type: 'submit', class: 'btn btn-primary'}, 'Add user'))),
    out, listBox);
  put(listBox, loading());
  await reload();
}
