// The JSON API of the wallet server (wallet/api/): one function per call,
// with the session token from the page's state as a bearer token.
import { apiRequest, presignedGet } from '/static/kit/request.js';
import { state } from './state.js';

export { ApiError, NetworkError, isRetryable } from '/static/kit/request.js';

const API = '/api/v1';

function request(method, path, { token = state.token, ...options } = {}) {
  // The one place that says which view a call works in: absent, the normal view.
  const headers = state.compartment ? { 'PDE-Compartment': state.compartment.token } : {};
  return apiRequest(method, API + path, { client: 'kiosk', token, headers, ...options });
}

async function json(method, path, options) {
  const response = await request(method, path, options);
  return response.status === 204 ? null : response.json();
}

export const suggestHandle = async () => (await json('GET', '/handles/suggestion')).handle;
export const register = (body) => json('POST', '/accounts', { json: body });
export const loginStart = (handle) => json('POST', '/login/start', { json: { handle } });
export const login = (handle, authKey) =>
  json('POST', '/login', { json: { handle, auth_key: authKey } });
export const loginWithRecovery = (handle, recoveryAuth) =>
  json('POST', '/login/recovery', { json: { handle, recovery_auth: recoveryAuth } });
export const changePassphrase = (body) => json('PUT', '/account/passphrase', { json: body });
export const listSessions = () => json('GET', '/sessions');
export const endSession = (id) => json('DELETE', `/sessions/${encodeURIComponent(id)}`);
export const eraseAccount = (handle) => json('DELETE', '/account', { json: { confirm_handle: handle } });
// same-origin: else the browser ignores the answer's Clear-Site-Data (cache and
// storage; the only cookie, an enrolled terminal's, is not cleared, and the API ignores it)
export const logout = (token) =>
  json('POST', '/logout', { token, keepalive: true, credentials: 'same-origin' });

export const listDocuments = () => json('GET', '/documents');
export const declareDocument = (body) => json('POST', '/documents', { json: body });
export const uploadStatus = (id) => json('GET', `/documents/${id}/upload`);
export const putPart = (id, offset, part) =>
  json('PUT', `/documents/${id}/content?offset=${offset}`, { body: part });
// Direct transfers (docs/api.md): a presigned URL for one part, then the server checks it arrived.
export const partUrl = (id, body) => json('POST', `/documents/${id}/upload/parts`, { json: body });
export const acknowledgePart = (id, offset) =>
  json('POST', `/documents/${id}/upload/parts/ack`, { json: { offset } });
export const completeDocument = (id) => json('POST', `/documents/${id}/complete`);
export const updateDocument = (id, metadata) =>
  json('PATCH', `/documents/${id}`, { json: { metadata } });
export const deleteDocument = (id) => json('DELETE', `/documents/${id}`);
/** Move a document out of the open view: {wrapped_key, metadata, to_compartment: token or null}. */
export const moveDocument = (id, body) => json('POST', `/documents/${id}/move`, { json: body });

/**
 * The document's ciphertext, as a Blob in memory: in direct mode straight from
 * the object store through a short-lived presigned URL, else through the API.
 */
export async function documentContent(id) {
  const ask = () => json('GET', `/documents/${id}/content-url`);
  const direct = state.transfer === 'direct' && (await presignedGet(ask));
  const response = direct || (await request('GET', `/documents/${id}/content`));
  return response.blob();
}

// Shares (docs/shares.md): the owner's routes. Only sealed boxes, wrapped keys
// and the hash of the access token travel; never the link's secret or the PIN.
export const createShare = (body) => json('POST', '/shares', { json: body });
export const listShares = () => json('GET', '/shares');
export const revokeShare = (id) => json('POST', `/shares/${encodeURIComponent(id)}/revoke`);
export const deleteShare = (id) => json('DELETE', `/shares/${encodeURIComponent(id)}`);

// Deposit links and the inbox (docs/deposits.md): the owner's routes. The
// link's label travels sealed; its secret never reaches the server.
export const createDepositLink = (body) => json('POST', '/deposit-links', { json: body });
export const listDepositLinks = () => json('GET', '/deposit-links');
export const revokeDepositLink = (id) => json('POST', `/deposit-links/${encodeURIComponent(id)}/revoke`);
export const deleteDepositLink = (id) => json('DELETE', `/deposit-links/${encodeURIComponent(id)}`);
export const listInbox = () => json('GET', '/inbox');
export const acceptDeposit = (id, body) =>
  json('POST', `/inbox/${encodeURIComponent(id)}/accept`, { json: body });
export const rejectDeposit = (id) => json('DELETE', `/inbox/${encodeURIComponent(id)}`);

// Recovery by trustees (docs/trustees.md): only sealed shares, a wrapped key, a
// verifier and a request's public key and token travel; never a share, the
// trustee key or the request's secret.
export const getAccount = () => json('GET', '/account');
export const getTrustees = () => json('GET', '/trustees');
export const setUpTrustees = (body) => json('PUT', '/trustees', { json: body });
export const removeTrustees = () => json('DELETE', '/trustees');
export const recoveryRequestsAgainstMe = () => json('GET', '/recovery-requests');
export const cancelRecoveryRequest = (id) =>
  json('POST', `/recovery-requests/${encodeURIComponent(id)}/cancel`);
export const trusteeRequests = () => json('GET', '/trustee/requests');
export const releaseShare = (id, sealedShare) =>
  json('POST', `/trustee/requests/${encodeURIComponent(id)}/release`, {
    json: { sealed_share: sealedShare },
  });
export const openRecoveryRequest = (body) =>
  json('POST', '/recovery-requests', { json: body, token: null });
export const recoveryRequestStatus = (id, token) =>
  json('POST', `/recovery-requests/${encodeURIComponent(id)}/status`, {
    json: { token },
    token: null,
  });
export const loginWithTrustees = (body) => json('POST', '/login/trustees', { json: body, token: null });
