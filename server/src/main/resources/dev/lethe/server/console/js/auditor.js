// The auditor's pages: the audit log (filters, cursor pages, per-field diffs, inclusion proofs),
// verification of the whole log, and the access log.
import {api} from './api.js';
import {h, put, time, badge, table, empty, errorBox, field, loading, download} from './dom.js';
import {accessTable} from './dpo.js';

const OPS = ['', 'INSERT', 'UPDATE', 'DELETE', 'SOFT_DELETE', 'RESTORE', 'PURGE', 'ANONYMIZE'];
const KINDS = ['', 'change', 'access', 'export', 'purge', 'erasure', 'approval'];

/** A stored value as shown: text, null, masked (category + fingerprint) or erased. */
function value(c, side) {
  const state = c[side + 'State'];
  if (state) {
    if (state === 'erased') return badge('[erased]', 'muted');
    const m = /^masked:([^:]+):(.+)$/.exec(state);
    if (m) return h('span', {class: 'masked', title: 'masked: equal values have equal fingerprints'}, badge(m[1], 'info'), ' ', h('span', {class: 'mono'}, m[2].slice(0, 12) + '\u2026'));
    return badge(state, 'muted');
  }
  const v = c[side];
  if (v === null || v === undefined) return h('span', {class: 'muted'}, 'null');
  return h('span', {class: 'value'}, String(v));
}

export function entrySummary(e) {
  return h('span', {class: 'entry-summary'},
    h('span', {class: 'mono'}, '#' + e.logIndex), ' ', time(e.commitTime), ' ',
    badge(e.kind, 'info'), ' ', e.op ? badge(e.op, null) : null, ' ',
    h('span', {class: 'mono'}, e.entityId || ''), ' ',
    h('span', {class: 'muted'}, actorOf(e)));
}

function actorOf(e) {
  if (!e.actor) return '';
  return e.actor.id ? e.actor.type + ':' + e.actor.id : e.actor.type;
}

export function changesTable(e) {
  const changes = e.changes || [];
  if (!changes.length) return h('p', {class: 'muted'}, 'No field changes in this entry.');
  return table('Changes of entry ' + e.logIndex, ['Field', 'Before', 'After'],
    changes.map((c) => h('tr', {class: c.personal ? 'personal' : null},
      h('th', {scope: 'row', class: 'mono'}, c.column, c.personal ? [' ', badge('personal', 'muted')] : null),
      h('td', {class: 'diff-before'}, value(c, 'before')),
      h('td', {class: 'diff-after'}, value(c, 'after')))), {compact: true, showCaption: false});
}

function entryDetail(e) {
  const status = h('div', {'aria-live': 'polite'});
  return h('div', {class: 'entry-detail'},
    changesTable(e),
    h('dl', {class: 'facts'},
      h('dt', null, 'Log index'), h('dd', {class: 'mono'}, String(e.logIndex)),
      h('dt', null, 'Record'), h('dd', {class: 'mono'}, e.entityId || '—'),
      h('dt', null, 'Seq'), h('dd', {class: 'mono'}, String(e.seq)),
      h('dt', null, 'Actor'), h('dd', null, actorOf(e), e.actor && e.actor.reason ? h('span', {class: 'muted'}, ' — ' + e.actor.reason) : null),
      h('dt', null, 'Committed'), h('dd', null, time(e.commitTime)),
      h('dt', null, 'Hash'), h('dd', {class: 'mono hash'}, e.hash || '—',
        e.hashMatchesContent === false ? [' ', badge('does not match its content', 'danger')] : null),
      h('dt', null, 'Previous hash'), h('dd', {class: 'mono hash'}, e.prevHash || '—')),
    e.entityId && e.seq ? h('button', {type: 'button', class: 'btn proof', onclick: async () => {
      put(status, loading('Fetching the proof…'));
      try {
        const proof = await api('GET', '/audit/proofs/' + e.entityId.split('/').map(encodeURIComponent).join('/') + '/' + e.seq);
        const name = 'proof-' + e.entityId.replace(/[^A-Za-z0-9._-]/g, '-') + '-' + e.seq + '.json';
        download(new Blob([JSON.stringify(proof, null, 2) + '\n'], {type: 'application/json'}), name);
        put(status, h('div', {class: 'alert alert-ok', role: 'status', id: 'proof-done'}, 'Proof downloaded: ' + name + '. Check it offline with ./lethe audit check-proof ' + name));
      } catch (err) {
        if (err.status === 401) return;
        put(status, errorBox(err));
      }
    }}, 'Download inclusion proof') : null,
    status);
}

/** The last filters, kept while the console is open. */
const filters = {table: '', key: '', actor: '', op: '', kind: '', since: '', until: ''};

export async function auditLog(box) {
  const inputs = {
    table: h('input', {name: 'table', autocomplete: 'off', placeholder: 'contacts'}),
    key: h('input', {name: 'key', autocomplete: 'off', placeholder: 'contacts/42 or 42'}),
    actor: h('input', {name: 'actor', autocomplete: 'off', placeholder: 'agent:7 or purge'}),
    op: h('select', {name: 'op'}, OPS.map((o) => h('option', {value: o}, o || 'any'))),
    kind: h('select', {name: 'kind'}, KINDS.map((o) => h('option', {value: o}, o || 'any'))),
    since: h('input', {name: 'since', type: 'datetime-local'}),
    until: h('input', {name: 'until', type: 'datetime-local'}),
  };
  for (const [k, el] of Object.entries(inputs)) el.value = filters[k];
  const results = h('div', {'aria-live': 'polite'});
  const iso = (v) => v ? new Date(v + 'Z').toISOString() : '';
  // the answer of the latest filter wins: an earlier, slower one (the unfiltered first page of a
  // large log) that arrives after it is dropped
  let generation = 0;
  const load = async (after) => {
    const mine = after ? generation : ++generation;
    for (const k of Object.keys(filters)) filters[k] = inputs[k].value.trim();
    if (!after) put(results, loading());
    try {
      const page = await api('GET', '/audit/entries', {query: {
        table: filters.table, key: filters.key, actor: filters.actor, op: filters.op, kind: filters.kind,
        since: iso(filters.since), until: iso(filters.until), after, limit: 50}});
      if (mine !== generation) return;
      let list = results.querySelector('.entries');
      if (!after) {
        list = h('div', {class: 'entries'});
        put(results, page.entries.length ? h('p', {class: 'muted'}, 'Newest first. Personal values are masked: category and fingerprint.') : null, list);
        if (!page.entries.length) put(list, empty('No entries match', 'Widen the filters or the time range.'));
      }
      for (const e of page.entries) {
        const d = h('details', {class: 'entry', dataset: {logIndex: String(e.logIndex)}}, h('summary', null, entrySummary(e)));
        d.addEventListener('toggle', () => { if (d.open && d.children.length === 1) d.appendChild(entryDetail(e)); });
        list.appendChild(d);
      }
      results.querySelector('.more')?.remove();
      if (page.next) results.appendChild(h('button', {type: 'button', class: 'btn more', onclick: () => load(page.next)}, 'Older entries'));
    } catch (e) {
      if (e.status === 401 || e.status === 403) throw e;
      put(results, errorBox(e));
    }
  };
  put(box, h('h1', null, 'Audit log'),
    h('p', {class: 'lead'}, 'Every change and every access, hash-chained per record and checkpointed. Open an entry for its fields, hashes and inclusion proof.'),
    h('form', {class: 'filters', onsubmit: (ev) => { ev.preventDefault(); load(null); }},
      field('Table', inputs.table), field('Record', inputs.key), field('Actor', inputs.actor),
      field('Operation', inputs.op), field('Kind', inputs.kind),
      field('From (UTC)', inputs.since), field('Until (UTC)', inputs.until),
      h('div', {class: 'field field-button'},
        h('button', {type: 'submit', class: 'btn btn-primary'}, 'Filter'),
        h('button', {type: 'button', class: 'btn btn-quiet', onclick: () => { for (const el of Object.values(inputs)) el.value = ''; load(null); }}, 'Clear'))),
    results);
  await load(null);
}

/** The verification last started in this console, and its answer. */
let lastVerification = null;

export async function verify(box) {
  const out = h('div', {'aria-live': 'polite'});
  const start = h('button', {type: 'button', class: 'btn btn-primary', id: 'start-verify', onclick: async () => {
    start.disabled = true;
    try {
      const v = await api('POST', '/audit/verifications');
      lastVerification = v;
      await poll(out, v.id);
    } catch (e) {
      if (e.status === 401) return;
      put(out, errorBox(e));
    } finally {
      start.disabled = false;
    }
  }}, 'Start a verification');
  put(box, h('h1', null, 'Verify the log'),
    h('p', {class: 'lead'}, 'Recomputes every hash, every chain and every signed checkpoint up to the latest committed entry. It runs on the server; you can leave this page.'),
    h('div', {class: 'actions'}, start), out);
  if (lastVerification) showVerification(out, lastVerification);
  else put(out, empty('No verification yet', 'Start one: it may take minutes on a large log.'));
}

async function poll(out, id) {
  for (let i = 0; ; i++) {
    const v = await api('GET', '/audit/verifications/' + encodeURIComponent(id));
    lastVerification = v;
    showVerification(out, v);
    if (v.status !== 'running') return;
    await new Promise((r) => setTimeout(r, Math.min(2000, 250 * (i + 1))));
  }
}

function showVerification(out, v) {
  if (v.status === 'running') {
    const p = v.progress || {};
    const known = p.total !== null && p.total !== undefined && p.total > 0;
    put(out, h('div', {class: 'alert alert-info', role: 'status', id: 'verification-progress'},
      h('span', {class: 'spinner', 'aria-hidden': 'true'}), ' Verifying… ',
      p.phase ? h('strong', null, p.phase) : null,
      p.verified ? [' — ', h('span', {class: 'count'}, String(p.verified)), known ? ' of ' + p.total : '', ' entries verified'] : null,
      ' (', h('span', {class: 'mono'}, v.id), ')',
      known ? h('progress', {max: String(p.total), value: String(Math.min(p.verified || 0, p.total)), 'aria-label': 'Entries verified'}) : null));
    return;
  }
  if (v.status === 'error') { put(out, errorBox({title: 'The verification could not run', detail: v.detail})); return; }
  const r = v.result || {};
  const cp = r.latestCheckpoint;
  const copied = h('span', {'aria-live': 'polite', class: 'muted'});
  put(out, h('div', {class: 'card', id: 'verification-result'},
    h('h2', null, r.ok ? badge('VERIFIED', 'ok') : badge('PROBLEMS FOUND', 'danger'), ' ', h('span', {class: 'muted'}, 'verification ', h('span', {class: 'mono'}, v.id))),
    h('dl', {class: 'facts'},
      h('dt', null, 'Entries'), h('dd', null, String(r.entries ?? '—')),
      h('dt', null, 'Checkpoints'), h('dd', null, String(r.checkpointsVerified ?? '—') + ' of ' + String(r.checkpoints ?? '—') + ' verified'),
      h('dt', null, 'Merkle root'), h('dd', {class: 'mono hash'}, r.merkleRoot || '—'),
      r.horizon ? [h('dt', null, 'Up to'), h('dd', null, 'log index ' + r.horizon.logIndex, r.horizon.commitTime ? [' — ', time(r.horizon.commitTime)] : null)] : null),
    cp ? h('div', {class: 'sth'},
      h('h3', null, 'Latest signed tree head'),
      h('p', null, 'Checkpoint ', String(cp.checkpointSeq), ' over ', String(cp.treeSize), ' entries'),
      h('div', {class: 'copy-row'}, h('code', {class: 'hash', id: 'sth-hash'}, cp.hash),
        h('button', {type: 'button', class: 'btn btn-quiet', onclick: async () => {
          try { await navigator.clipboard.writeText(cp.hash); put(copied, 'Copied.'); } catch (e) { window.getSelection().selectAllChildren(document.getElementById('sth-hash')); put(copied, 'Selected: press Ctrl+C to copy.'); }
        }}, 'Copy hash'), copied),
      h('p', {class: 'muted'}, 'Keep it: ./lethe audit verify --expect-checkpoint <hash> proves the log was not rewritten since.')) : null,
    (r.problems || []).length ? table('Problems', ['Kind', 'Where', 'Detail'], r.problems.map((p) => h('tr', null,
      h('td', null, p.kind), h('td', {class: 'mono'}, [p.entityId, p.seq ? '#' + p.seq : null, p.logIndex !== undefined ? '@' + p.logIndex : null].filter(Boolean).join(' ')),
      h('td', null, p.detail))), {showCaption: true}) : null));
}

export async function accessLog(box) {
  const subject = h('input', {name: 'subject', autocomplete: 'off', placeholder: 'contact:42', spellcheck: 'false'});
  const results = h('div', {'aria-live': 'polite'});
  const all = h('div', {'aria-live': 'polite'});
  put(box, h('h1', null, 'Access log'),
    h('p', {class: 'lead'}, 'Who looked at whose data, when and why: every find, export, history read and erasure preview.'),
    h('form', {class: 'filters', onsubmit: async (ev) => {
      ev.preventDefault();
      if (!subject.value.trim()) { put(results, null); return; }
      put(results, loading());
      try {
        const a = await api('GET', '/subjects/' + encodeURIComponent(subject.value.trim()) + '/accesses');
        put(results, h('h2', null, 'Accesses to ', h('span', {class: 'mono'}, a.subjectId)), accessTable(a.accesses || []));
      } catch (e) {
        if (e.status === 401) return;
        put(results, errorBox(e));
      }
    }}, field('One subject', subject, 'A subject id such as contact:42.'),
    h('div', {class: 'field field-button'}, h('button', {type: 'submit', class: 'btn btn-primary'}, 'Show'))),
    results,
    h('h2', null, 'Latest accesses'), all);
  put(all, loading());
  // every subject's accesses: the log's access entries (an auditor's scope; a DPO gets 403)
  const page = await api('GET', '/audit/entries', {query: {kind: 'access', limit: 50}});
  put(all, page.entries.length === 0 ? empty('No accesses recorded yet', null) :
    table('Latest accesses', ['When', 'User', 'Role', 'Action', 'Purpose', 'Subjects', 'Results'],
      page.entries.map((e) => h('tr', null,
        h('td', null, time(e.commitTime)),
        h('td', null, e.actor ? e.actor.id : ''),
        h('td', null, e.attributes ? e.attributes.role : ''),
        h('td', null, e.attributes ? e.attributes.action : ''),
        h('td', null, e.actor ? e.actor.reason : ''),
        h('td', {class: 'mono'}, (e.subjectIds || []).join(', ')),
        h('td', {class: 'num'}, e.attributes ? e.attributes.results : '')))));
}
