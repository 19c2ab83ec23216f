/**
 * Links that hand a capability to someone (FORMAT.md §6, §7): a share link
 * `<base>/s/<share_id>#<b64u(share secret)>` and a deposit link
 * `<base>/d/<deposit_id>#<b64u(0x02 ‖ deposit secret)>`. Both are read the same
 * way, with the same tolerance for how people paste them: surrounding
 * whitespace, a path before `/s/` or `/d/`, a trailing `/`. A deposit link's
 * secret opens the link's info box: the owner's label for the link and the
 * wallet's public key, which the server stores and can neither read nor change.
 * @module links
 */

import { b64uDecode, b64uEncode, utf8 } from './encoding.js';
import { DecryptionError, InvalidEncoding, UnsupportedVersion } from './errors.js';
import { IDENTIFIER_BYTES } from './keys.js';
import { openJson, sealJson } from './metadata.js';
import { ad, checkBytes, hkdf } from './primitives.js';

/** Bytes after `#` in a share link: the share secret. */
export const FRAGMENT_BYTES = 16;
/** The version byte that starts a deposit link's fragment (1 was a 16-byte key fingerprint). */
export const DEPOSIT_LINK_VERSION = 0x02;
/** Bytes of a deposit link's secret. */
export const DEPOSIT_SECRET_BYTES = 16;

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
 * @param {Uint8Array} fragment a share secret, or a deposit link's version and secret
 * @returns {string}
 */
export function formatLink(baseUrl, segment, id, fragment) {
  checkIdentifier(id);
  return `${baseUrl.replace(/\/+$/, '')}/${segment}/${id}#${b64uEncode(fragment)}`;
}

/**
 * Read a link of `segment` (or a page's `location.href`).
 * @param {string} link
 * @param {string} segment `s` (share) or `d` (deposit)
 * @param {number[]} [fragmentBytes] the lengths its fragment may have
 * @returns {{baseUrl: string, id: string, fragment: Uint8Array}}
 * @throws {InvalidEncoding} when it is not such a link with a fragment of such a length
 */
export function parseLink(link, segment, fragmentBytes = [FRAGMENT_BYTES]) {
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
  if (!fragmentBytes.includes(fragment.length)) throw new InvalidEncoding(what);
  return { baseUrl: `${url.origin}${path.slice(0, at)}`, id, fragment };
}

/**
 * The deposit link `<baseUrl>/d/<deposit_id>#<b64u(0x02 ‖ secret)>`.
 * @param {string} baseUrl
 * @param {string} depositId
 * @param {Uint8Array} secret the link's 16-byte secret
 * @returns {string}
 */
export function formatDepositLink(baseUrl, depositId, secret) {
  checkBytes(secret, DEPOSIT_SECRET_BYTES, 'a deposit link secret');
  return formatLink(baseUrl, 'd', depositId, Uint8Array.of(DEPOSIT_LINK_VERSION, ...secret));
}

/**
 * Read a deposit link (or the depositor page's `location.href`).
 * @param {string} link
 * @returns {{baseUrl: string, depositId: string, secret: Uint8Array}}
 * @throws {InvalidEncoding} when it is not a deposit link
 * @throws {UnsupportedVersion} for a link of the earlier kind (a 16-byte key
 *   fingerprint after `#`) or of a version this code does not know
 */
export function parseDepositLink(link) {
  const { baseUrl, id, fragment } = parseLink(link, 'd', [FRAGMENT_BYTES, 1 + DEPOSIT_SECRET_BYTES]);
  if (fragment.length === FRAGMENT_BYTES || fragment[0] !== DEPOSIT_LINK_VERSION) {
    throw new UnsupportedVersion('a deposit link of another version: ask for a new link');
  }
  return { baseUrl, depositId: id, secret: fragment.slice(1) };
}

async function infoKey(secret, depositId) {
  checkBytes(secret, DEPOSIT_SECRET_BYTES, 'a deposit link secret');
  return hkdf(secret, utf8(depositId), 'pde/v1/deposit-link-info');
}

/**
 * deposit_link_info = box(HKDF(secret, utf8(deposit_id), "pde/v1/deposit-link-info"),
 * pad(json), AD("pde/v1/ad/deposit-link-info", deposit_id)): what the link's holder
 * reads, `{label, public_key}`.
 * @param {Uint8Array} secret the link's 16-byte secret
 * @param {object|string} info
 * @param {string} depositId
 * @param {{nonce?: Uint8Array}} [options]
 * @returns {Promise<Uint8Array>}
 */
export async function encryptDepositLinkInfo(secret, info, depositId, options = {}) {
  return sealJson(await infoKey(secret, depositId), info, ad('pde/v1/ad/deposit-link-info', depositId), options);
}

/**
 * Inverse of `encryptDepositLinkInfo`.
 * @param {Uint8Array} secret
 * @param {Uint8Array} box
 * @param {string} depositId
 * @returns {Promise<object>}
 */
export async function decryptDepositLinkInfo(secret, box, depositId) {
  return openJson(await infoKey(secret, depositId), box, ad('pde/v1/ad/deposit-link-info', depositId));
}

/**
 * The wallet's 32-byte deposit public key named in an opened info box.
 * @param {object} info
 * @returns {Uint8Array}
 * @throws {DecryptionError} when it is missing or malformed
 */
export function depositLinkPublicKey(info) {
  let key = null;
  try {
    key = typeof info?.public_key === 'string' ? b64uDecode(info.public_key) : null;
  } catch {
    key = null;
  }
  if (key?.length !== 32) throw new DecryptionError("the link's info names no public key");
  return key;
}
