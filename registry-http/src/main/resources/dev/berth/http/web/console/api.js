// The console's one way to the server: the management API under /api/v1, with the session cookie the sign-in
// set (HttpOnly: this code never sees it) and, on calls that change something, the session's CSRF token.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let csrfToken = null;
const signedOutListeners = new Set();

/** Called when a call finds the session gone (401): the console then shows the sign-in page. */
export function onSignedOut(listener) {
  signedOutListeners.add(listener);
}

async function request(method, path, {body, query} = {}) {
  const url = new URL('/api/v1' + path, window.location.origin);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') {
      url.searchParams.set(key, String(value));
    }
  }
  const headers = {Accept: 'application/json'};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET' && csrfToken) {
    headers['X-CSRF-Token'] = csrfToken;
  }
  let response;
  try {
    response = await fetch(url, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (failure) {
    throw new ApiError(0, 'NETWORK', 'The server could not be reached (' + failure.message + ').');
  }
  if (response.status === 204) {
    return null;
  }
  let json = null;
  try {
    json = await response.json();
  } catch {
    json = null;
  }
  if (!response.ok) {
    const error = new ApiError(response.status, json?.error?.code ?? 'HTTP_' + response.status,
        json?.error?.message ?? (response.statusText || 'The server answered ' + response.status + '.'));
    if (response.status === 401 && path !== '/session') {
      csrfToken = null;
      signedOutListeners.forEach(listener => listener());
    }
    throw error;
  }
  return json;
}

export const api = {
  get: (path, query) => request('GET', path, {query}),
  post: (path, body) => request('POST', path, {body: body ?? {}}),
  put: (path, body) => request('PUT', path, {body: body ?? {}}),
  patch: (path, body) => request('PATCH', path, {body: body ?? {}}),
  delete: path => request('DELETE', path),
};

/** The current session, or null when the browser has none (or it has ended). */
export async function currentSession() {
  const session = await request('GET', '/session');
  csrfToken = session.signed_in ? session.csrf_token : null;
  return session.signed_in ? session : null;
}

export async function signIn(token) {
  const session = await request('POST', '/session', {body: {token}});
  csrfToken = session.csrf_token;
  return session;
}

export async function signOut() {
  try {
    await request('DELETE', '/session');
  } finally {
    csrfToken = null;
  }
}
