// The depositor's side of the deposit API (docs/deposits.md): no account, no
// cookie; the link's id is the capability. It can learn the wallet's public
// key and write sealed files, nothing else: there is no call here that reads.
import { apiRequest } from '/static/kit/request.js';

export { ApiError, NetworkError, isRetryable } from '/static/kit/request.js';

const API = '/api/v1/d';

const request = async (method, path, options) =>
  (await apiRequest(method, API + path, { client: 'deposit-page', ...options })).json();

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
/** Report a problem with this link: {reason, text}; the link's id only, never its secret. */
export const reportLink = (depositId, body) => request('POST', `${link(depositId)}/report`, { json: body });
