/**
 * Byte helpers and the text encodings of FORMAT.md §1 and §8: unpadded
 * base64url, and the Crockford base32 *codes* that people copy from paper.
 * @module encoding
 */

import { InvalidCode, InvalidEncoding } from './errors.js';

const encoder = new TextEncoder();
const B64U = /^[A-Za-z0-9_-]*$/;
export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CROCKFORD_READ = new Map([...CROCKFORD].map((c, i) => [c, i]));
CROCKFORD_READ.set('O', 0).set('I', 1).set('L', 1);
export const CODE_SECRET_BYTES = 16;
export const CODE_LENGTH = 28; // ceil((16 + 1) * 8 / 5)
const CODE_PAD_BITS = CODE_LENGTH * 5 - (CODE_SECRET_BYTES + 1) * 8;

/**
 * UTF-8 bytes of a string.
 * @param {string} text
 * @returns {Uint8Array}
 */
export function utf8(text) {
  return encoder.encode(text);
}

/**
 * Strict UTF-8 decoding; malformed bytes throw a TypeError.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function fromUtf8(bytes) {
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
}

/**
 * Byte concatenation (`‖`).
 * @param {...Uint8Array} parts
 * @returns {Uint8Array}
 */
export function concatBytes(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * u16be(n): 2 bytes, big-endian.
 * @param {number} n integer in 0 … 65,535
 * @returns {Uint8Array}
 */
export function u16be(n) {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new RangeError('u16 out of range');
  return new Uint8Array([n >>> 8, n & 0xff]);
}

/**
 * u32be(n): 4 bytes, big-endian.
 * @param {number} n integer in 0 … 2^32 − 1
 * @returns {Uint8Array}
 */
export function u32be(n) {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError('u32 out of range');
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

/**
 * Constant-shape equality of two byte arrays.
 * @param {Uint8Array} a
 * @param {Uint8Array} b
 * @returns {boolean}
 */
export function bytesEqual(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i += 1) diff |= a[i] ^ b[i];
  return diff === 0;
}

/**
 * Base64url (RFC 4648 §5) without `=` padding.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function b64uEncode(bytes) {
  if (typeof bytes.toBase64 === 'function') {
    return bytes.toBase64({ alphabet: 'base64url', omitPadding: true });
  }
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/**
 * Strict inverse of `b64uEncode`: refuses padding, whitespace, other
 * characters, an impossible length and non-canonical trailing bits.
 * @param {string} text
 * @returns {Uint8Array}
 * @throws {InvalidEncoding}
 */
export function b64uDecode(text) {
  if (typeof text !== 'string' || !B64U.test(text) || text.length % 4 === 1) {
    throw new InvalidEncoding('not unpadded base64url');
  }
  let bytes;
  if (typeof Uint8Array.fromBase64 === 'function') {
    bytes = Uint8Array.fromBase64(text, { alphabet: 'base64url', lastChunkHandling: 'loose' });
  } else {
    const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
    bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  }
  if (b64uEncode(bytes) !== text) throw new InvalidEncoding('not canonical base64url');
  return bytes;
}

async function checkByte(secret) {
  const labelled = concatBytes(utf8('pde/v1/code-check'), secret);
  const digest = await crypto.subtle.digest('SHA-256', labelled);
  return new Uint8Array(digest)[0];
}

/**
 * A 16-byte secret as a 28-character Crockford code in 7 groups of 4
 * (FORMAT.md §8), e.g. `7Q2M-…`. The 17th byte is a SHA-256 check byte.
 * @param {Uint8Array} secret 16 bytes (recovery key or card secret)
 * @returns {Promise<string>}
 */
export async function encodeCode(secret) {
  if (!(secret instanceof Uint8Array) || secret.length !== CODE_SECRET_BYTES) {
    throw new RangeError('a code carries exactly 16 bytes');
  }
  const raw = concatBytes(secret, new Uint8Array([await checkByte(secret)]));
  let bits = 0n;
  for (const byte of raw) bits = (bits << 8n) | BigInt(byte);
  bits <<= BigInt(CODE_PAD_BITS);
  const chars = [];
  for (let i = CODE_LENGTH - 1; i >= 0; i -= 1) {
    chars.push(CROCKFORD[Number((bits >> BigInt(5 * i)) & 31n)]);
  }
  const groups = [];
  for (let i = 0; i < CODE_LENGTH; i += 4) groups.push(chars.slice(i, i + 4).join(''));
  return groups.join('-');
}

/**
 * Read a code typed by a person: ignores `-` and spaces, any case, reads
 * O as 0 and I, L as 1; refuses other characters, a wrong length, non-zero
 * padding bits and a wrong check byte.
 * @param {string} text
 * @returns {Promise<Uint8Array>} the 16-byte secret
 * @throws {InvalidCode}
 */
export async function decodeCode(text) {
  if (typeof text !== 'string') throw new InvalidCode('a code is text');
  const cleaned = text.replaceAll('-', '').replaceAll(' ', '').toUpperCase();
  if (cleaned.length !== CODE_LENGTH || [...cleaned].some((c) => !CROCKFORD_READ.has(c))) {
    throw new InvalidCode('a code has 28 letters and digits');
  }
  let bits = 0n;
  for (const c of cleaned) bits = (bits << 5n) | BigInt(CROCKFORD_READ.get(c));
  if (bits & ((1n << BigInt(CODE_PAD_BITS)) - 1n)) throw new InvalidCode('code does not check');
  bits >>= BigInt(CODE_PAD_BITS);
  const raw = new Uint8Array(CODE_SECRET_BYTES + 1);
  for (let i = raw.length - 1; i >= 0; i -= 1) {
    raw[i] = Number(bits & 0xffn);
    bits >>= 8n;
  }
  const secret = raw.slice(0, CODE_SECRET_BYTES);
  if ((await checkByte(secret)) !== raw[CODE_SECRET_BYTES]) {
    throw new InvalidCode('code does not check');
  }
  return secret;
}
