// The worker's side of the share API (docs/shares.md): no account, no cookie;
// the link token proves the link, the access token the link and the PIN, and the
// view token fetches content.
import { apiRequest, presignedGet } from '/static/kit/request.js';

export { ApiError, NetworkError, StoreError } from '/static/kit/request.js';

const API = '/api/v1/s';

const request = (path, { json, token } = {}) =>
  apiRequest(json === undefined ? 'GET' : 'POST', API + path, { client: 'share-viewer', json, token });

const id = (shareId) => encodeURIComponent(shareId);

/** {share_id, pin}: whether the share can be opened and needs a PIN. */
export const shareStatus = async (shareId) => (await request(`/${id(shareId)}`)).json();

/**
 * Open the share with `proofs`, {link_token, access_token} in b64u: view token,
 * info and documents, and `server_time` (the Date header), to time the view by
 * the server's clock.
 */
export async function openShare(shareId, proofs) {
  const response = await request(`/${id(shareId)}/open`, { json: proofs });
  return { ...(await response.json()), server_time: response.headers.get('Date') };
}

/**
 * A shared document's ciphertext, as a stream (the caller decrypts as it
 * arrives): with `transfer` 'direct' (the opening answer's) straight from the
 * object store through a short-lived presigned URL, else through the API.
 */
export async function documentContent(shareId, documentId, viewToken, transfer) {
  const path = `/${id(shareId)}/documents/${encodeURIComponent(documentId)}/content`;
  const ask = async () => (await request(`${path}-url`, { token: viewToken })).json();
  const direct = transfer === 'direct' && (await presignedGet(ask));
  const response = direct || (await request(path, { token: viewToken }));
  return response.body;
}

/** Report a problem with this link: {reason, text}; the link's id only, never its secret. */
export const reportShare = async (shareId, body) => (await request(`/${id(shareId)}/report`, { json: body })).json();
