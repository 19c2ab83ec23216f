/**
 * Recovery by trustees (FORMAT.md §7.1): Shamir secret sharing, k of n, over
 * GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1 (0x11B).
 *
 *   value = secret ‖ HMAC-SHA256(secret, "pde/v1/shamir-check" ‖ set id ‖ u8(k) ‖ u8(n))[0:4]
 *   share = u8(0x01) ‖ set id(8) ‖ u8(k) ‖ u8(n) ‖ u8(x) ‖ y(len(value))
 *
 * A share is `{setId, threshold, total, x, y}`. Arithmetic is shift-and-xor
 * with masks, not log/exp tables: no branch and no memory access depends on a
 * secret byte (constant-time-ish: JavaScript gives no guarantee).
 * @module shamir
 */

import { CROCKFORD, bytesEqual, concatBytes, utf8 } from './encoding.js';
import { InvalidCode, InvalidShare, UnsupportedVersion } from './errors.js';
import { randomBytes, sha256 } from './primitives.js';

export const SHARE_VERSION = 0x01;
export const SET_ID_BYTES = 8;
export const CHECK_BYTES = 4;
export const HEADER_BYTES = 1 + SET_ID_BYTES + 3; // version, set id, k, n, x
export const MIN_SHARES = 2;
export const MAX_SHARES = 16;
export const MAX_SECRET_BYTES = 64;
const POLYNOMIAL = 0x11b;
const CROCKFORD_READ = new Map([...CROCKFORD].map((c, i) => [c, i]));
CROCKFORD_READ.set('O', 0).set('I', 1).set('L', 1);

/**
 * One trustee's share: its split's set id, threshold k and total n, its number
 * x (1 … n) and y, the polynomials' values at x (secret + 4 bytes).
 * @typedef {{setId: Uint8Array, threshold: number, total: number, x: number, y: Uint8Array}} Share
 */

/**
 * a · b in GF(2^8) modulo 0x11B, with masks instead of branches or tables.
 * @param {number} a byte
 * @param {number} b byte
 * @returns {number}
 */
export function gfMul(a, b) {
  let product = 0;
  for (let i = 0; i < 8; i += 1) {
    product ^= -(b & 1) & a;
    a = ((a << 1) ^ (-(a >> 7) & POLYNOMIAL)) & 0xff;
    b >>= 1;
  }
  return product;
}

/**
 * a^254: the inverse of a non-zero byte in GF(2^8) (and 0 for 0), by a fixed chain.
 * @param {number} a byte
 * @returns {number}
 */
export function gfInv(a) {
  let result = 1;
  let power = a;
  for (let i = 0; i < 7; i += 1) {
    power = gfMul(power, power); // 254 = 2 + 4 + … + 128
    result = gfMul(result, power);
  }
  return result;
}

function evaluate(coefficients, x) {
  let value = 0;
  for (let i = coefficients.length - 1; i >= 0; i -= 1) value = gfMul(value, x) ^ coefficients[i];
  return value;
}

/** The values at t of the polynomials through the shares' points, byte by byte. */
function interpolate(shares, t) {
  const out = new Uint8Array(shares[0].y.length);
  for (const share of shares) {
    let numerator = 1;
    let denominator = 1;
    for (const other of shares) {
      if (other === share) continue;
      numerator = gfMul(numerator, t ^ other.x); // minus is xor
      denominator = gfMul(denominator, share.x ^ other.x);
    }
    const weight = gfMul(numerator, gfInv(denominator));
    for (let j = 0; j < out.length; j += 1) out[j] ^= gfMul(weight, share.y[j]);
  }
  return out;
}

async function checkTag(secret, setId, threshold, total) {
  const key = await crypto.subtle.importKey(
    'raw',
    secret,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const header = new Uint8Array([threshold, total]);
  const message = concatBytes(utf8('pde/v1/shamir-check'), setId, header);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, message));
  return mac.slice(0, CHECK_BYTES);
}

/**
 * A share, checked: a set id of 8 bytes, 2 ≤ k ≤ n ≤ 16, 1 ≤ x ≤ n, 5 to 68 value bytes.
 * @param {Share} fields
 * @returns {Readonly<Share>}
 * @throws {InvalidShare}
 */
export function makeShare({ setId, threshold, total, x, y }) {
  if (!(setId instanceof Uint8Array) || setId.length !== SET_ID_BYTES) {
    throw new InvalidShare("a share's set id has 8 bytes");
  }
  const inRange = (v, lo, hi) => Number.isInteger(v) && v >= lo && v <= hi;
  if (!inRange(threshold, MIN_SHARES, MAX_SHARES) || !inRange(total, threshold, MAX_SHARES)) {
    throw new InvalidShare('a share needs 2 ≤ k ≤ n ≤ 16');
  }
  if (!inRange(x, 1, total)) throw new InvalidShare("a share's number is between 1 and n");
  if (!(y instanceof Uint8Array) || !inRange(y.length, CHECK_BYTES + 1, MAX_SECRET_BYTES + 4)) {
    throw new InvalidShare("a share's value has 5 to 68 bytes");
  }
  return Object.freeze({ setId, threshold, total, x, y });
}

/**
 * Split `secret` (1 … 64 bytes) into `shares` shares, any `threshold` of which give it back.
 * `random(n)` is called for the set id (8 bytes), then for every coefficient
 * (value byte by value byte, a1 … a(k-1)): inject it for known-answer tests only.
 * @param {Uint8Array} secret
 * @param {number} threshold k, 2 … shares
 * @param {number} shares n, threshold … 16
 * @param {{random?: (n: number) => Uint8Array}} [options]
 * @returns {Promise<Share[]>} shares number 1 … n
 * @throws {RangeError} outside 2 ≤ threshold ≤ shares ≤ 16 or for a secret of another size
 */
export async function splitSecret(secret, threshold, shares, { random = randomBytes } = {}) {
  const ok = (v, lo, hi) => Number.isInteger(v) && v >= lo && v <= hi;
  if (!ok(threshold, MIN_SHARES, MAX_SHARES) || !ok(shares, threshold, MAX_SHARES)) {
    throw new RangeError('Shamir sharing here needs 2 ≤ threshold ≤ shares ≤ 16');
  }
  if (!(secret instanceof Uint8Array) || !ok(secret.length, 1, MAX_SECRET_BYTES)) {
    throw new RangeError('a shared secret has 1 to 64 bytes');
  }
  const setId = Uint8Array.from(random(SET_ID_BYTES));
  const value = concatBytes(secret, await checkTag(secret, setId, threshold, shares));
  const degree = threshold - 1;
  const coefficients = Uint8Array.from(random(degree * value.length));
  if (setId.length !== SET_ID_BYTES || coefficients.length !== degree * value.length) {
    throw new RangeError('the random source gave the wrong number of bytes');
  }
  const polynomials = Array.from(value, (byte, j) => [
    byte,
    ...coefficients.subarray(j * degree, (j + 1) * degree),
  ]);
  const out = [];
  for (let x = 1; x <= shares; x += 1) {
    const y = Uint8Array.from(polynomials, (p) => evaluate(p, x));
    out.push(makeShare({ setId, threshold, total: shares, x, y }));
  }
  return out;
}

/**
 * The secret of at least `threshold` shares of one split. Refuses shares of
 * different splits, a share given twice and too few shares; the secret comes
 * from the first k shares, any further share must lie on the same polynomials,
 * and a wrong or changed share fails the check tag.
 * @param {Share[]} shares
 * @returns {Promise<Uint8Array>}
 * @throws {InvalidShare}
 */
export async function combineShares(shares) {
  if (!Array.isArray(shares) || shares.length === 0) throw new InvalidShare('no shares to combine');
  const checked = shares.map(makeShare);
  const [first] = checked;
  const sameSplit = (s) =>
    bytesEqual(s.setId, first.setId) &&
    s.threshold === first.threshold &&
    s.total === first.total &&
    s.y.length === first.y.length;
  if (!checked.every(sameSplit)) throw new InvalidShare('the shares come from different splits');
  if (new Set(checked.map((s) => s.x)).size !== checked.length) {
    throw new InvalidShare('a share is given twice (two shares have the same number)');
  }
  if (checked.length < first.threshold) {
    throw new InvalidShare(`${first.threshold} shares are needed, ${checked.length} given`);
  }
  const chosen = checked.slice(0, first.threshold);
  const value = interpolate(chosen, 0);
  const extras = checked.slice(first.threshold);
  const consistent = extras.every((extra) => bytesEqual(interpolate(chosen, extra.x), extra.y));
  const secret = value.slice(0, value.length - CHECK_BYTES);
  const expected = await checkTag(secret, first.setId, first.threshold, first.total);
  if (!bytesEqual(expected, value.subarray(secret.length)) || !consistent) {
    throw new InvalidShare('the shares do not combine: one of them is wrong or was changed');
  }
  return secret;
}

/**
 * u8(0x01) ‖ set id(8) ‖ u8(k) ‖ u8(n) ‖ u8(x) ‖ y.
 * @param {Share} share
 * @returns {Uint8Array}
 */
export function shareToBytes(share) {
  const { setId, threshold, total, x, y } = makeShare(share);
  const version = new Uint8Array([SHARE_VERSION]);
  return concatBytes(version, setId, new Uint8Array([threshold, total, x]), y);
}

/**
 * Inverse of `shareToBytes`.
 * @param {Uint8Array} bytes
 * @returns {Share}
 * @throws {InvalidShare|UnsupportedVersion}
 */
export function shareFromBytes(bytes) {
  if (!(bytes instanceof Uint8Array) || bytes.length <= HEADER_BYTES) {
    throw new InvalidShare('a share is too short');
  }
  if (bytes[0] !== SHARE_VERSION) throw new UnsupportedVersion(`share version ${bytes[0]}`);
  const [threshold, total, x] = bytes.subarray(1 + SET_ID_BYTES, HEADER_BYTES);
  const setId = bytes.slice(1, 1 + SET_ID_BYTES);
  return makeShare({ setId, threshold, total, x, y: bytes.slice(HEADER_BYTES) });
}

async function textCheck(raw) {
  return (await sha256(concatBytes(utf8('pde/v1/trustee-share-check'), raw)))[0];
}

/**
 * Crockford base32 of share bytes ‖ check byte, in groups of 4 separated by `-`
 * (53 characters for a 16-byte secret); also what the share's QR code holds.
 * @param {Share} share
 * @returns {Promise<string>}
 */
export async function shareToText(share) {
  const bytes = shareToBytes(share);
  const raw = concatBytes(bytes, new Uint8Array([await textCheck(bytes)]));
  const length = Math.ceil((raw.length * 8) / 5);
  let bits = 0n;
  for (const byte of raw) bits = (bits << 8n) | BigInt(byte);
  bits <<= BigInt(length * 5 - raw.length * 8);
  let chars = '';
  for (let i = length - 1; i >= 0; i -= 1) {
    chars += CROCKFORD[Number((bits >> BigInt(5 * i)) & 31n)];
  }
  return chars.match(/.{1,4}/g).join('-');
}

/**
 * Read a share typed by a person (as FORMAT.md §8: `-` and spaces ignored, any
 * case, O = 0, I = L = 1). A typo throws InvalidCode; a well-typed non-share, InvalidShare.
 * @param {string} text
 * @returns {Promise<Share>}
 * @throws {InvalidCode|InvalidShare|UnsupportedVersion}
 */
export async function shareFromText(text) {
  if (typeof text !== 'string') throw new InvalidCode('a share is text');
  const cleaned = text.replaceAll('-', '').replaceAll(' ', '').toUpperCase();
  if (!cleaned || [...cleaned].some((c) => !CROCKFORD_READ.has(c))) {
    throw new InvalidCode('a share is written with letters and digits');
  }
  const size = Math.floor((cleaned.length * 5) / 8);
  const padBits = cleaned.length * 5 - size * 8;
  if (padBits >= 5 || size < 2) throw new InvalidCode('a share has a wrong number of characters');
  let bits = 0n;
  for (const c of cleaned) bits = (bits << 5n) | BigInt(CROCKFORD_READ.get(c));
  if (bits & ((1n << BigInt(padBits)) - 1n)) throw new InvalidCode('share does not check');
  bits >>= BigInt(padBits);
  const raw = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i -= 1) {
    raw[i] = Number(bits & 0xffn);
    bits >>= 8n;
  }
  const bytes = raw.slice(0, size - 1);
  if ((await textCheck(bytes)) !== raw[size - 1]) throw new InvalidCode('share does not check');
  return shareFromBytes(bytes);
}
