/**
 * The key hierarchy of FORMAT.md §3–4 and the wrapping of document keys
 * (§5): from a passphrase (and an optional wallet card) to the login keys,
 * the recovery derivations, and the boxes that hold master, document and
 * deposit keys. Pure functions on bytes: no I/O, no server.
 * @module keys
 */

import { b64uEncode, concatBytes, utf8 } from './encoding.js';
import { DecryptionError } from './errors.js';
import {
  KEY_BYTES,
  NO_SALT,
  PBKDF2_ITERATIONS,
  ad,
  checkBytes,
  hkdf,
  openBox,
  pbkdf2,
  randomBytes,
  sealBox,
  sha256,
} from './primitives.js';

export const ACCOUNT_SALT_BYTES = 16;
export const RECOVERY_KEY_BYTES = 16;
export const CARD_SECRET_BYTES = 16;
export const IDENTIFIER_BYTES = 16;

/**
 * UTF-8 of the NFKC form, so the same secret typed anywhere gives the same bytes.
 * @param {string} text
 * @returns {Uint8Array}
 */
export function normalizeSecretText(text) {
  if (typeof text !== 'string') throw new TypeError('a passphrase or PIN is a string');
  return utf8(text.normalize('NFKC'));
}

/**
 * A fresh random 256-bit key (master key or document key).
 * @returns {Uint8Array}
 */
export function newKey() {
  return randomBytes(KEY_BYTES);
}

/**
 * A fresh 16-byte account salt (made by the client at registration or passphrase change).
 * @returns {Uint8Array}
 */
export function newAccountSalt() {
  return randomBytes(ACCOUNT_SALT_BYTES);
}

/**
 * A fresh 128-bit secret for a recovery key or wallet card (shown as a code, §8).
 * @returns {Uint8Array}
 */
export function newCodeSecret() {
  return randomBytes(RECOVERY_KEY_BYTES);
}

/**
 * A fresh identifier (account, document, share or deposit id): 16 random bytes as base64url.
 * @returns {string} 22 characters
 */
export function newId() {
  return b64uEncode(randomBytes(IDENTIFIER_BYTES));
}

/**
 * The login keys (FORMAT.md §3):
 * root = HKDF(PBKDF2(NFKC(passphrase), salt, 600000) ‖ card, salt, "pde/v1/root"),
 * authKey = HKDF(root, "", "pde/v1/auth") is sent to the server,
 * kek = HKDF(root, "", "pde/v1/kek") never leaves the client.
 * @param {string} passphrase
 * @param {Uint8Array} salt the 16-byte account salt
 * @param {Uint8Array} [card] the 16-byte wallet card secret, if the wallet has one
 * @param {{iterations?: number}} [options] fewer iterations for tests only
 * @returns {Promise<{authKey: Uint8Array, kek: Uint8Array}>}
 */
export async function deriveLoginKeys(passphrase, salt, card, options = {}) {
  const { iterations = PBKDF2_ITERATIONS } = options;
  checkBytes(salt, ACCOUNT_SALT_BYTES, 'an account salt');
  const cardBytes = card && card.length ? card : new Uint8Array(0);
  if (cardBytes.length) checkBytes(cardBytes, CARD_SECRET_BYTES, 'a card secret');
  const stretched = await pbkdf2(normalizeSecretText(passphrase), salt, iterations);
  const root = await hkdf(concatBytes(stretched, cardBytes), salt, 'pde/v1/root');
  return {
    authKey: await hkdf(root, NO_SALT, 'pde/v1/auth'),
    kek: await hkdf(root, NO_SALT, 'pde/v1/kek'),
  };
}

/**
 * A hidden compartment's keys (FORMAT.md §4.1): any secret opens *a* compartment,
 * empty unless used. `token` is shown to the server with the compartment's
 * requests (it stores SHA-256 of it); `key` takes the master key's place.
 * @param {string} secret the compartment's own secret (not the passphrase)
 * @param {string} accountId
 * @param {{iterations?: number}} [options]
 * @returns {Promise<{token: Uint8Array, key: Uint8Array}>}
 */
export async function deriveCompartmentKeys(secret, accountId, options = {}) {
  const { iterations = PBKDF2_ITERATIONS } = options;
  if (typeof secret !== 'string' || !secret) {
    throw new TypeError('a compartment secret is not empty');
  }
  const label = utf8('pde/v1/compartment-salt');
  const salt = (await sha256(concatBytes(label, utf8(accountId)))).slice(0, 16);
  const stretched = await pbkdf2(normalizeSecretText(secret), salt, iterations);
  const root = await hkdf(stretched, salt, 'pde/v1/compartment');
  return {
    token: await hkdf(root, NO_SALT, 'pde/v1/compartment-token'),
    key: await hkdf(root, NO_SALT, 'pde/v1/compartment-key'),
  };
}

/**
 * The recovery derivations (FORMAT.md §4): recoveryAuth is the login token
 * sent to the server, recoveryKek opens `wrapped_master_recovery`.
 * @param {Uint8Array} recoveryKey 16 bytes
 * @param {Uint8Array} salt the 16-byte account salt
 * @returns {Promise<{recoveryKek: Uint8Array, recoveryAuth: Uint8Array}>}
 */
export async function deriveRecoveryKeys(recoveryKey, salt) {
  checkBytes(recoveryKey, RECOVERY_KEY_BYTES, 'a recovery key');
  checkBytes(salt, ACCOUNT_SALT_BYTES, 'an account salt');
  return {
    recoveryKek: await hkdf(recoveryKey, salt, 'pde/v1/recovery-kek'),
    recoveryAuth: await hkdf(recoveryKey, salt, 'pde/v1/recovery-auth'),
  };
}

/**
 * Seal a 32-byte key in a box (a *wrapped key*, 61 bytes).
 * @param {Uint8Array} wrappingKey
 * @param {Uint8Array} key the 32-byte key to wrap
 * @param {Uint8Array} aad
 * @param {{nonce?: Uint8Array}} [options]
 * @returns {Promise<Uint8Array>}
 */
export async function wrapKey(wrappingKey, key, aad, options = {}) {
  checkBytes(key, KEY_BYTES, 'a wrapped key');
  return sealBox(wrappingKey, key, aad, options);
}

/**
 * Open a wrapped key; a plaintext that is not 32 bytes is a DecryptionError.
 * @param {Uint8Array} wrappingKey
 * @param {Uint8Array} wrapped
 * @param {Uint8Array} aad
 * @returns {Promise<Uint8Array>}
 * @throws {DecryptionError|UnsupportedVersion}
 */
export async function unwrapKey(wrappingKey, wrapped, aad) {
  const key = await openBox(wrappingKey, wrapped, aad);
  if (key.length !== KEY_BYTES) throw new DecryptionError();
  return key;
}

/**
 * wrapped_master = box(kek, master_key, AD("pde/v1/ad/master-key", account_id)).
 * @param {Uint8Array} kek
 * @param {Uint8Array} masterKey
 * @param {string} accountId
 * @param {{nonce?: Uint8Array}} [options]
 * @returns {Promise<Uint8Array>}
 */
export async function wrapMasterKey(kek, masterKey, accountId, options = {}) {
  return wrapKey(kek, masterKey, ad('pde/v1/ad/master-key', accountId), options);
}

/**
 * Inverse of `wrapMasterKey`; DecryptionError on a wrong passphrase or account.
 * @param {Uint8Array} kek
 * @param {Uint8Array} wrapped
 * @param {string} accountId
 * @returns {Promise<Uint8Array>}
 */
export async function unwrapMasterKey(kek, wrapped, accountId) {
  return unwrapKey(kek, wrapped, ad('pde/v1/ad/master-key', accountId));
}

/**
 * wrapped_master_recovery = box(recovery_kek, master_key,
 * AD("pde/v1/ad/master-key-recovery", account_id)).
 * @param {Uint8Array} recoveryKek
 * @param {Uint8Array} masterKey
 * @param {string} accountId
 * @param {{nonce?: Uint8Array}} [options]
 * @returns {Promise<Uint8Array>}
 */
export async function wrapMasterKeyForRecovery(recoveryKek, masterKey, accountId, options = {}) {
  return wrapKey(recoveryKek, masterKey, ad('pde/v1/ad/master-key-recovery', accountId), options);
}

/**
 * Inverse of `wrapMasterKeyForRecovery`.
 * @param {Uint8Array} recoveryKek
 * @param {Uint8Array} wrapped
 * @param {string} accountId
 * @returns {Promise<Uint8Array>}
 */
export async function unwrapMasterKeyForRecovery(recoveryKek, wrapped, accountId) {
  return unwrapKey(recoveryKek, wrapped, ad('pde/v1/ad/master-key-recovery', accountId));
}

/**
 * wrapped_document_key = box(HKDF(master_key, "", "pde/v1/document-key-wrap"),
 * document_key, AD("pde/v1/ad/document-key", account_id, document_id)).
 * @param {Uint8Array} masterKey
 * @param {Uint8Array} documentKey
 * @param {string} accountId
 * @param {string} documentId
 * @param {{nonce?: Uint8Array}} [options]
 * @returns {Promise<Uint8Array>}
 */
export async function wrapDocumentKey(masterKey, documentKey, accountId, documentId, options = {}) {
  const wrap = await hkdf(masterKey, NO_SALT, 'pde/v1/document-key-wrap');
  return wrapKey(wrap, documentKey, ad('pde/v1/ad/document-key', accountId, documentId), options);
}

/**
 * Inverse of `wrapDocumentKey`; a key moved to another document or account fails.
 * @param {Uint8Array} masterKey
 * @param {Uint8Array} wrapped
 * @param {string} accountId
 * @param {string} documentId
 * @returns {Promise<Uint8Array>}
 */
export async function unwrapDocumentKey(masterKey, wrapped, accountId, documentId) {
  const wrap = await hkdf(masterKey, NO_SALT, 'pde/v1/document-key-wrap');
  return unwrapKey(wrap, wrapped, ad('pde/v1/ad/document-key', accountId, documentId));
}

/**
 * wrapped_deposit_private = box(HKDF(master_key, "", "pde/v1/deposit-key-wrap"),
 * deposit_private, AD("pde/v1/ad/deposit-private-key", account_id)).
 * @param {Uint8Array} masterKey
 * @param {Uint8Array} depositPrivateKey 32 raw X25519 private-key bytes
 * @param {string} accountId
 * @param {{nonce?: Uint8Array}} [options]
 * @returns {Promise<Uint8Array>}
 */
export async function wrapDepositPrivateKey(masterKey, depositPrivateKey, accountId, options = {}) {
  const wrap = await hkdf(masterKey, NO_SALT, 'pde/v1/deposit-key-wrap');
  return wrapKey(wrap, depositPrivateKey, ad('pde/v1/ad/deposit-private-key', accountId), options);
}

/**
 * Inverse of `wrapDepositPrivateKey`.
 * @param {Uint8Array} masterKey
 * @param {Uint8Array} wrapped
 * @param {string} accountId
 * @returns {Promise<Uint8Array>} 32 raw X25519 private-key bytes
 */
export async function unwrapDepositPrivateKey(masterKey, wrapped, accountId) {
  const wrap = await hkdf(masterKey, NO_SALT, 'pde/v1/deposit-key-wrap');
  return unwrapKey(wrap, wrapped, ad('pde/v1/ad/deposit-private-key', accountId));
}
