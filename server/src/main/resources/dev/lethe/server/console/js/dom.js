// Building the page: every value from the API goes in as text (textContent or attributes set one
// by one), never as HTML. Ticket texts, names and reasons are hostile input.

/**
 * An element: h('td', {class: 'num', title: x}, 'text', child, [more]). Attributes whose value is
 * a function are event listeners (onclick → click); null/false attributes are left out.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (typeof v === 'function') {
        el.addEventListener(k.replace(/^on/, ''), v);
      } else if (k === 'dataset') {
        Object.assign(el.dataset, v);
      } else {
        el.setAttribute(k, v === true ? '' : String(v));
      }
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** Replaces what an element holds. */
export function put(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A time as "2026-12-06 09:00 UTC" (the full instant in its title). */
export function time(iso) {
  if (!iso) return h('span', {class: 'muted'}, '—');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return h('span', null, String(iso));
  const s = d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  return h('time', {datetime: d.toISOString(), title: d.toISOString()}, s);
}

/** A day as "2026-12-06". */
export function day(iso) {
  if (!iso) return h('span', {class: 'muted'}, '—');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return h('span', null, String(iso));
  return h('time', {datetime: d.toISOString(), title: d.toISOString()}, d.toISOString().slice(0, 10));
}

export function badge(text, kind) {
  return h('span', {class: 'badge' + (kind ? ' badge-' + kind : '')}, text);
}

/** A table with a caption, column headings and rows, in a scrolling box for narrow screens. */
export function table(caption, headings, rows, opts = {}) {
  const t = h('table', {class: 'data' + (opts.compact ? ' compact' : '')},
    h('caption', {class: opts.showCaption ? '' : 'sr-only'}, caption),
    h('thead', null, h('tr', null, headings.map((c) => h('th', {scope: 'col'}, c)))),
    h('tbody', null, rows));
  const box = h('div', {class: 'table-wrap'}, t);
  scrollsByKeyboard(box, t, caption);
  return box;
}

/**
 * A box that scrolls sideways (a wide table on a phone) can be scrolled without a mouse (WCAG
 * 2.1.1): while its content is wider than it, it is a named region in the tab order; otherwise it
 * is no tab stop. Checked whenever the box or its content changes size (the window turned or
 * resized, rows added).
 */
function scrollsByKeyboard(box, content, name) {
  const check = () => {
    const scrolls = box.scrollWidth > box.clientWidth;
    if (scrolls === box.hasAttribute('tabindex')) return;
    if (scrolls) {
      box.setAttribute('tabindex', '0');
      box.setAttribute('role', 'region');
      box.setAttribute('aria-label', name);
    } else {
      box.removeAttribute('tabindex');
      box.removeAttribute('role');
      box.removeAttribute('aria-label');
    }
  };
  // one observer per box: it goes with the box when a page is replaced
  const sizes = new ResizeObserver(check);
  sizes.observe(box);
  sizes.observe(content);
}

/** An empty state: what is missing and what to do. */
export function empty(title, hint) {
  return h('div', {class: 'empty'}, h('p', {class: 'empty-title'}, title), hint ? h('p', {class: 'muted'}, hint) : null);
}

/** An error box (role alert) for a failed request. */
export function errorBox(err) {
  const detail = err && err.detail ? err.detail : String(err && err.message ? err.message : err);
  return h('div', {class: 'alert alert-error', role: 'alert'},
    h('strong', null, err && err.title ? err.title : 'Something went wrong'), ' ', detail);
}

export function loading(text) {
  return h('p', {class: 'loading', role: 'status'}, text || 'Loading…');
}

/** A labelled form field. */
export function field(label, input, hint) {
  const id = input.id || ('f-' + Math.random().toString(36).slice(2, 9));
  input.id = id;
  let hintEl = null;
  if (hint) {
    hintEl = h('span', {class: 'hint', id: id + '-hint'}, hint);
    input.setAttribute('aria-describedby', id + '-hint');
  }
  return h('div', {class: 'field'}, h('label', {for: id}, label), input, hintEl);
}

/** Offers bytes as a file download. */
export function download(blob, fileName) {
  const url = URL.createObjectURL(blob);
  const a = h('a', {href: url, download: fileName, class: 'sr-only'}, 'download');
  document.body.appendChild(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(url); a.remove(); }, 1000);
}
