// The DPO's pages: find a person, a person's page (export, erasure with preview, history, who has
// seen their data), erasure requests and purges.
import {api, session, fileName} from './api.js';
import {h, put, time, day, badge, table, empty, errorBox, field, loading, download} from './dom.js';
import {changesTable, entrySummary} from './auditor.js';

/** People of the last search, by subject id, so a person's page can show their name. */
const known = new Map();
let lastSearch = null;

/** The purpose box every DPO page that reads personal data shows (kept for the session). */
function purposeField(onChange) {
  const input = h('input', {name: 'purpose', value: session.purpose, maxlength: '200', required: true,
    placeholder: 'e.g. DSAR-2026-0042', autocomplete: 'off'});
  input.addEventListener('change', () => { session.purpose = input.value.trim(); if (onChange) onChange(); });
  return {input, el: field('Purpose or case reference', input, 'Recorded with every access; kept until you sign out.')};
}

export async function find(box) {
  const q = h('input', {name: 'q', type: 'search', required: true, autocomplete: 'off', spellcheck: 'false',
    placeholder: 'email, phone, name, @handle or contact:42'});
  const purpose = purposeField();
  const results = h('div', {class: 'results', 'aria-live': 'polite'});
  const form = h('form', {class: 'search-form', role: 'search', onsubmit: async (ev) => {
    ev.preventDefault();
    session.purpose = purpose.input.value.trim();
    if (!q.value.trim()) { put(results, errorBox({title: 'Nothing to search', detail: 'type an email, phone, name, @handle or subject id.'})); q.focus(); return; }
    if (!session.purpose) { put(results, errorBox({title: 'Purpose needed', detail: 'say why you look (a case reference); it is recorded with the access.'})); purpose.input.focus(); return; }
    put(results, loading('Searching…'));
    try {
      const found = await api('GET', '/subjects', {query: {q: q.value.trim(), purpose: session.purpose}});
      lastSearch = found;
      showPeople(results, found);
    } catch (e) {
      if (e.status === 403 || e.status === 401) throw e;
      put(results, errorBox(e));
    }
  }},
  h('div', {class: 'form-row'}, field('Person', q, 'One box: email, phone, name, @handle or subject id.'), purpose.el,
    h('div', {class: 'field field-button'}, h('button', {type: 'submit', class: 'btn btn-primary'}, 'Find'))));
  put(box, h('h1', null, 'Find a person'),
    h('p', {class: 'lead'}, 'Every place a person\u2019s data lives. Each search is recorded with its purpose.'),
    form, results);
  if (lastSearch) showPeople(results, lastSearch);
  q.focus();
}

function showPeople(results, found) {
  const people = found.people || [];
  if (people.length === 0) {
    put(results, empty('Nobody found', 'Check the spelling, or try another identifier of the person.'));
    return;
  }
  put(results, h('p', {class: 'count'}, people.length === 1 ? '1 person found' : people.length + ' people found'),
    people.map(personCard));
}

function personCard(p) {
  known.set(p.subjectId, p);
  const locations = p.locations || [];
  // the server flags each location that is a mention of them in someone else's record
  const mine = locations.filter((l) => !l.mention);
  const mentions = locations.filter((l) => l.mention);
  const ids = Object.entries(p.identifiers || {});
  return h('section', {class: 'card person', 'aria-label': p.name || p.subjectId},
    h('div', {class: 'card-head'},
      h('div', null,
        h('h2', null, p.name || '(no name on record)'),
        h('p', {class: 'mono muted'}, p.subjectId)),
      h('a', {class: 'btn', href: '#/person/' + encodeURIComponent(p.subjectId)}, 'Open person')),
    ids.length ? h('dl', {class: 'identifiers'}, ids.map(([k, v]) => [h('dt', null, k), h('dd', null, v.join(', '))])) : null,
    h('h3', null, 'Where their data lives ', h('span', {class: 'muted'}, '(' + mine.length + ')')),
    mine.length ? locationGroups(mine) : empty('No records of their own', null),
    h('h3', null, 'Mentioned in other people\u2019s records ', h('span', {class: 'muted'}, '(' + mentions.length + ')')),
    mentions.length ? locationGroups(mentions) : h('p', {class: 'muted'}, 'No mentions.'));
}

function locationGroups(locations) {
  const byTable = new Map();
  for (const l of locations) {
    if (!byTable.has(l.table)) byTable.set(l.table, new Map());
    const records = byTable.get(l.table);
    if (!records.has(l.record)) records.set(l.record, []);
    records.get(l.record).push(l);
  }
  return [...byTable.entries()].map(([tableName, records]) =>
    h('div', {class: 'group'},
      h('h4', null, tableName, ' ', h('span', {class: 'muted'}, records.size === 1 ? '1 record' : records.size + ' records')),
      table('Locations in ' + tableName,
        ['Record', 'Column', 'Category', 'Value', 'Detector', 'Confidence', 'Last change'],
        [...records.entries()].flatMap(([record, ls]) => ls.map((l, i) =>
          h('tr', {class: l.softDeleted ? 'soft-deleted' : null},
            h('td', {class: 'mono'}, i === 0 ? record : '', i === 0 && l.softDeleted ? [' ', badge('soft-deleted', 'warn')] : null),
            h('td', {class: 'mono'}, l.column, l.start !== undefined ? h('span', {class: 'muted'}, ' @' + l.start) : null),
            h('td', null, l.category),
            h('td', {class: 'value'}, l.value !== undefined && l.value !== null ? l.value : h('span', {class: 'muted'}, '(' + l.kind + ')')),
            h('td', null, l.detector),
            h('td', {class: 'num'}, Number(l.confidence).toFixed(2)),
            h('td', null, time(l.lastChanged))))), {compact: true})));
}

export async function person(box, subjectId) {
  const p = known.get(subjectId);
  const purpose = purposeField(() => person(box, subjectId));
  const history = h('div', {'aria-live': 'polite'});
  const accesses = h('div', {'aria-live': 'polite'});
  const exportStatus = h('div', {'aria-live': 'polite'});
  put(box,
    h('p', {class: 'crumbs'}, h('a', {href: '#/find'}, 'Find a person'), ' / ', subjectId),
    h('h1', null, p && p.name ? p.name : subjectId),
    h('p', {class: 'mono muted'}, subjectId),
    h('div', {class: 'purpose-bar'}, purpose.el),
    h('div', {class: 'grid-2'},
      h('section', {class: 'card', 'aria-labelledby': 'export-h'},
        h('h2', {id: 'export-h'}, 'Export'),
        h('p', null, 'Their data as one zip: JSON, CSV and a readable HTML page (Art. 15/20). The export is recorded before it is handed out.'),
        h('button', {type: 'button', class: 'btn btn-primary', id: 'export', onclick: () => doExport(subjectId, exportStatus)}, 'Download export'),
        exportStatus),
      erasureCard(subjectId)),
    h('section', {class: 'card', 'aria-labelledby': 'history-h'}, h('h2', {id: 'history-h'}, 'Audit history'),
      h('p', {class: 'muted'}, 'Every change to their records, with values (reading it is recorded).'), history),
    h('section', {class: 'card', 'aria-labelledby': 'seen-h'}, h('h2', {id: 'seen-h'}, 'Who has seen their data'), accesses));
  if (!session.purpose) {
    put(history, empty('Give a purpose first', 'The history shows personal values: say why you look, above.'));
  } else {
    loadHistory(history, subjectId, null);
  }
  try {
    const a = await api('GET', '/subjects/' + encodeURIComponent(subjectId) + '/accesses');
    put(accesses, accessTable(a.accesses || []));
  } catch (e) {
    if (e.status === 401) throw e;
    put(accesses, errorBox(e));
  }
}

async function loadHistory(el, subjectId, after) {
  if (!after) put(el, loading());
  try {
    const page = await api('GET', '/audit/entries', {query: {subject: subjectId, purpose: session.purpose, after, limit: 20}});
    const list = after ? el.querySelector('.entries') : h('div', {class: 'entries'});
    if (!after) put(el, list);
    if (!page.entries.length && !after) put(list, empty('No changes in the log', null));
    for (const e of page.entries) {
      list.appendChild(h('details', {class: 'entry'},
        h('summary', null, entrySummary(e)),
        changesTable(e)));
    }
    el.querySelector('.more')?.remove();
    if (page.next) {
      el.appendChild(h('button', {type: 'button', class: 'btn more', onclick: () => loadHistory(el, subjectId, page.next)}, 'Older entries'));
    }
  } catch (e) {
    if (e.status === 401) throw e;
    put(el, errorBox(e));
  }
}

export function accessTable(list) {
  if (!list.length) return empty('Nobody has looked yet', 'Each find, export, history read and preview is listed here.');
  return table('Accesses', ['When', 'User', 'Role', 'Action', 'Purpose', 'Results'],
    list.map((a) => h('tr', null,
      h('td', null, time(a.at), a.pending ? [' ', badge('pending', 'info')] : null),
      h('td', null, a.user), h('td', null, a.role), h('td', null, a.action),
      h('td', null, a.purpose), h('td', {class: 'num'}, a.results))));
}

async function doExport(subjectId, status) {
  if (!session.purpose) { put(status, errorBox({title: 'Purpose needed', detail: 'give a purpose or case reference above.'})); return; }
  put(status, loading('Preparing the export…'));
  try {
    const res = await api('POST', '/subjects/' + encodeURIComponent(subjectId) + '/exports', {query: {purpose: session.purpose}, raw: true});
    const items = res.headers.get('X-Lethe-Items');
    const name = fileName(res, subjectId.replace(':', '-') + '-export.zip');
    download(await res.blob(), name);
    put(status, h('div', {class: 'alert alert-ok', role: 'status', id: 'export-done'}, 'Export downloaded: ' + name + (items ? ' (' + items + ' items)' : '') + '. It is recorded in the audit log.'));
  } catch (e) {
    if (e.status === 401) return;
    put(status, errorBox(e));
  }
}

function erasureCard(subjectId) {
  const reason = h('input', {name: 'reason', maxlength: '200', required: true, autocomplete: 'off',
    placeholder: 'e.g. Art. 17 request #123'});
  const out = h('div', {'aria-live': 'polite'});
  const form = h('form', {onsubmit: async (ev) => {
    ev.preventDefault();
    if (!reason.value.trim()) { put(out, errorBox({title: 'Reason needed', detail: 'give the request\u2019s reason (never the person\u2019s name or email).'})); reason.focus(); return; }
    if (!session.purpose) { put(out, errorBox({title: 'Purpose needed', detail: 'give a purpose or case reference above.'})); return; }
    put(out, loading('Previewing…'));
    try {
      const preview = await api('POST', '/subjects/' + encodeURIComponent(subjectId) + '/erasure-preview', {query: {purpose: session.purpose}});
      showPreview(out, subjectId, reason.value.trim(), preview);
    } catch (e) {
      if (e.status === 401) return;
      put(out, errorBox(e));
    }
  }},
  field('Reason', reason, 'Kept with the request for good: a case reference, never personal data.'),
  h('button', {type: 'submit', class: 'btn', id: 'preview'}, 'Preview erasure'));
  return h('section', {class: 'card', 'aria-labelledby': 'erase-h'},
    h('h2', {id: 'erase-h'}, 'Erase'),
    h('p', null, 'A dry run first: what will be deleted, anonymized and redacted, and what blocks it. Nothing changes until you confirm.'),
    form, out);
}

function showPreview(out, subjectId, reason, p) {
  const items = (list) => (list || []).map((i) => h('li', null, h('span', {class: 'mono'}, i.record),
    i.columns && i.columns.length ? h('span', {class: 'muted'}, ' — ' + i.columns.join(', ')) : null,
    i.detail ? h('span', {class: 'muted'}, ' — ' + i.detail) : null));
  const section = (title, list, kind) => h('div', {class: 'preview-part preview-' + kind},
    h('h3', null, title, ' ', h('span', {class: 'muted'}, '(' + (list || []).length + ')')),
    (list || []).length ? h('ul', {class: 'plain'}, items(list)) : h('p', {class: 'muted'}, 'None.'));
  const blockers = p.blockers || [];
  const confirmStatus = h('div', {'aria-live': 'polite'});
  const confirm = h('button', {type: 'button', class: 'btn btn-danger', id: 'confirm-erasure', onclick: async () => {
    confirm.disabled = true;
    put(confirmStatus, loading('Requesting the erasure…'));
    try {
      const r = await api('POST', '/erasure-requests', {body: {subjectId, reason}});
      put(confirmStatus, h('div', {class: 'alert alert-ok', role: 'status', id: 'erasure-requested'},
        'Erasure requested (', h('span', {class: 'mono'}, r.requestId), '), due ', day(r.dueAt), '. ',
        r.status === 'awaiting-approval' ? [h('strong', null, 'Four-eyes approval is on: '), 'a second DPO must approve it before it is carried out. '] : null,
        h('a', {href: '#/requests'}, 'Follow it in Erasure requests'), '.'));
    } catch (e) {
      confirm.disabled = false;
      if (e.status === 401) return;
      put(confirmStatus, errorBox(e));
    }
  }}, 'Confirm erasure');
  put(out, h('div', {class: 'preview', id: 'erasure-preview'},
    blockers.length
      ? h('div', {class: 'alert alert-warn', role: 'alert'}, h('strong', null, 'Blocked for now. '),
        'The request will wait, retried, until these are cleared:',
        h('ul', {class: 'plain'}, blockers.map((b) => h('li', null, badge(b.kind, 'warn'), ' ', h('span', {class: 'mono'}, b.record || ''), b.detail ? ' — ' + b.detail : ''))))
      : h('div', {class: 'alert alert-ok'}, 'Nothing blocks this erasure.'),
    h('div', {class: 'grid-3'},
      section('Deleted', p.delete, 'delete'),
      section('Anonymized', p.anonymize, 'anonymize'),
      section('Redacted in others\u2019 records', p.redact, 'redact')),
    p.keyShredded ? h('p', {class: 'muted'}, 'Their key is shredded at the end: their values in the audit log become unreadable, the log stays verifiable.') : null,
    h('div', {class: 'actions'}, confirm), confirmStatus));
  confirm.focus();
}

const QUARTER_MONTH_DAYS = 30 / 4;

const STATUS_BADGE = {done: 'ok', blocked: 'warn', failing: 'danger', refused: 'muted', rejected: 'muted', 'awaiting-approval': 'info'};

export async function requests(box, arg, said) {
  put(box, h('h1', null, 'Erasure requests'), loading());
  const r = await api('GET', '/erasure-requests');
  const me = session.me ? session.me.name : null;
  const all = r.requests || [];
  const waiting = all.filter((q) => q.status === 'awaiting-approval');
  const list = all.filter((q) => q.status !== 'awaiting-approval');
  const out = h('div', {'aria-live': 'polite', id: 'requests-status'}, said || null);
  // a decision (retry, approve, reject): the server records it in the audit log first
  const decide = async (button, what, q, body) => {
    button.disabled = true;
    try {
      const now = await api('POST', '/erasure-requests/' + encodeURIComponent(q.requestId) + '/' + what, body ? {body} : {});
      const done = {retry: 'Retry requested: the retention job takes it up on its next tick.',
        approve: 'Approved: the retention job carries it out now.', reject: 'Rejected: it will not be carried out.'}[what];
      await requests(box, arg, h('div', {class: 'alert alert-ok', role: 'status', id: 'decision-done'},
        h('span', {class: 'mono'}, now.subjectId), ' — ', done));
    } catch (e) {
      button.disabled = false;
      if (e.status === 401) return;
      put(out, errorBox(e));
    }
  };
  const queue = r.approval === 'four-eyes' || waiting.length ? h('section', {class: 'card', id: 'approval-queue', 'aria-labelledby': 'queue-h'},
    h('h2', {id: 'queue-h'}, 'Awaiting approval ', h('span', {class: 'muted'}, '(' + waiting.length + ')')),
    h('p', null, r.approval === 'four-eyes'
      ? 'Four-eyes approval is on: a request is carried out only once a second, different DPO approves it. Its requester may reject it to withdraw it.'
      : 'Four-eyes approval is off now; these were requested while it was on.'),
    waiting.length === 0 ? empty('Nothing awaits approval', null) :
      table('Awaiting approval', ['Subject', 'Requested by', 'Requested', 'Due', 'Reason', 'Decision'], waiting.map((q) => {
        const mine = me !== null && q.requestedBy === me;
        const why = h('input', {name: 'reject-reason', autocomplete: 'off', required: true, maxlength: 200, 'aria-label': 'Why reject the erasure of ' + q.subjectId});
        const reject = h('button', {type: 'submit', class: 'btn btn-quiet'}, mine ? 'Withdraw' : 'Reject');
        return h('tr', {dataset: {request: q.requestId}},
          h('td', {class: 'mono'}, h('a', {href: '#/person/' + encodeURIComponent(q.subjectId)}, q.subjectId)),
          h('td', null, q.requestedBy || h('span', {class: 'muted'}, 'unknown'), mine ? h('span', {class: 'muted'}, ' (you)') : null),
          h('td', null, day(q.requestedAt)), h('td', null, day(q.dueAt)),
          h('td', null, q.reason || ''),
          h('td', null, h('div', {class: 'row-actions'},
            mine ? h('span', {class: 'muted'}, 'Another DPO must approve it. ')
              : h('button', {type: 'button', class: 'btn btn-primary approve', 'aria-label': 'Approve the erasure of ' + q.subjectId,
                onclick: (ev) => decide(ev.currentTarget, 'approve', q)}, 'Approve'),
            h('details', {class: 'reject'}, h('summary', null, mine ? 'Withdraw…' : 'Reject…'),
              h('form', {class: 'form-row', onsubmit: (ev) => {
                ev.preventDefault();
                if (!why.value.trim()) { put(out, errorBox({title: 'Reason needed', detail: 'say why the erasure is rejected (a case reference, never personal data).'})); why.focus(); return; }
                decide(reject, 'reject', q, {reason: why.value.trim()});
              }}, why, reject)))));
      }))) : null;
  put(box, h('h1', null, 'Erasure requests'),
    h('p', {class: 'lead'}, 'Art. 17 requests, newest first. Under a quarter of a month left is highlighted; past the due date they are OVERDUE. A blocked or failing request can be retried now.'),
    out, queue,
    queue ? h('h2', null, 'All requests') : null,
    list.length === 0 ? empty('No erasure requests', 'Request one from a person\u2019s page.') :
      table('Erasure requests', ['Subject', 'Status', 'Requested', 'Due', 'Days left', 'Records', 'Why it waits', 'Actions'],
        list.map((q) => {
          const soon = !q.overdue && q.daysLeft !== null && q.daysLeft !== undefined && q.daysLeft < QUARTER_MONTH_DAYS;
          const retryable = q.status === 'blocked' || q.status === 'failing';
          return h('tr', {class: q.overdue ? 'row-overdue' : soon ? 'row-soon' : null, dataset: {request: q.requestId}},
            h('td', {class: 'mono'}, h('a', {href: '#/person/' + encodeURIComponent(q.subjectId)}, q.subjectId)),
            h('td', null, badge(q.status, STATUS_BADGE[q.status] || 'info')),
            h('td', null, day(q.requestedAt), q.requestedBy ? h('span', {class: 'muted'}, ' by ' + q.requestedBy) : null),
            h('td', null, day(q.dueAt)),
            h('td', {class: 'num'}, q.overdue ? badge('OVERDUE', 'danger')
              : q.daysLeft === null || q.daysLeft === undefined ? h('span', {class: 'muted'}, '—')
              : soon ? badge(q.daysLeft + ' days', 'warn') : String(q.daysLeft)),
            h('td', {class: 'num'}, q.recordsFound !== undefined ? (q.recordsPurged || 0) + ' / ' + q.recordsFound : '—'),
            h('td', null, q.statusReason || h('span', {class: 'muted'}, '—'),
              q.approvedBy ? h('div', {class: 'muted'}, 'approved by ' + q.approvedBy) : null),
            h('td', null, retryable ? h('button', {type: 'button', class: 'btn retry', 'aria-label': 'Retry the erasure of ' + q.subjectId,
              onclick: (ev) => decide(ev.currentTarget, 'retry', q)}, 'Retry now') : null));
        })));
}

export async function purges(box) {
  const outcome = h('select', {name: 'outcome'}, ['', 'done', 'skipped', 'failed'].map((o) => h('option', {value: o}, o || 'any')));
  const tableName = h('input', {name: 'table', autocomplete: 'off', placeholder: 'e.g. tickets'});
  const rule = h('input', {name: 'rule', autocomplete: 'off', placeholder: 'policy rule'});
  const since = h('input', {name: 'since', type: 'datetime-local'});
  const until = h('input', {name: 'until', type: 'datetime-local'});
  const iso = (v) => v ? new Date(v + 'Z').toISOString() : '';
  const results = h('div', {'aria-live': 'polite'});
  // the answer of the latest filter wins (see the audit log's)
  let generation = 0;
  const load = async (after) => {
    const mine = after ? generation : ++generation;
    if (!after) put(results, loading());
    try {
      const page = await api('GET', '/purges', {query: {outcome: outcome.value, table: tableName.value.trim(), rule: rule.value.trim(),
        since: iso(since.value), until: iso(until.value), after, limit: 50}});
      if (mine !== generation) return;
      const rows = page.purges.map((p) => h('tr', null,
        h('td', null, time(p.executedAt)),
        h('td', null, badge(p.outcome, p.outcome === 'done' ? 'ok' : p.outcome === 'failed' ? 'danger' : 'warn')),
        h('td', null, p.action || ''), h('td', null, p.table || ''),
        h('td', {class: 'mono'}, p.entityId || ''), h('td', null, p.rule || ''),
        h('td', null, p.reason || h('span', {class: 'muted'}, '—'))));
      if (!after) {
        put(results, page.purges.length === 0 ? empty('No purges match', 'Change the filters.') :
          table('Purges', ['When', 'Outcome', 'Action', 'Table', 'Record', 'Rule', 'Reason'], rows));
      } else {
        results.querySelector('tbody').append(...rows);
      }
      results.querySelector('.more')?.remove();
      if (page.next) results.appendChild(h('button', {type: 'button', class: 'btn more', onclick: () => load(page.next)}, 'Older purges'));
    } catch (e) {
      if (e.status === 401 || e.status === 403) throw e;
      put(results, errorBox(e));
    }
  };
  put(box, h('h1', null, 'Purges'),
    h('p', {class: 'lead'}, 'Done, skipped and failed purges with their reasons, newest first, by table, rule and time. Receipts name records and rules, never values.'),
    h('form', {class: 'filters', onsubmit: (ev) => { ev.preventDefault(); load(null); }},
      field('Outcome', outcome), field('Table', tableName), field('Rule', rule),
      field('From (UTC)', since), field('Until (UTC)', until),
      h('div', {class: 'field field-button'}, h('button', {type: 'submit', class: 'btn btn-primary'}, 'Filter'))),
    results);
  await load(null);
}
