/**
 * Issued documents (FORMAT.md §7.3): an organisation's Ed25519 signature, as a
 * compact JWS, over a file's SHA-256 and the title, type and issue date it
 * declares. It travels in the sealed metadata (field `issued`); readers check it
 * against the public list of organisations (GET /api/v1/organisations).
 *
 *   header  = {"alg":"EdDSA","kid":kid,"typ":"pde-issued+jws"}
 *   payload = {"v":1,"org":…,"kid":…,"title":…,"type":…,"date":…,"sha256":…}
 *   jws     = b64u(header) . b64u(payload) . b64u(Ed25519(private, ascii(b64u(header) . b64u(payload))))
 *
 * Uses WebCrypto's "Ed25519" algorithm.
 * @module issued
 */

import { b64uDecode, b64uEncode, bytesEqual, concatBytes, fromUtf8, utf8 } from './encoding.js';
import { CryptoError } from './errors.js';
import { checkBytes, sha256 } from './primitives.js';

const ED25519 = { name: 'Ed25519' };
const KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;
// PKCS#8 PrivateKeyInfo for OID 1.3.101.112 (Ed25519), followed by the 32 raw bytes.
const PKCS8_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const STRINGS = ['org', 'kid', 'title', 'type', 'date', 'sha256'];

/** The statuses a check answers (FORMAT.md §7.3). */
export const ISSUED_STATUSES = ['verified', 'mismatch', 'unknown', 'revoked', 'expired'];

/**
 * The fingerprint (kid) of a public key: b64u(SHA-256 of
 * {"crv":"Ed25519","kty":"OKP","x":b64u(public_key)}).
 * @param {Uint8Array} publicKey 32 bytes
 * @returns {Promise<string>}
 */
export async function orgKeyId(publicKey) {
  checkBytes(publicKey, KEY_BYTES, 'an Ed25519 public key');
  const canonical = `{"crv":"Ed25519","kty":"OKP","x":"${b64uEncode(publicKey)}"}`;
  return b64uEncode(await sha256(utf8(canonical)));
}

/**
 * Import an organisation's private key: 32 raw bytes, or the JWK of its key file.
 * @param {Uint8Array|JsonWebKey} privateKey
 * @returns {Promise<CryptoKey>}
 */
export async function importOrgPrivateKey(privateKey) {
  if (privateKey instanceof Uint8Array) {
    checkBytes(privateKey, KEY_BYTES, 'an Ed25519 private key');
    const pkcs8 = concatBytes(PKCS8_PREFIX, privateKey);
    return crypto.subtle.importKey('pkcs8', pkcs8, ED25519, false, ['sign']);
  }
  const { kty, crv, x, d } = privateKey || {};
  if (kty !== 'OKP' || crv !== 'Ed25519' || typeof x !== 'string' || typeof d !== 'string') {
    throw new CryptoError('not an Ed25519 private key (JWK)', 'invalid_encoding');
  }
  return crypto.subtle.importKey('jwk', { kty, crv, x, d }, ED25519, false, ['sign']);
}

const encodeJson = (value) => b64uEncode(utf8(JSON.stringify(value)));

/**
 * Sign the claims: the compact JWS of FORMAT.md §7.3.
 * @param {CryptoKey|Uint8Array|JsonWebKey} privateKey
 * @param {{organisationId: string, kid: string, title: string, type: string, date: string,
 *          contentSha256: Uint8Array}} claims
 * @returns {Promise<string>}
 */
export async function signIssued(privateKey, claims) {
  const key = privateKey instanceof CryptoKey ? privateKey : await importOrgPrivateKey(privateKey);
  if (!DATE.test(claims.date)) throw new RangeError('an issue date is yyyy-mm-dd');
  checkBytes(claims.contentSha256, 32, 'a SHA-256');
  const header = { alg: 'EdDSA', kid: claims.kid, typ: 'pde-issued+jws' };
  const payload = {
    v: 1,
    org: claims.organisationId,
    kid: claims.kid,
    title: claims.title,
    type: claims.type,
    date: claims.date,
    sha256: b64uEncode(claims.contentSha256),
  };
  const input = `${encodeJson(header)}.${encodeJson(payload)}`;
  const signature = new Uint8Array(await crypto.subtle.sign(ED25519, key, utf8(input)));
  return `${input}.${b64uEncode(signature)}`;
}

const jsonPart = (part) => {
  const value = JSON.parse(fromUtf8(b64uDecode(part)));
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError();
  return value;
};

const validDate = (text) => {
  if (typeof text !== 'string' || !DATE.test(text)) return false;
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === text;
};

/**
 * The claims of a compact JWS, not yet verified, or null if it is not one.
 * @param {string} jws
 * @returns {{claims: object, input: Uint8Array, signature: Uint8Array}|null}
 */
export function readIssued(jws) {
  const parts = typeof jws === 'string' ? jws.split('.') : [];
  if (parts.length !== 3) return null;
  try {
    const header = jsonPart(parts[0]);
    const payload = jsonPart(parts[1]);
    const signature = b64uDecode(parts[2]);
    const digest = typeof payload.sha256 === 'string' ? b64uDecode(payload.sha256) : null;
    if (
      header.alg !== 'EdDSA' ||
      'crit' in header ||
      payload.v !== 1 ||
      STRINGS.some((name) => typeof payload[name] !== 'string') ||
      header.kid !== payload.kid ||
      !validDate(payload.date) ||
      signature.length !== SIGNATURE_BYTES ||
      digest.length !== 32
    ) {
      return null;
    }
    const claims = {
      organisationId: payload.org,
      kid: payload.kid,
      title: payload.title,
      type: payload.type,
      date: payload.date,
      contentSha256: digest,
    };
    return { claims, input: utf8(`${parts[0]}.${parts[1]}`), signature };
  } catch {
    return null;
  }
}

const keyStatus = (key, issuedOn) => {
  if (key.revoked_from && key.revoked_from <= issuedOn) return 'revoked';
  if (issuedOn < (key.valid_from || '') || (key.valid_until && issuedOn > key.valid_until)) {
    return 'expired';
  }
  return 'verified';
};

/**
 * Check a signature against the file's SHA-256 and the public list of
 * organisations (the `organisations` of GET /api/v1/organisations).
 * @param {string} jws
 * @param {Uint8Array} contentSha256
 * @param {Array<object>} organisations
 * @returns {Promise<{status: string, claims: object|null, organisation: object|null}>}
 */
export async function verifyIssued(jws, contentSha256, organisations) {
  const read = readIssued(jws);
  if (!read) return { status: 'mismatch', claims: null, organisation: null };
  const { claims } = read;
  const organisation = (organisations || []).find((o) => o.id === claims.organisationId) || null;
  const key = organisation && (organisation.keys || []).find((k) => k.kid === claims.kid);
  if (!organisation || !key) return { status: 'unknown', claims, organisation };
  let holds = false;
  try {
    const publicKey = b64uDecode(String(key.public_key || ''));
    if ((await orgKeyId(publicKey)) !== claims.kid) return { status: 'unknown', claims, organisation };
    const imported = await crypto.subtle.importKey('raw', publicKey, ED25519, false, ['verify']);
    holds = await crypto.subtle.verify(ED25519, imported, read.signature, read.input);
  } catch {
    holds = false;
  }
  if (!holds || !bytesEqual(contentSha256, claims.contentSha256)) {
    return { status: 'mismatch', claims, organisation };
  }
  return { status: keyStatus(key, claims.date), claims, organisation };
}
