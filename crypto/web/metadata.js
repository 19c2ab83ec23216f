/**
 * Document metadata (FORMAT.md §5, §7): one JSON object, padded to a power
 * of two (256 … 65,536 bytes) so that the server cannot tell titles and
 * names apart by length, then sealed in a box bound to its place.
 * @module metadata
 */

import { fromUtf8, u32be, utf8 } from './encoding.js';
import { DecryptionError, MetadataTooLarge } from './errors.js';
import { NO_SALT, ad, hkdf, openBox, sealBox } from './primitives.js';

export const MIN_PADDED = 256;
export const MAX_PADDED = 65536;
const LENGTH_BYTES = 4;

/**
 * pad(m) = u32be(len(m)) ‖ m ‖ zeros, total the smallest power of two ≥ max(256, 4 + len(m)).
 * @param {Uint8Array} message
 * @returns {Uint8Array}
 * @throws {MetadataTooLarge} when 4 + len(m) > 65,536
 */
export function pad(message) {
  const needed = LENGTH_BYTES + message.length;
  if (needed > MAX_PADDED) throw new MetadataTooLarge(`metadata of ${message.length} bytes`);
  let total = MIN_PADDED;
  while (total < needed) total *= 2;
  const out = new Uint8Array(total);
  out.set(u32be(message.length), 0);
  out.set(message, LENGTH_BYTES);
  return out;
}

/**
 * Inverse of `pad`: checks the total is an allowed size, the length fits and
 * every padding byte is zero.
 * @param {Uint8Array} padded
 * @returns {Uint8Array}
 * @throws {DecryptionError} on any malformed padding
 */
export function unpad(padded) {
  const total = padded.length;
  if (total < MIN_PADDED || total > MAX_PADDED || (total & (total - 1)) !== 0) {
    throw new DecryptionError();
  }
  const length = new DataView(padded.buffer, padded.byteOffset, LENGTH_BYTES).getUint32(0);
  if (length > total - LENGTH_BYTES) throw new DecryptionError();
  let nonzero = 0;
  for (let i = LENGTH_BYTES + length; i < total; i += 1) nonzero |= padded[i];
  if (nonzero !== 0) throw new DecryptionError();
  return padded.slice(LENGTH_BYTES, LENGTH_BYTES + length);
}

/**
 * The JSON text of a metadata object; a string is taken as JSON text already made.
 * @param {object|string} json
 * @returns {Uint8Array}
 */
function jsonBytes(json) {
  if (typeof json === 'string') return utf8(json);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new TypeError('metadata is one JSON object');
  }
  return utf8(JSON.stringify(json));
}

/**
 * box(key, pad(utf8(json)), aad): the common shape of metadata, share
 * metadata and share info.
 * @param {Uint8Array} key
 * @param {object|string} json a JSON object, or its UTF-8 JSON text
 * @param {Uint8Array} aad
 * @param {{nonce?: Uint8Array}} [options]
 * @returns {Promise<Uint8Array>}
 * @throws {MetadataTooLarge}
 */
export async function sealJson(key, json, aad, options = {}) {
  return sealBox(key, pad(jsonBytes(json)), aad, options);
}

/**
 * Inverse of `sealJson`: a box that opens but does not hold one padded JSON
 * object is a DecryptionError too.
 * @param {Uint8Array} key
 * @param {Uint8Array} box
 * @param {Uint8Array} aad
 * @returns {Promise<object>}
 * @throws {DecryptionError|UnsupportedVersion}
 */
export async function openJson(key, box, aad) {
  const message = unpad(await openBox(key, box, aad));
  let value;
  try {
    value = JSON.parse(fromUtf8(message));
  } catch {
    throw new DecryptionError();
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DecryptionError();
  }
  return value;
}

/**
 * metadata_key = HKDF(document_key, "", "pde/v1/metadata").
 * @param {Uint8Array} documentKey
 * @returns {Promise<Uint8Array>}
 */
export async function deriveMetadataKey(documentKey) {
  return hkdf(documentKey, NO_SALT, 'pde/v1/metadata');
}

/**
 * metadata_box = box(metadata_key, pad(utf8(json)),
 * AD("pde/v1/ad/metadata", account_id, document_id)).
 * @param {Uint8Array} documentKey
 * @param {object|string} metadata a JSON object, or its JSON text
 * @param {string} accountId
 * @param {string} documentId
 * @param {{nonce?: Uint8Array}} [options]
 * @returns {Promise<Uint8Array>}
 */
export async function encryptMetadata(documentKey, metadata, accountId, documentId, options = {}) {
  const aad = ad('pde/v1/ad/metadata', accountId, documentId);
  return sealJson(await deriveMetadataKey(documentKey), metadata, aad, options);
}

/**
 * Inverse of `encryptMetadata`; unknown fields are kept.
 * @param {Uint8Array} documentKey
 * @param {Uint8Array} box
 * @param {string} accountId
 * @param {string} documentId
 * @returns {Promise<object>}
 */
export async function decryptMetadata(documentKey, box, accountId, documentId) {
  const aad = ad('pde/v1/ad/metadata', accountId, documentId);
  return openJson(await deriveMetadataKey(documentKey), box, aad);
}

/**
 * A deposit's metadata (FORMAT.md §7):
 * box(metadata_key, pad(json), AD("pde/v1/ad/deposit-metadata", deposit_id, document_id)).
 * @param {Uint8Array} documentKey
 * @param {object|string} metadata
 * @param {string} depositId
 * @param {string} documentId
 * @param {{nonce?: Uint8Array}} [options]
 * @returns {Promise<Uint8Array>}
 */
export async function encryptDepositMetadata(
  documentKey,
  metadata,
  depositId,
  documentId,
  options = {},
) {
  const aad = ad('pde/v1/ad/deposit-metadata', depositId, documentId);
  return sealJson(await deriveMetadataKey(documentKey), metadata, aad, options);
}

/**
 * Inverse of `encryptDepositMetadata`.
 * @param {Uint8Array} documentKey
 * @param {Uint8Array} box
 * @param {string} depositId
 * @param {string} documentId
 * @returns {Promise<object>}
 */
export async function decryptDepositMetadata(documentKey, box, depositId, documentId) {
  const aad = ad('pde/v1/ad/deposit-metadata', depositId, documentId);
  return openJson(await deriveMetadataKey(documentKey), box, aad);
}


/**
 * The owner's description of a deposit link (its label), sealed under the master key:
 * box(HKDF(master_key, "", "pde/v1/deposit-link"), pad(json), AD("pde/v1/ad/deposit-link", account_id, deposit_id)).
 * @param {Uint8Array} masterKey
 * @param {object|string} record e.g. `{label: "CPAS Ixelles"}`
 * @param {string} accountId
 * @param {string} depositId
 * @param {{nonce?: Uint8Array}} [options]
 * @returns {Promise<Uint8Array>}
 */
export async function encryptDepositLinkRecord(masterKey, record, accountId, depositId, options = {}) {
  const key = await hkdf(masterKey, NO_SALT, 'pde/v1/deposit-link');
  return sealJson(key, record, ad('pde/v1/ad/deposit-link', accountId, depositId), options);
}

/**
 * Inverse of `encryptDepositLinkRecord`.
 * @param {Uint8Array} masterKey
 * @param {Uint8Array} box
 * @param {string} accountId
 * @param {string} depositId
 * @returns {Promise<object>}
 */
export async function decryptDepositLinkRecord(masterKey, box, accountId, depositId) {
  const key = await hkdf(masterKey, NO_SALT, 'pde/v1/deposit-link');
  return openJson(key, box, ad('pde/v1/ad/deposit-link', accountId, depositId));
}
