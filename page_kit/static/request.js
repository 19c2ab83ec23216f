// One call to the JSON API, the same for every page (the kiosk, the share
// viewer, the depositor page): no cookie, no cache, no referrer; an error
// answer becomes an ApiError with the API's stable code, no answer at all a
// NetworkError. Each page's api.js adds its routes and credentials. And one
// call to the object store through a presigned URL (direct transfers, on the
// site's own origin): the URL's signature is its only credential.

/** The server refused: `code` is the API's stable code (share_expired, deposit_closed, …). */
export class ApiError extends Error {
  constructor(status, code, { message = '', attemptsLeft = null, received = null, suspensionReason = null } = {}) {
    super(message || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.attemptsLeft = attemptsLeft; // PIN tries left on a share, when it is limited
    this.received = received; // where the server stands, after an upload offset mismatch
    this.suspensionReason = suspensionReason; // why the service suspended a link (share_suspended, deposit_suspended)
  }
}

/** No answer at all: the network or the server is down. */
export class NetworkError extends Error {
  constructor() {
    super('network');
    this.name = 'NetworkError';
  }
}

/** Worth trying again after a pause: nothing acknowledged was lost. */
export const isRetryable = (error) =>
  error instanceof NetworkError || (error instanceof ApiError && error.status >= 502);

/**
 * Send `method url` on behalf of `client` (the PDE-Client header), with a
 * bearer `token`, a `json` or binary `body`, and other `headers`; the response
 * when it is a success. `credentials` stays 'omit' but for a logout, whose
 * Clear-Site-Data the browser obeys only on a request that could carry them.
 */
export async function apiRequest(
  method,
  url,
  { client, token, json, body, headers = {}, keepalive = false, credentials = 'omit' } = {},
) {
  const init = {
    method,
    headers: { 'PDE-Client': client, ...headers },
    cache: 'no-store',
    credentials,
    referrerPolicy: 'no-referrer',
    keepalive,
  };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/octet-stream';
    init.body = body;
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new NetworkError();
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

async function errorOf(response) {
  let error = {};
  try {
    error = (await response.json()).error || {};
  } catch {
    // not our JSON (a proxy's error page): the status says enough
  }
  const code = error.code || (response.status >= 500 ? 'unavailable' : 'http_error');
  const received = response.headers.get('PDE-Upload-Received');
  return new ApiError(response.status, code, {
    message: error.message,
    attemptsLeft: error.attempts_left ?? null,
    suspensionReason: error.suspension_reason ?? null,
    received: received === null ? null : Number(received),
  });
}

/**
 * The object store refused a presigned request. `code` says what to do:
 * 'url_expired' (403: the URL's time is over, or it was refused: ask the API
 * for a new one), 'integrity_mismatch' (400 BadDigest: the bytes arrived
 * changed), 'storage_unavailable' (5xx), else 'store_refused'.
 */
export class StoreError extends ApiError {
  constructor(status, storeCode) {
    let code = 'store_refused';
    if (status === 403) code = 'url_expired';
    else if (storeCode === 'BadDigest') code = 'integrity_mismatch';
    else if (status >= 500) code = 'storage_unavailable';
    super(status, code, { message: storeCode || '' });
    this.name = 'StoreError';
  }
}

/**
 * Send `method url` to the object store, `url` being presigned by the API for
 * this origin, with exactly `headers` and `body`: no Authorization, no
 * PDE-Client, no cookie (credentials 'omit'), never to another origin.
 */
export async function storeRequest(method, url, { headers = {}, body } = {}) {
  const init = {
    method,
    headers,
    body,
    mode: 'same-origin',
    cache: 'no-store',
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
  };
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new NetworkError();
  }
  if (response.ok) return response;
  const text = await response.text().catch(() => '');
  throw new StoreError(response.status, /<Code>([^<]+)<\/Code>/.exec(text)?.[1]);
}

const URL_TRIES = 3;

/**
 * The response of a GET through a presigned URL that `ask()` obtains from the
 * API ({url}); a URL that expired before use is asked for again. Null when the
 * server answers that direct transfers are off (409 direct_transfer_off): the
 * caller then reads through the API.
 */
export async function presignedGet(ask) {
  for (let attempt = 1; ; attempt += 1) {
    let target;
    try {
      target = await ask();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'direct_transfer_off') return null;
      throw error;
    }
    try {
      return await storeRequest('GET', target.url);
    } catch (error) {
      if (error.code !== 'url_expired' || attempt >= URL_TRIES) throw error;
    }
  }
}
