// The depositor's side of the deposit API (docs/deposits.md): no account, no
// cookie; the link's id is the capability. It can learn the wallet's public
// key and write sealed files, nothing else: there is no call here that reads.
const API = '/api/v1/d';

/** The server refused: `code` is the API's stable code (deposit_closed, …). */
export class DepositError extends Error {
  constructor(status, code, received = null) {
    super(code);
    this.name = 'DepositError';
    this.status = status;
    this.code = code;
    this.received = received; // where the server stands, after an offset mismatch
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
  error instanceof NetworkError || (error instanceof DepositError && error.status >= 502);

async function request(method, path, { json, body } = {}) {
  const headers = { 'PDE-Client': 'deposit-page' };
  const init = { method, headers, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' };
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/octet-stream';
    init.body = body;
  }
  let response;
  try {
    response = await fetch(API + path, init);
  } catch {
    throw new NetworkError();
  }
  if (!response.ok) {
    let code = response.status >= 500 ? 'unavailable' : 'http_error';
    try {
      code = (await response.json()).error.code || code;
    } catch {
      // not our JSON (a proxy's error page): the status says enough
    }
    const received = response.headers.get('PDE-Upload-Received');
    throw new DepositError(response.status, code, received === null ? null : Number(received));
  }
  return response.json();
}

const link = (depositId) => `/${encodeURIComponent(depositId)}`;
const file = (depositId, documentId) => `${link(depositId)}/documents/${encodeURIComponent(documentId)}`;

/** {deposit_id, public_key, expires_at, files_left, document_max_bytes, part_max_bytes} */
export const depositInfo = (depositId) => request('GET', link(depositId));
/** Declare one sealed file: {document_id, sealed_key, metadata, size, sha256}. */
export const declareFile = (depositId, body) => request('POST', `${link(depositId)}/documents`, { json: body });
export const uploadStatus = (depositId, documentId) => request('GET', `${file(depositId, documentId)}/upload`);
export const putPart = (depositId, documentId, offset, part) =>
  request('PUT', `${file(depositId, documentId)}/content?offset=${offset}`, { body: part });
export const completeFile = (depositId, documentId) => request('POST', `${file(depositId, documentId)}/complete`);
