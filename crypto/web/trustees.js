/**
 * Recovery by trustees (FORMAT.md §7.2), the browser side of crypto/trustees.py:
 * the trustee key's derivations, the master key wrapped for trustees, and the
 * recovery request's key pair, token and released shares.
 * @module trustees
 */

import { utf8 } from './encoding.js';
import { unwrapKey, wrapKey } from './keys.js';
import { openJson, sealJson } from './metadata.js';
import { NO_SALT, ad, checkBytes, hkdf } from './primitives.js';
import { newDepositKeyPair, openSealed, sealToPublicKey } from './seal.js';

export const TRUSTEE_KEY_BYTES = 16;
export const REQUEST_SECRET_BYTES = 16;

/**
 * auth = HKDF(trustee_key, "", "pde/v1/trustee-auth") goes to the server;
 * kek = HKDF(trustee_key, "", "pde/v1/trustee-kek") opens the master key.
 * @param {Uint8Array} trusteeKey 16 bytes
 * @returns {Promise<{auth: Uint8Array, kek: Uint8Array}>}
 */
export async function deriveTrusteeKeys(trusteeKey) {
  checkBytes(trusteeKey, TRUSTEE_KEY_BYTES, 'a trustee key');
  return {
    auth: await hkdf(trusteeKey, NO_SALT, 'pde/v1/trustee-auth'),
    kek: await hkdf(trusteeKey, NO_SALT, 'pde/v1/trustee-kek'),
  };
}

/**
 * wrapped_master_trustees = box(kek, master_key, AD("pde/v1/ad/master-key-trustees", account_id)).
 * @param {Uint8Array} kek
 * @param {Uint8Array} masterKey
 * @param {string} accountId
 * @param {{nonce?: Uint8Array}} [options]
 * @returns {Promise<Uint8Array>}
 */
export async function wrapMasterKeyForTrustees(kek, masterKey, accountId, options = {}) {
  return wrapKey(kek, masterKey, ad('pde/v1/ad/master-key-trustees', accountId), options);
}

/**
 * Inverse of `wrapMasterKeyForTrustees`.
 * @param {Uint8Array} kek
 * @param {Uint8Array} wrapped
 * @param {string} accountId
 * @returns {Promise<Uint8Array>}
 */
export async function unwrapMasterKeyForTrustees(kek, wrapped, accountId) {
  return unwrapKey(kek, wrapped, ad('pde/v1/ad/master-key-trustees', accountId));
}

/**
 * The recovery request's X25519 pair and token, from the secret the requester writes down.
 * @param {Uint8Array} requestSecret 16 bytes
 * @param {string} requestId
 * @returns {Promise<{privateKey: Uint8Array, publicKey: Uint8Array, token: Uint8Array}>}
 */
export async function deriveRequestKeys(requestSecret, requestId) {
  checkBytes(requestSecret, REQUEST_SECRET_BYTES, 'a request secret');
  const salt = utf8(requestId);
  const privateKey = await hkdf(requestSecret, salt, 'pde/v1/recovery-request-key');
  const pair = await newDepositKeyPair(privateKey);
  const token = await hkdf(requestSecret, salt, 'pde/v1/recovery-request-token');
  return { privateKey, publicKey: pair.publicKey, token };
}

const releaseAd = (requestId, x) => ad('pde/v1/ad/trustee-release', requestId, String(x));

/**
 * A trustee's share re-sealed by the trustee to one recovery request.
 * @param {Uint8Array} requestPublic
 * @param {Uint8Array} shareBytes
 * @param {string} requestId
 * @param {number} x the share's number
 * @param {{ephemeralPrivateKey?: Uint8Array, nonce?: Uint8Array}} [options]
 * @returns {Promise<Uint8Array>}
 */
export async function sealReleasedShare(requestPublic, shareBytes, requestId, x, options = {}) {
  return sealToPublicKey(requestPublic, shareBytes, releaseAd(requestId, x), options);
}

/**
 * Inverse of `sealReleasedShare`, in the requester's browser.
 * @param {Uint8Array} requestPrivate
 * @param {Uint8Array} sealed
 * @param {string} requestId
 * @param {number} x
 * @returns {Promise<Uint8Array>}
 */
export async function openReleasedShare(requestPrivate, sealed, requestId, x) {
  return openSealed(requestPrivate, sealed, releaseAd(requestId, x));
}

/**
 * trustee_record = box(HKDF(master_key, "", "pde/v1/trustee-record"), pad(utf8(json)),
 * AD("pde/v1/ad/trustee-record", account_id)): the owner's notes about their trustees.
 * @param {Uint8Array} masterKey
 * @param {object|string} record
 * @param {string} accountId
 * @param {{nonce?: Uint8Array}} [options]
 * @returns {Promise<Uint8Array>}
 */
export async function encryptTrusteeRecord(masterKey, record, accountId, options = {}) {
  const key = await hkdf(masterKey, NO_SALT, 'pde/v1/trustee-record');
  return sealJson(key, record, ad('pde/v1/ad/trustee-record', accountId), options);
}

/**
 * Inverse of `encryptTrusteeRecord`.
 * @param {Uint8Array} masterKey
 * @param {Uint8Array} box
 * @param {string} accountId
 * @returns {Promise<object>}
 */
export async function decryptTrusteeRecord(masterKey, box, accountId) {
  const key = await hkdf(masterKey, NO_SALT, 'pde/v1/trustee-record');
  return openJson(key, box, ad('pde/v1/ad/trustee-record', accountId));
}
