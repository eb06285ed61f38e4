// The console speaks to the same REST API as the command line, signed in by the session cookie
// (HttpOnly: this script never sees it). Unsafe requests repeat the session's CSRF token.

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export const session = {
  csrf: null,
  me: null,
  /** The purpose or case reference a DPO gave, kept for the session (this tab) only. */
  get purpose() { return sessionStorage.getItem('lethe.purpose') || ''; },
  set purpose(v) { sessionStorage.setItem('lethe.purpose', v); },
  clear() { this.csrf = null; this.me = null; sessionStorage.clear(); },
  may(scope) { return !!this.me && this.me.scopes.includes(scope); },
};

/** An API error: the problem details (RFC 9457) the server answered. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem && problem.detail ? problem.detail : 'HTTP ' + status);
    this.status = status;
    this.title = problem && problem.title ? problem.title : 'HTTP ' + status;
    this.detail = problem && problem.detail ? problem.detail : this.message;
    this.type = problem && problem.type ? problem.type : '';
    this.retryAfter = null;
  }
}

/**
 * Calls /api/v1 + path. query: parameters (empty ones left out); body: sent as JSON; raw: the
 * Response itself (downloads). A 401 outside sign-in means the session is over: the app goes back
 * to sign-in.
 */
export async function api(method, path, {query, body, raw} = {}) {
  const url = new URL('/api/v1' + path, window.location.origin);
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v !== null && v !== undefined && v !== '') url.searchParams.set(k, v);
    }
  }
  const headers = {Accept: 'application/json'};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (!SAFE.has(method) && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  let res;
  try {
    res = await fetch(url, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, {title: 'Server unreachable', detail: 'the server did not answer; is it running?'});
  }
  if (!res.ok) {
    let problem = null;
    try { problem = await res.json(); } catch (e) { /* not JSON */ }
    const err = new ApiError(res.status, problem);
    err.retryAfter = res.headers.get('Retry-After');
    if (res.status === 401 && path !== '/session') {
      window.dispatchEvent(new CustomEvent('lethe:expired'));
    }
    throw err;
  }
  if (raw) return res;
  if (res.status === 204) return null;
  return res.json();
}

/** The file name a download's Content-Disposition gives, or a fallback. */
export function fileName(res, fallback) {
  const cd = res.headers.get('Content-Disposition') || '';
  const m = /filename="([^"]+)"/.exec(cd);
  return m ? m[1] : fallback;
}
