// The REST API, called exactly as curl calls it. The credential (a Basic header for a password,
// the key itself for an API key) lives in this module's memory only: never in localStorage,
// sessionStorage, a cookie or the URL. Requests omit the browser's own credentials (cookies,
// cached HTTP authentication), so the console never rides on ambient authority and the browser
// never shows its own login prompt.

let credential = null;
let sessionLost = () => {};

/** An error answer of the API, with its message in words. */
export class ApiError extends Error {
  constructor(status, message, retryAfter) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

/** Called with a message when the server stops accepting the credential (revoked, expired, disabled). */
export function onSessionLost(handler) {
  sessionLost = handler;
}

/** The Authorization value for a username and password (RFC 7617, UTF-8). */
export function basic(username, password) {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = '';
  for (const b of bytes) {
    binary += String.fromCharCode(b);
  }
  return `Basic ${btoa(binary)}`;
}

/** Checks `authorization` with whoami and keeps it for the next calls; resolves to whoami. */
export async function signIn(authorization) {
  const answer = await send('GET', '/api/service/console/whoami', {authorization, signingIn: true});
  credential = authorization;
  return answer.json();
}

/** Forgets the credential. */
export function signOut() {
  credential = null;
}

/** A path segment, encoded. */
export function seg(value) {
  return encodeURIComponent(value);
}

export const get = (path) => send('GET', path).then((a) => a.json());
export const post = (path, body) => send('POST', path, body).then((a) => a.json());
export const put = (path, body) => send('PUT', path, body).then((a) => a.json());
export const del = (path) => send('DELETE', path).then((a) => a.json());
/** The whole answer: {status, headers, bytes, json(), text()}. */
export const raw = (method, path, body) => send(method, path, body);

/**
 * One API call. `body` is {json}, {form: FormData} or {text}. Resolves to the answer for a 2xx,
 * rejects with an ApiError (status 0 when the server cannot be reached) otherwise.
 */
async function send(method, path, {json, form, text, authorization = credential, signingIn = false} = {}) {
  const headers = new Headers({Accept: 'application/json'});
  if (authorization) {
    headers.set('Authorization', authorization);
  }
  let body;
  if (json !== undefined) {
    headers.set('Content-Type', 'application/json');
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = form; // multipart/form-data; the browser sets the boundary
  } else if (text !== undefined) {
    headers.set('Content-Type', 'text/plain;charset=utf-8');
    body = text;
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 120000);
  let response;
  try {
    response = await fetch(path, {
      method, headers, body, signal: controller.signal,
      credentials: 'omit', cache: 'no-store', redirect: 'error', referrerPolicy: 'no-referrer',
    });
  } catch (e) {
    throw new ApiError(0, controller.signal.aborted
      ? 'The server did not answer within two minutes.'
      : 'Cannot reach the server: check that it is running and try again.');
  } finally {
    clearTimeout(timer);
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  const answer = {
    status: response.status,
    headers: response.headers,
    bytes,
    text: () => new TextDecoder().decode(bytes),
    json: () => (bytes.length === 0 ? {} : JSON.parse(new TextDecoder().decode(bytes))),
  };
  if (response.ok) {
    return answer;
  }
  const error = new ApiError(response.status, describe(answer), response.headers.get('Retry-After'));
  if (response.status === 401 && !signingIn && credential !== null) {
    credential = null;
    sessionLost(`The server no longer accepts your credentials (${error.message}). Sign in again.`);
  }
  throw error;
}

/** The API's own message in words, with what to do for the statuses that need it. */
function describe(answer) {
  let message;
  try {
    message = answer.json().message;
  } catch (e) {
    message = undefined;
  }
  if (typeof message !== 'string' || message === '') {
    message = `The server answered ${answer.status}.`;
  }
  const retry = answer.headers.get('Retry-After');
  if (answer.status === 429) {
    return `${message} Too many attempts: try again${retry ? ` in ${retry} seconds` : ' later'}.`;
  }
  if (answer.status === 503) {
    return `${message} A backend is unavailable: try again${retry ? ` in ${retry} seconds` : ' later'}.`;
  }
  return message;
}
