// One call to the JSON API, the same for every page (the kiosk, the share
// viewer, the depositor page): no cookie, no cache, no referrer; an error
// answer becomes an ApiError with the API's stable code, no answer at all a
// NetworkError. Each page's api.js adds its routes and credentials.

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
