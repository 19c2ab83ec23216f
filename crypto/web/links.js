/**
 * Links that hand a capability to someone (FORMAT.md §6, §7): a share link
 * `<base>/s/<share_id>#<b64u(share secret)>` and a deposit link
 * `<base>/d/<deposit_id>#<b64u(SHA-256(deposit_public)[0:16])>`. Both are read
 * the same way, with the same tolerance for how people paste them: surrounding
 * whitespace, a path before `/s/` or `/d/`, a trailing `/`.
 * @module links
 */

import { b64uDecode, b64uEncode } from './encoding.js';
import { InvalidEncoding } from './errors.js';
import { IDENTIFIER_BYTES } from './keys.js';
import { checkBytes, sha256 } from './primitives.js';

/** Bytes after `#`: a share secret, or a deposit key fingerprint. */
export const FRAGMENT_BYTES = 16;

/**
 * Throws InvalidEncoding unless `id` is 22 base64url characters of 16 bytes.
 * @param {string} id
 */
export function checkIdentifier(id) {
  if (typeof id !== 'string' || id.length !== 22 || b64uDecode(id).length !== IDENTIFIER_BYTES) {
    throw new InvalidEncoding('an identifier is 16 bytes of base64url');
  }
}

/**
 * `<baseUrl>/<segment>/<id>#<b64u(fragment)>`, without the base's trailing `/`.
 * @param {string} baseUrl e.g. `https://pde.example`
 * @param {string} segment `s` (share) or `d` (deposit)
 * @param {string} id 22-character identifier
 * @param {Uint8Array} fragment 16 bytes
 * @returns {string}
 */
export function formatLink(baseUrl, segment, id, fragment) {
  checkBytes(fragment, FRAGMENT_BYTES, 'a link fragment');
  checkIdentifier(id);
  return `${baseUrl.replace(/\/+$/, '')}/${segment}/${id}#${b64uEncode(fragment)}`;
}

/**
 * Read a link of `segment` (or a page's `location.href`).
 * @param {string} link
 * @param {string} segment `s` (share) or `d` (deposit)
 * @returns {{baseUrl: string, id: string, fragment: Uint8Array}}
 * @throws {InvalidEncoding} when it is not such a link with a 16-byte fragment
 */
export function parseLink(link, segment) {
  const what = `not a PDE ${segment === 's' ? 'share' : 'deposit'} link`;
  let url;
  try {
    url = new URL(String(link).trim());
  } catch {
    throw new InvalidEncoding(what);
  }
  const path = url.pathname.replace(/\/+$/, '');
  const at = path.lastIndexOf(`/${segment}/`);
  if (at < 0 || !url.host) throw new InvalidEncoding(what);
  const id = path.slice(at + segment.length + 2);
  checkIdentifier(id);
  const fragment = b64uDecode(url.hash.slice(1));
  if (fragment.length !== FRAGMENT_BYTES) throw new InvalidEncoding(what);
  return { baseUrl: `${url.origin}${path.slice(0, at)}`, id, fragment };
}

/**
 * SHA-256(deposit_public)[0:16]: what a deposit link carries after `#`.
 * @param {Uint8Array} publicKey the wallet's 32-byte X25519 deposit public key
 * @returns {Promise<Uint8Array>}
 */
export async function depositKeyFingerprint(publicKey) {
  checkBytes(publicKey, 32, 'a deposit public key');
  return (await sha256(publicKey)).slice(0, FRAGMENT_BYTES);
}

/**
 * The deposit link `<baseUrl>/d/<deposit_id>#<b64u(fingerprint of the public key)>`.
 * @param {string} baseUrl
 * @param {string} depositId
 * @param {Uint8Array} publicKey the wallet's deposit public key
 * @returns {Promise<string>}
 */
export async function formatDepositLink(baseUrl, depositId, publicKey) {
  return formatLink(baseUrl, 'd', depositId, await depositKeyFingerprint(publicKey));
}

/**
 * Read a deposit link (or the depositor page's `location.href`).
 * @param {string} link
 * @returns {{baseUrl: string, depositId: string, fingerprint: Uint8Array}}
 * @throws {InvalidEncoding} when it is not a deposit link with a 16-byte fingerprint
 */
export function parseDepositLink(link) {
  const { baseUrl, id, fragment } = parseLink(link, 'd');
  return { baseUrl, depositId: id, fingerprint: fragment };
}
