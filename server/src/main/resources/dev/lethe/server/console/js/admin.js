// The admin's pages: local users (add, disable, reset), the stack's health, the catalog and retention
// policy in force (read only) and the dead letters of the last day. No personal data.
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
          }}, 'Reset password'))))));
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

const HEALTH_BADGE = {healthy: 'ok', attention: 'warn', unhealthy: 'danger', running: 'info'};

function uptime(seconds) {
  if (seconds === null || seconds === undefined) return h('span', {class: 'muted'}, '—');
  const d = Math.floor(seconds / 86400), hh = Math.floor(seconds % 86400 / 3600), m = Math.floor(seconds % 3600 / 60);
  return d ? d + 'd ' + hh + 'h' : hh ? hh + 'h ' + m + 'm' : m + 'm ' + (seconds % 60) + 's';
}

/** What ./lethe status shows: each component's health, then what the stack found beside them. */
export async function health(box) {
  const out = h('div', {'aria-live': 'polite'});
  const load = async () => {
    put(out, loading('Probing the stack…'));
    try {
      const st = await api('GET', '/status');
      const entries = Object.entries(st);
      const down = entries.filter(([, c]) => c.health === 'unhealthy');
      const attention = entries.filter(([, c]) => c.health === 'attention');
      put(out,
        down.length ? h('div', {class: 'alert alert-error', role: 'alert', id: 'health-summary'}, h('strong', null, down.length + ' unhealthy: '), down.map(([n]) => n).join(', '))
          : attention.length ? h('div', {class: 'alert alert-warn', role: 'status', id: 'health-summary'}, h('strong', null, 'Every component is healthy. '), 'Needs attention: ', attention.map(([n]) => n).join(', '), '.')
            : h('div', {class: 'alert alert-ok', role: 'status', id: 'health-summary'}, 'Every component is healthy.'),
        table('Stack health', ['Component', 'Health', 'Address', 'Detail', 'Up', 'Restarts'], entries.map(([name, c]) => h('tr', {dataset: {component: name}},
          h('th', {scope: 'row'}, name),
          h('td', null, badge(c.health || (c.healthy ? 'healthy' : 'unhealthy'), HEALTH_BADGE[c.health] || 'muted'), c.managed === false ? h('span', {class: 'muted'}, ' external') : null),
          h('td', {class: 'mono'}, c.address || ''),
          h('td', null, c.detail || h('span', {class: 'muted'}, '—')),
          h('td', {class: 'num'}, uptime(c.uptimeSeconds)),
          h('td', {class: 'num', title: c.lastRestartReason || null}, String(c.restarts ?? 0), c.lastRestart ? [' (last ', time(c.lastRestart), ')'] : null))),
        {showCaption: false}));
    } catch (e) {
      if (e.status === 401 || e.status === 403) throw e;
      put(out, errorBox(e));
    }
  };
  put(box, h('h1', null, 'Stack health'),
    h('p', {class: 'lead'}, 'What ./lethe status shows: each component\u2019s address, health, uptime and restarts, the dead letters of the last hour, the catalog, the audit monitor and snapshots.'),
    h('div', {class: 'actions'}, h('button', {type: 'button', class: 'btn', id: 'refresh-health', onclick: () => load()}, 'Refresh')),
    out);
  await load();
}

/** The personal-data catalog in force, one table per helpdesk table (read only). */
export async function catalog(box) {
  put(box, h('h1', null, 'Personal-data catalog'), loading());
  const c = await api('GET', '/config/catalog');
  const tables = c.tables || [];
  const columns = tables.reduce((n, t) => n + (t.columns || []).length, 0);
  const personal = tables.reduce((n, t) => n + (t.columns || []).filter((x) => x.personal).length, 0);
  const filter = h('input', {name: 'table-filter', autocomplete: 'off', placeholder: 'contacts', spellcheck: 'false', type: 'search'});
  const list = h('div');
  const show = () => {
    const q = filter.value.trim().toLowerCase();
    const shown = tables.filter((t) => !q || t.table.includes(q) || (t.columns || []).some((x) => x.column.includes(q)));
    put(list, shown.length === 0 ? empty('No table or column matches', 'Clear the filter.') : shown.map((t) => h('section', {class: 'card', 'aria-labelledby': 'cat-' + t.table, dataset: {table: t.table}},
      h('h2', {id: 'cat-' + t.table}, t.table),
      h('p', null, h('span', {class: 'muted'}, 'Subject: '), h('span', {class: 'mono'}, t.subject || '—'), t.note ? h('span', {class: 'muted'}, ' — ' + t.note) : null),
      table('Columns of ' + t.table, ['Column', 'Category', 'Personal', 'Identifies', 'Scanned', 'References', 'Note'], (t.columns || []).map((x) => h('tr', null,
        h('td', {class: 'mono'}, x.column),
        h('td', null, x.category),
        h('td', null, x.personal ? badge('personal', 'warn') : h('span', {class: 'muted'}, 'no')),
        h('td', null, x.identifies || h('span', {class: 'muted'}, '—')),
        h('td', null, x.scan ? 'yes' : h('span', {class: 'muted'}, 'no')),
        h('td', {class: 'mono'}, x.references || ''),
        h('td', null, x.note || ''))), {compact: true}))));
  };
  put(box, h('h1', null, 'Personal-data catalog'),
    h('p', {class: 'lead'}, 'Read only: where personal data lives in the helpdesk, as reviewed in config/personal-data-catalog.yaml. ',
      String(tables.length) + ' tables, ' + columns + ' columns, ' + personal + ' of them personal.'),
    h('form', {class: 'filters', role: 'search', onsubmit: (ev) => ev.preventDefault()},
      field('Table or column', filter)),
    list);
  filter.addEventListener('input', show);
  show();
}

/** The retention policy in force (read only). */
export async function policy(box) {
  put(box, h('h1', null, 'Retention policy'), loading());
  const p = await api('GET', '/config/retention-policy');
  const erasure = p.erasure || {};
  const kv = (o) => Object.entries(o || {}).map(([k, v]) => k + ': ' + v).join(', ');
  put(box, h('h1', null, 'Retention policy'),
    h('p', {class: 'lead'}, 'Read only: how long the helpdesk keeps each kind of record and what happens then, as reviewed in config/retention-policy.yaml.'),
    h('dl', {class: 'facts', id: 'policy-facts'},
      h('dt', null, 'Erasure deadline'), h('dd', null, erasure.deadline || '—'),
      h('dt', null, 'Erasure approval'), h('dd', null, erasure.approval === 'four-eyes'
        ? [badge('four-eyes', 'info'), ' a second DPO approves each request before it is carried out']
        : [badge('single', 'muted'), ' one DPO\u2019s request is carried out']),
      h('dt', null, 'Adoption backlog'), h('dd', null, p.adoption || '—')),
    h('h2', null, 'Rules'),
    (p.rules || []).length === 0 ? empty('No rules', null) :
      table('Rules', ['Rule', 'Table', 'From', 'When', 'After', 'Action', 'Anonymize', 'Note'], p.rules.map((r) => h('tr', null,
        h('td', {class: 'mono'}, r.id), h('td', null, r.table), h('td', {class: 'mono'}, r.since),
        h('td', null, kv(r.when) || h('span', {class: 'muted'}, '—')),
        h('td', {class: 'mono'}, r.after),
        h('td', null, badge(r.action, r.action === 'delete' ? 'danger' : 'info')),
        h('td', null, kv(r.anonymize) || h('span', {class: 'muted'}, '—')),
        h('td', null, r.note || '')))),
    h('h2', null, 'Legal holds in the policy'),
    (p.holds || []).length === 0 ? empty('No legal holds in the policy file', 'Holds added at run time are in lethe.legal_holds.') :
      table('Legal holds', ['On', 'Reason'], p.holds.map((x) => h('tr', null, h('td', {class: 'mono'}, x.target), h('td', null, x.reason || ''))), {compact: true}));
}

const WINDOWS = [['PT1H', 'last hour', 3600e3], ['P1D', 'last day', 86400e3], ['P7D', 'last 7 days', 7 * 86400e3 - 60e3]];

/** The dead letters of a recent window: why and where from, never the values. */
export async function deadLetters(box) {
  const windowSel = h('select', {name: 'window'}, WINDOWS.map(([v, label]) => h('option', {value: v, selected: v === 'P1D'}, label)));
  const out = h('div', {'aria-live': 'polite'});
  let generation = 0;
  const load = async () => {
    const mine = ++generation;
    put(out, loading('Reading the dead-letter topic…'));
    const ms = WINDOWS.find(([v]) => v === windowSel.value)[2];
    try {
      const d = await api('GET', '/dead-letters', {query: {since: new Date(Date.now() - ms).toISOString()}});
      if (mine !== generation) return;
      const letters = d.letters || [];
      put(out,
        h('p', {id: 'deadletters-summary'}, h('strong', null, String(d.total)), ' since ', time(d.since),
          Object.entries(d.byReason || {}).map(([reason, n]) => [' ', badge(reason + ' ' + n, 'warn')])),
        letters.length === 0 ? empty('No dead letters', 'Every input of this window was processed.') :
          table('Dead letters', ['Failed at', 'Job', 'Reason', 'Source position', 'Detail'], letters.slice().reverse().map((l) => h('tr', null,
            h('td', null, time(l.failedAt)), h('td', null, l.job),
            h('td', null, badge(l.reason, 'warn')),
            h('td', {class: 'mono'}, l.sourceTopic + '-' + l.sourcePartition + '@' + l.sourceOffset),
            h('td', null, l.detail || '')))),
        d.total > letters.length ? h('p', {class: 'muted'}, (d.total - letters.length) + ' more not listed: narrow the window.') : null);
    } catch (e) {
      if (e.status === 401 || e.status === 403) throw e;
      put(out, errorBox(e));
    }
  };
  put(box, h('h1', null, 'Dead letters'),
    h('p', {class: 'lead'}, 'Inputs the jobs could not process: the reason and where each came from (topic, partition, offset). Never the values: read them at their source position while the raw topics keep them (7 days).'),
    h('form', {class: 'filters', onsubmit: (ev) => { ev.preventDefault(); load(); }},
      field('Window', windowSel),
      h('div', {class: 'field field-button'}, h('button', {type: 'submit', class: 'btn btn-primary'}, 'Show'))),
    out);
  await load();
}
