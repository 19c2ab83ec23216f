/**
 * Shares (FORMAT.md §6): the link `https://<host>/s/<share_id>#<b64u(secret)>`,
 * the keys derived from its secret (and PIN), and the boxes the owner writes
 * for the worker who opens it.
 * @module share
 */

import { concatBytes, utf8 } from './encoding.js';
import { normalizeSecretText, unwrapKey, wrapKey } from './keys.js';
import { formatLink, parseLink } from './links.js';
import { openJson, sealJson } from './metadata.js';
import { NO_SALT, ad, checkBytes, hkdf, randomBytes } from './primitives.js';

export const SHARE_SECRET_BYTES = 16;

/**
 * A fresh 128-bit share secret (the link's fragment).
 * @returns {Uint8Array}
 */
export function newShareSecret() {
  return randomBytes(SHARE_SECRET_BYTES);
}

/**
 * share_root = HKDF(share_secret ‖ utf8(NFKC(digits(pin))), "", "pde/v1/share-root");
 * shareKey = HKDF(share_root, utf8(share_id), "pde/v1/share-key") stays in the browser;
 * accessToken = HKDF(share_root, utf8(share_id), "pde/v1/share-access") is shown to the server;
 * linkToken = HKDF(share_secret, utf8(share_id), "pde/v1/share-link") proves the link without
 * the PIN, so that only a link holder may spend PIN attempts.
 * @param {Uint8Array} secret the 16-byte share secret
 * @param {string} shareId
 * @param {string} [pin=''] empty when the share has no PIN
 * @returns {Promise<{shareKey: Uint8Array, linkToken: Uint8Array, accessToken: Uint8Array}>}
 */
export async function deriveShareKeys(secret, shareId, pin = '') {
  checkBytes(secret, SHARE_SECRET_BYTES, 'a share secret');
  const ikm = concatBytes(secret, normalizeSecretText(normalizePin(pin)));
  const root = await hkdf(ikm, NO_SALT, 'pde/v1/share-root');
  const salt = utf8(shareId);
  return {
    shareKey: await hkdf(root, salt, 'pde/v1/share-key'),
    linkToken: await hkdf(secret, salt, 'pde/v1/share-link'),
    accessToken: await hkdf(root, salt, 'pde/v1/share-access'),
  };
}

/**
 * A PIN with the Eastern Arabic digits U+0660–U+0669 and U+06F0–U+06F9 written as
 * ASCII digits, so a PIN spoken aloud is the same on an Arabic or Persian keyboard.
 * @param {string} pin
 * @returns {string}
 */
export function normalizePin(pin) {
  if (typeof pin !== 'string') throw new TypeError('a PIN is a string');
  return pin.replace(/[\u0660-\u0669\u06F0-\u06F9]/g, (digit) =>
    String(digit.charCodeAt(0) & 0x0f),
  );
}

/**
 * The share link `<base_url>/s/<share_id>#<b64u(secret)>`.
 * @param {string} baseUrl e.g. `https://pde.example` (a trailing `/` is dropped)
 * @param {string} shareId 22-character identifier
 * @param {Uint8Array} secret the 16-byte share secret
 * @returns {string}
 */
export function formatShareLink(baseUrl, shareId, secret) {
  checkBytes(secret, SHARE_SECRET_BYTES, 'a share secret');
  return formatLink(baseUrl, 's', shareId, secret);
}

/**
 * Read a share link (or the viewer's `location.href`): surrounding whitespace, a
 * path before `/s/` and a trailing `/` are accepted (FORMAT.md §6).
 * @param {string} link
 * @returns {{baseUrl: string, shareId: string, secret: Uint8Array}}
 * @throws {InvalidEncoding} when it is not a share link with a 16-byte secret
 */
export function parseShareLink(link) {
  const { baseUrl, id, fragment } = parseLink(link, 's');
  return { baseUrl, shareId: id, secret: fragment };
}

/**
 * share_wrapped_document_key = box(share_key, document_key,
 * AD("pde/v1/ad/share-document-key", share_id, document_id)).
 * @param {Uint8Array} shareKey
 * @param {Uint8Array} documentKey
 * @param {string} shareId
 * @param {string} documentId
 * @param {{nonce?: Uint8Array}} [options]
 * @returns {Promise<Uint8Array>}
 */
export async function wrapDocumentKeyForShare(
  shareKey,
  documentKey,
  shareId,
  documentId,
  options = {},
) {
  const aad = ad('pde/v1/ad/share-document-key', shareId, documentId);
  return wrapKey(shareKey, documentKey, aad, options);
}

/**
 * Inverse of `wrapDocumentKeyForShare`.
 * @param {Uint8Array} shareKey
 * @param {Uint8Array} wrapped
 * @param {string} shareId
 * @param {string} documentId
 * @returns {Promise<Uint8Array>}
 */
export async function unwrapDocumentKeyFromShare(shareKey, wrapped, shareId, documentId) {
  return unwrapKey(shareKey, wrapped, ad('pde/v1/ad/share-document-key', shareId, documentId));
}

/**
 * share_metadata = box(HKDF(share_key, "", "pde/v1/share-metadata"),
 * pad(utf8(json_of_chosen_fields)), AD("pde/v1/ad/share-metadata", share_id, document_id)).
 * @param {Uint8Array} shareKey
 * @param {object|string} metadata only the fields the owner chose, or their JSON text
 * @param {string} shareId
 * @param {string} documentId
 * @param {{nonce?: Uint8Array}} [options]
 * @returns {Promise<Uint8Array>}
 */
export async function encryptShareMetadata(shareKey, metadata, shareId, documentId, options = {}) {
  const key = await hkdf(shareKey, NO_SALT, 'pde/v1/share-metadata');
  return sealJson(key, metadata, ad('pde/v1/ad/share-metadata', shareId, documentId), options);
}

/**
 * Inverse of `encryptShareMetadata`.
 * @param {Uint8Array} shareKey
 * @param {Uint8Array} box
 * @param {string} shareId
 * @param {string} documentId
 * @returns {Promise<object>}
 */
export async function decryptShareMetadata(shareKey, box, shareId, documentId) {
  const key = await hkdf(shareKey, NO_SALT, 'pde/v1/share-metadata');
  return openJson(key, box, ad('pde/v1/ad/share-metadata', shareId, documentId));
}

/**
 * share_info = box(HKDF(share_key, "", "pde/v1/share-info"), pad(utf8(json)),
 * AD("pde/v1/ad/share-info", share_id)): recipient label, purpose, and from (whose documents).
 * @param {Uint8Array} shareKey
 * @param {object|string} info
 * @param {string} shareId
 * @param {{nonce?: Uint8Array}} [options]
 * @returns {Promise<Uint8Array>}
 */
export async function encryptShareInfo(shareKey, info, shareId, options = {}) {
  const key = await hkdf(shareKey, NO_SALT, 'pde/v1/share-info');
  return sealJson(key, info, ad('pde/v1/ad/share-info', shareId), options);
}

/**
 * Inverse of `encryptShareInfo`.
 * @param {Uint8Array} shareKey
 * @param {Uint8Array} box
 * @param {string} shareId
 * @returns {Promise<object>}
 */
export async function decryptShareInfo(shareKey, box, shareId) {
  const key = await hkdf(shareKey, NO_SALT, 'pde/v1/share-info');
  return openJson(key, box, ad('pde/v1/ad/share-info', shareId));
}

/**
 * share_owner_record = box(HKDF(master_key, "", "pde/v1/share-owner"), pad(utf8(json)),
 * AD("pde/v1/ad/share-owner", account_id, share_id)): the owner's own copy of a
 * share (secret, PIN, recipient, purpose), so the link can be shown again.
 * @param {Uint8Array} masterKey
 * @param {object|string} record
 * @param {string} accountId
 * @param {string} shareId
 * @param {{nonce?: Uint8Array}} [options]
 * @returns {Promise<Uint8Array>}
 */
export async function encryptShareOwnerRecord(masterKey, record, accountId, shareId, options = {}) {
  const key = await hkdf(masterKey, NO_SALT, 'pde/v1/share-owner');
  return sealJson(key, record, ad('pde/v1/ad/share-owner', accountId, shareId), options);
}

/**
 * Inverse of `encryptShareOwnerRecord`.
 * @param {Uint8Array} masterKey
 * @param {Uint8Array} box
 * @param {string} accountId
 * @param {string} shareId
 * @returns {Promise<object>}
 */
export async function decryptShareOwnerRecord(masterKey, box, accountId, shareId) {
  const key = await hkdf(masterKey, NO_SALT, 'pde/v1/share-owner');
  return openJson(key, box, ad('pde/v1/ad/share-owner', accountId, shareId));
}
