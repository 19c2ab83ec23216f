/**
 * The building blocks of FORMAT.md §1–2 on WebCrypto: randomness, HKDF,
 * PBKDF2, SHA-256, AES-256-GCM, associated data and the *box*.
 * @module primitives
 */

import { concatBytes, u16be, utf8 } from './encoding.js';
import { DecryptionError, UnsupportedVersion } from './errors.js';

export const KEY_BYTES = 32;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const BOX_VERSION = 0x01;
export const BOX_OVERHEAD = 1 + NONCE_BYTES + TAG_BYTES;
export const PBKDF2_ITERATIONS = 600000;
/** The absent HKDF salt of FORMAT.md §1 (RFC 5869 reads it as 32 zero bytes). */
export const NO_SALT = new Uint8Array(0);
const LABEL_PREFIX = 'pde/v1/';
const RANDOM_CHUNK = 65536; // getRandomValues refuses more per call

/**
 * `n` bytes from the platform's CSPRNG.
 * @param {number} n
 * @returns {Uint8Array}
 */
export function randomBytes(n) {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += RANDOM_CHUNK) {
    crypto.getRandomValues(out.subarray(i, i + RANDOM_CHUNK));
  }
  return out;
}

/**
 * Injected bytes (for known-answer tests) checked for length, else fresh random bytes.
 * @param {Uint8Array|undefined} given
 * @param {number} n
 * @param {string} what name used in the error message
 * @returns {Uint8Array}
 */
export function givenOrRandom(given, n, what) {
  if (given === undefined || given === null) return randomBytes(n);
  checkBytes(given, n, what);
  return given;
}

/**
 * Throw a RangeError unless `value` is a Uint8Array of exactly `n` bytes.
 * @param {unknown} value
 * @param {number} n
 * @param {string} what
 */
export function checkBytes(value, n, what) {
  if (!(value instanceof Uint8Array) || value.length !== n) {
    throw new RangeError(`${what} must be ${n} bytes`);
  }
}

function checkLabel(label) {
  if (typeof label !== 'string' || !label.startsWith(LABEL_PREFIX)) {
    throw new RangeError('every label starts with pde/v1/');
  }
}

/**
 * HKDF-SHA256 (RFC 5869). An empty salt is the RFC's 32 zero bytes.
 * @param {Uint8Array} ikm input keying material
 * @param {Uint8Array} salt may be empty
 * @param {string} info a `pde/v1/…` label
 * @param {number} [length=32] output bytes
 * @returns {Promise<Uint8Array>}
 */
export async function hkdf(ikm, salt, info, length = KEY_BYTES) {
  checkLabel(info);
  const key = await crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt, info: utf8(info) },
    key,
    length * 8,
  );
  return new Uint8Array(bits);
}

/**
 * PBKDF2-HMAC-SHA256 with a 32-byte output; counts below 1,000 are refused.
 * @param {Uint8Array} password
 * @param {Uint8Array} salt
 * @param {number} [iterations=600000]
 * @returns {Promise<Uint8Array>}
 */
export async function pbkdf2(password, salt, iterations = PBKDF2_ITERATIONS) {
  // Fewer than 600,000 only for tests; below 1,000 is refused as in Python.
  if (!Number.isInteger(iterations) || iterations < 1000) {
    throw new RangeError('PBKDF2 needs at least 1,000 iterations');
  }
  const key = await crypto.subtle.importKey('raw', password, 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    key,
    KEY_BYTES * 8,
  );
  return new Uint8Array(bits);
}

/**
 * SHA-256 digest.
 * @param {Uint8Array} data
 * @returns {Promise<Uint8Array>}
 */
export async function sha256(data) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

/**
 * AD(label, f1, …, fn) = utf8(label) ‖ u16be(len(f1)) ‖ f1 ‖ … (FORMAT.md §1).
 * @param {string} label a `pde/v1/ad/…` label
 * @param {...string} fields identifiers, as their base64url text
 * @returns {Uint8Array}
 */
export function ad(label, ...fields) {
  checkLabel(label);
  const parts = [utf8(label)];
  for (const field of fields) {
    if (typeof field !== 'string') throw new TypeError('associated-data fields are strings');
    const encoded = utf8(field);
    parts.push(u16be(encoded.length), encoded);
  }
  return concatBytes(...parts);
}

/**
 * Import 32 raw bytes as a non-extractable AES-256-GCM key.
 * @param {Uint8Array} raw
 * @returns {Promise<CryptoKey>}
 */
export async function importAesKey(raw) {
  checkBytes(raw, KEY_BYTES, 'an AES-256 key');
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

async function asAesKey(key) {
  return key instanceof CryptoKey ? key : importAesKey(key);
}

/**
 * AES-256-GCM encryption: ciphertext with the 16-byte tag appended.
 * @param {Uint8Array|CryptoKey} key
 * @param {Uint8Array} nonce 12 bytes
 * @param {Uint8Array} plaintext
 * @param {Uint8Array} aad
 * @returns {Promise<Uint8Array>}
 */
export async function gcmEncrypt(key, nonce, plaintext, aad) {
  checkBytes(nonce, NONCE_BYTES, 'a GCM nonce');
  const params = { name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: 128 };
  return new Uint8Array(await crypto.subtle.encrypt(params, await asAesKey(key), plaintext));
}

/**
 * AES-256-GCM decryption. Every failure is a DecryptionError.
 * @param {Uint8Array|CryptoKey} key
 * @param {Uint8Array} nonce 12 bytes
 * @param {Uint8Array} ciphertext ciphertext ‖ tag
 * @param {Uint8Array} aad
 * @returns {Promise<Uint8Array>}
 * @throws {DecryptionError}
 */
export async function gcmDecrypt(key, nonce, ciphertext, aad) {
  const cryptoKey = await asAesKey(key);
  if (ciphertext.length < TAG_BYTES) throw new DecryptionError();
  const params = { name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: 128 };
  try {
    return new Uint8Array(await crypto.subtle.decrypt(params, cryptoKey, ciphertext));
  } catch {
    throw new DecryptionError();
  }
}

/**
 * box = 0x01 ‖ nonce(12) ‖ GCM(key, nonce, plaintext, ad) (FORMAT.md §2).
 * @param {Uint8Array|CryptoKey} key
 * @param {Uint8Array} plaintext
 * @param {Uint8Array} aad the associated data of the place the box is stored
 * @param {{nonce?: Uint8Array}} [options] inject the nonce (known-answer tests only)
 * @returns {Promise<Uint8Array>}
 */
export async function sealBox(key, plaintext, aad, { nonce } = {}) {
  const iv = givenOrRandom(nonce, NONCE_BYTES, 'a box nonce');
  const sealed = await gcmEncrypt(key, iv, plaintext, aad);
  return concatBytes(new Uint8Array([BOX_VERSION]), iv, sealed);
}

/**
 * Open a box sealed with `key` for exactly this associated data.
 * @param {Uint8Array|CryptoKey} key
 * @param {Uint8Array} box
 * @param {Uint8Array} aad
 * @returns {Promise<Uint8Array>}
 * @throws {DecryptionError|UnsupportedVersion}
 */
export async function openBox(key, box, aad) {
  if (!(box instanceof Uint8Array) || box.length < BOX_OVERHEAD) throw new DecryptionError();
  if (box[0] !== BOX_VERSION) throw new UnsupportedVersion(`box version ${box[0]}`);
  return gcmDecrypt(key, box.subarray(1, 1 + NONCE_BYTES), box.subarray(1 + NONCE_BYTES), aad);
}
