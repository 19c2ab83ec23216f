/**
 * Sealing to an X25519 public key (FORMAT.md §7), for deposits and trustees:
 *
 *   e, E     = ephemeral X25519 key pair
 *   shared   = X25519(e, recipient_public)              refused if all zero
 *   seal_key = HKDF(shared, E ‖ recipient_public, "pde/v1/seal")
 *   sealed   = u8(0x01) ‖ E(32) ‖ nonce(12) ‖ GCM(seal_key, nonce, plaintext, ad)
 *
 * Uses WebCrypto's "X25519" algorithm. Public keys are 32 raw bytes; private
 * keys are 32 raw bytes (imported as PKCS8), a JWK, or a CryptoKey.
 * @module seal
 */

import { b64uDecode, b64uEncode, bytesEqual, concatBytes } from './encoding.js';
import { CryptoError, DecryptionError, UnsupportedVersion } from './errors.js';
import {
  KEY_BYTES,
  NONCE_BYTES,
  TAG_BYTES,
  ad,
  checkBytes,
  gcmDecrypt,
  gcmEncrypt,
  givenOrRandom,
  hkdf,
} from './primitives.js';
import { shareFromBytes, shareToBytes } from './shamir.js';

export const X25519_KEY_BYTES = 32;
export const SEAL_VERSION = 0x01;
export const SEAL_OVERHEAD = 1 + X25519_KEY_BYTES + NONCE_BYTES + TAG_BYTES;
// PKCS#8 PrivateKeyInfo for OID 1.3.101.110 (X25519), followed by the 32 raw bytes.
const PKCS8_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
]);
const X25519 = { name: 'X25519' };

/**
 * Import 32 raw bytes, or a JWK with `d` (and `x`), as an X25519 private key.
 * @param {Uint8Array|JsonWebKey} privateKey
 * @param {boolean} [extractable=false]
 * @returns {Promise<CryptoKey>}
 */
export async function importPrivateKey(privateKey, extractable = false) {
  if (privateKey instanceof Uint8Array) {
    checkBytes(privateKey, X25519_KEY_BYTES, 'an X25519 private key');
    const pkcs8 = concatBytes(PKCS8_PREFIX, privateKey);
    return crypto.subtle.importKey('pkcs8', pkcs8, X25519, extractable, ['deriveBits']);
  }
  return crypto.subtle.importKey('jwk', privateKey, X25519, extractable, ['deriveBits']);
}

/**
 * Import 32 raw bytes as an X25519 public key.
 * @param {Uint8Array} publicKey
 * @returns {Promise<CryptoKey>}
 */
export async function importPublicKey(publicKey) {
  checkBytes(publicKey, X25519_KEY_BYTES, 'an X25519 public key');
  return crypto.subtle.importKey('raw', publicKey, X25519, true, []);
}

/**
 * An X25519 key pair as raw bytes (the wallet's deposit key pair, or a
 * trustee's): a fresh one, or the one of a given 32-byte private key.
 * @param {Uint8Array} [privateKey] 32 raw bytes; omitted, a new random key
 * @returns {Promise<{privateKey: Uint8Array, publicKey: Uint8Array}>}
 */
export async function newDepositKeyPair(privateKey) {
  const key = privateKey
    ? await importPrivateKey(privateKey, true)
    : (await crypto.subtle.generateKey(X25519, true, ['deriveBits'])).privateKey;
  const jwk = await crypto.subtle.exportKey('jwk', key);
  return { privateKey: privateKey ?? b64uDecode(jwk.d), publicKey: b64uDecode(jwk.x) };
}

/** The private CryptoKey and the raw public key of a recipient. */
async function recipientKeys(privateKey, publicKey) {
  if (privateKey instanceof CryptoKey) {
    if (publicKey) return { key: privateKey, publicRaw: publicKey };
    const jwk = await crypto.subtle.exportKey('jwk', privateKey);
    return { key: privateKey, publicRaw: b64uDecode(jwk.x) };
  }
  if (privateKey instanceof Uint8Array) {
    const pair = await newDepositKeyPair(privateKey);
    return { key: await importPrivateKey(privateKey), publicRaw: pair.publicKey };
  }
  return { key: await importPrivateKey(privateKey), publicRaw: b64uDecode(privateKey.x) };
}

/** seal_key from X25519(e, public); null when the shared secret is all zero. */
async function sealKey(privateKey, peerPublic, ephemeralPublic, recipientPublic) {
  let shared;
  try {
    const peer = await importPublicKey(peerPublic);
    const bits = await crypto.subtle.deriveBits({ name: 'X25519', public: peer }, privateKey, 256);
    shared = new Uint8Array(bits);
  } catch {
    return null; // WebCrypto refuses an all-zero result (a low-order point)
  }
  if (shared.every((b) => b === 0)) return null;
  return hkdf(shared, concatBytes(ephemeralPublic, recipientPublic), 'pde/v1/seal');
}

/**
 * Seal `plaintext` so that only the holder of the recipient's private key can open it.
 * @param {Uint8Array} recipientPublic 32 raw bytes
 * @param {Uint8Array} plaintext
 * @param {Uint8Array} aad associated data of the place the sealed value is stored
 * @param {{ephemeralPrivateKey?: Uint8Array, nonce?: Uint8Array}} [options]
 *   inject the 32-byte ephemeral private key and the nonce (known-answer tests only)
 * @returns {Promise<Uint8Array>} 0x01 ‖ E ‖ nonce ‖ ciphertext ‖ tag
 * @throws {RangeError} when the recipient public key is of low order (all-zero shared secret)
 */
export async function sealToPublicKey(recipientPublic, plaintext, aad, options = {}) {
  const { ephemeralPrivateKey, nonce } = options;
  checkBytes(recipientPublic, X25519_KEY_BYTES, 'an X25519 public key');
  const pair = await newDepositKeyPair(ephemeralPrivateKey);
  const ephemeral = pair.privateKey;
  const iv = givenOrRandom(nonce, NONCE_BYTES, 'a seal nonce');
  const ephemeralKey = await importPrivateKey(ephemeral);
  const key = await sealKey(ephemeralKey, recipientPublic, pair.publicKey, recipientPublic);
  if (!key) throw new RangeError('the recipient public key is of low order');
  const ciphertext = await gcmEncrypt(key, iv, plaintext, aad);
  return concatBytes(new Uint8Array([SEAL_VERSION]), pair.publicKey, iv, ciphertext);
}

/**
 * Open a value sealed by `sealToPublicKey` for exactly this associated data.
 * @param {Uint8Array|JsonWebKey|CryptoKey} recipientPrivate 32 raw bytes, a JWK with
 *   `d` and `x`, or an X25519 CryptoKey (extractable, or with `recipientPublic` given)
 * @param {Uint8Array} sealed
 * @param {Uint8Array} aad
 * @param {{recipientPublic?: Uint8Array}} [options]
 * @returns {Promise<Uint8Array>}
 * @throws {DecryptionError|UnsupportedVersion}
 */
export async function openSealed(recipientPrivate, sealed, aad, { recipientPublic } = {}) {
  if (!(sealed instanceof Uint8Array) || sealed.length < SEAL_OVERHEAD) throw new DecryptionError();
  if (sealed[0] !== SEAL_VERSION) throw new UnsupportedVersion(`sealed version ${sealed[0]}`);
  const { key: privateKey, publicRaw } = await recipientKeys(recipientPrivate, recipientPublic);
  const ephemeralPublic = sealed.subarray(1, 1 + X25519_KEY_BYTES);
  const key = await sealKey(privateKey, ephemeralPublic, ephemeralPublic, publicRaw);
  if (!key) throw new DecryptionError();
  const nonce = sealed.subarray(1 + X25519_KEY_BYTES, 1 + X25519_KEY_BYTES + NONCE_BYTES);
  return gcmDecrypt(key, nonce, sealed.subarray(1 + X25519_KEY_BYTES + NONCE_BYTES), aad);
}

/**
 * A deposited document's key sealed to the wallet's deposit public key, with
 * AD("pde/v1/ad/deposit-document-key", deposit_id, document_id).
 * @param {Uint8Array} depositPublic 32 raw bytes
 * @param {Uint8Array} documentKey
 * @param {string} depositId
 * @param {string} documentId
 * @param {{ephemeralPrivateKey?: Uint8Array, nonce?: Uint8Array}} [options]
 * @returns {Promise<Uint8Array>}
 */
export async function sealDepositDocumentKey(
  depositPublic,
  documentKey,
  depositId,
  documentId,
  options = {},
) {
  checkBytes(documentKey, KEY_BYTES, 'a document key');
  const aad = ad('pde/v1/ad/deposit-document-key', depositId, documentId);
  return sealToPublicKey(depositPublic, documentKey, aad, options);
}

/**
 * Inverse of `sealDepositDocumentKey`, run by the owner's client.
 * @param {Uint8Array|JsonWebKey|CryptoKey} depositPrivate
 * @param {Uint8Array} sealed
 * @param {string} depositId
 * @param {string} documentId
 * @param {{recipientPublic?: Uint8Array}} [options]
 * @returns {Promise<Uint8Array>} the 32-byte document key
 */
export async function openDepositDocumentKey(
  depositPrivate,
  sealed,
  depositId,
  documentId,
  options = {},
) {
  const aad = ad('pde/v1/ad/deposit-document-key', depositId, documentId);
  const key = await openSealed(depositPrivate, sealed, aad, options);
  if (key.length !== KEY_BYTES) throw new DecryptionError();
  return key;
}

/**
 * AD("pde/v1/ad/trustee-share", account_id, b64u(set_id), decimal x) (FORMAT.md §7.1).
 * @param {string} accountId
 * @param {Uint8Array} setId 8 bytes
 * @param {number} x the share's number
 * @returns {Uint8Array}
 */
export function trusteeShareAd(accountId, setId, x) {
  return ad('pde/v1/ad/trustee-share', accountId, b64uEncode(setId), String(x));
}

/**
 * A trustee's share of the owner's recovery key, sealed to the trustee's X25519
 * public key and bound to the owner's account, the split and the share's number.
 * @param {Uint8Array} trusteePublic 32 raw bytes
 * @param {import('./shamir.js').Share} share
 * @param {string} accountId
 * @param {{ephemeralPrivateKey?: Uint8Array, nonce?: Uint8Array}} [options]
 * @returns {Promise<Uint8Array>}
 */
export async function sealTrusteeShare(trusteePublic, share, accountId, options = {}) {
  const aad = trusteeShareAd(accountId, share.setId, share.x);
  return sealToPublicKey(trusteePublic, shareToBytes(share), aad, options);
}

/**
 * Inverse of `sealTrusteeShare`, in the trustee's browser: DecryptionError on any
 * mismatch, including a sealed share whose own header names another split or number.
 * @param {Uint8Array|JsonWebKey|CryptoKey} trusteePrivate
 * @param {Uint8Array} sealed
 * @param {string} accountId
 * @param {Uint8Array} setId
 * @param {number} x
 * @param {{recipientPublic?: Uint8Array}} [options]
 * @returns {Promise<import('./shamir.js').Share>}
 * @throws {DecryptionError|UnsupportedVersion}
 */
export async function openTrusteeShare(trusteePrivate, sealed, accountId, setId, x, options = {}) {
  const aad = trusteeShareAd(accountId, setId, x);
  const plaintext = await openSealed(trusteePrivate, sealed, aad, options);
  let share;
  try {
    share = shareFromBytes(plaintext);
  } catch (error) {
    if (error instanceof CryptoError) throw new DecryptionError();
    throw error;
  }
  if (!bytesEqual(share.setId, setId) || share.x !== x) throw new DecryptionError();
  return share;
}
