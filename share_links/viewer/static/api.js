// The worker's side of the share API (docs/shares.md): no account, no cookie;
// the access token proves the link (and PIN), the view token fetches content.
const API = '/api/v1/s';

/** The server refused: `code` is the API's stable code (share_expired, …). */
export class ShareError extends Error {
  constructor(status, code, attemptsLeft = null) {
    super(code);
    this.name = 'ShareError';
    this.status = status;
    this.code = code;
    this.attemptsLeft = attemptsLeft;
  }
}

/** No answer at all: the network or the server is down. */
export class NetworkError extends Error {
  constructor() {
    super('network');
    this.name = 'NetworkError';
  }
}

async function request(path, { json, token } = {}) {
  const headers = { 'PDE-Client': 'share-viewer' };
  const init = { method: 'GET', headers, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (json !== undefined) {
    init.method = 'POST';
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  }
  let response;
  try {
    response = await fetch(API + path, init);
  } catch {
    throw new NetworkError();
  }
  if (!response.ok) {
    let error = {};
    try {
      error = (await response.json()).error || {};
    } catch {
      // not our JSON (a proxy's error page): the status says enough
    }
    const code = error.code || (response.status >= 500 ? 'unavailable' : 'http_error');
    throw new ShareError(response.status, code, error.attempts_left ?? null);
  }
  return response;
}

const id = (shareId) => encodeURIComponent(shareId);

/** {share_id, pin}: whether the share can be opened and needs a PIN. */
export const shareStatus = async (shareId) => (await request(`/${id(shareId)}`)).json();

/**
 * Open the share with the access token (b64u): view token, info and documents,
 * and `server_time` (the Date header), to time the view by the server's clock.
 */
export async function openShare(shareId, accessToken) {
  const response = await request(`/${id(shareId)}/open`, { json: { access_token: accessToken } });
  return { ...(await response.json()), server_time: response.headers.get('Date') };
}

/** A shared document's ciphertext, as a stream (the caller decrypts as it arrives). */
export async function documentContent(shareId, documentId, viewToken) {
  const path = `/${id(shareId)}/documents/${encodeURIComponent(documentId)}/content`;
  const response = await request(path, { token: viewToken });
  return response.body;
}
