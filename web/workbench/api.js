// REST client: bearer token from sessionStorage, RFC 9457 problems turned into ApiError.
const TOKEN_KEY = 'cc-workbench-token';
const unauthorizedHandlers = new Set();

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
  // 404 and 405 on a route that other modules are still building: show "not available".
  get unavailable() { return this.status === 404 || this.status === 405 || this.status === 501; }
}

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  set token(v) { if (v) sessionStorage.setItem(TOKEN_KEY, v); else sessionStorage.removeItem(TOKEN_KEY); },
  get agent() { try { return JSON.parse(sessionStorage.getItem(TOKEN_KEY + ':agent')); } catch { return null; } },
  set agent(a) { if (a) sessionStorage.setItem(TOKEN_KEY + ':agent', JSON.stringify(a)); else sessionStorage.removeItem(TOKEN_KEY + ':agent'); }
};
export const onUnauthorized = fn => unauthorizedHandlers.add(fn);

// Returns {status, body, headers}. Throws ApiError for a status >= 400 unless `allow` lists it.
export async function api(method, path, { body, headers = {}, allow = [] } = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  if (session.token) h.Authorization = 'Bearer ' + session.token;
  const response = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const type = response.headers.get('content-type') || '';
  let parsed = null;
  if (/json/.test(type)) { try { parsed = await response.json(); } catch { parsed = null; } }
  if (response.status === 401 && path !== '/api/v1/auth/login') for (const fn of unauthorizedHandlers) fn();
  if (response.status >= 400 && !allow.includes(response.status)) throw new ApiError(response.status, parsed);
  return { status: response.status, body: parsed, headers: response.headers };
}

export const get = (path, opts) => api('GET', path, opts);
export const post = (path, body, opts = {}) => api('POST', path, { ...opts, body });

// Every page of a cursor-paginated list, up to `max` items.
export async function getAll(path, max = 500) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const r = await get(path + sep + 'limit=200' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    items.push(...r.body.items);
    cursor = r.body.next_cursor;
  } while (cursor && items.length < max);
  return items;
}
