/**
 * Content encryption (FORMAT.md §5.1), after Tink's streaming AEAD and age's
 * STREAM. Both directions run in bounded memory: one 1 MiB segment at a time
 * (the plaintext piece, its ciphertext, and at most one partial input chunk).
 *
 *   header   = "PDEs" ‖ u8(0x01) ‖ salt(32) ‖ nonce_prefix(7)        44 bytes
 *   file_key = HKDF(document_key, salt, "pde/v1/content")
 *   nonce_i  = nonce_prefix ‖ u32be(i) ‖ u8(last)
 *   segment_i = GCM(file_key, nonce_i, plaintext_i, AD("pde/v1/ad/content", document_id))
 *
 * A source is a Blob (or File), a Uint8Array, or a ReadableStream / async
 * iterable of Uint8Array chunks (e.g. a fetch() body). The reader looks ahead
 * one byte past every full segment: a segment is the last exactly when the
 * input ends right after it.
 * @module stream
 */

import { bytesEqual, concatBytes, u32be, utf8 } from './encoding.js';
import { DecryptionError, UnsupportedVersion } from './errors.js';
import {
  TAG_BYTES,
  ad,
  gcmDecrypt,
  gcmEncrypt,
  givenOrRandom,
  hkdf,
  importAesKey,
} from './primitives.js';

export const SEGMENT_BYTES = 1048576;
export const CIPHER_SEGMENT_BYTES = SEGMENT_BYTES + TAG_BYTES;
export const STREAM_MAGIC = utf8('PDEs');
export const STREAM_VERSION = 0x01;
export const STREAM_SALT_BYTES = 32;
export const NONCE_PREFIX_BYTES = 7;
export const HEADER_BYTES = STREAM_MAGIC.length + 1 + STREAM_SALT_BYTES + NONCE_PREFIX_BYTES;
const MAX_SEGMENTS = 2 ** 32;
const COLLECT_GROUP_BYTES = 16 * SEGMENT_BYTES;

/**
 * Ciphertext length of an `n`-byte file: 44 + n + 16 × max(1, ceil(n / 2^20)).
 * @param {number} n plaintext bytes
 * @returns {number}
 */
export function ciphertextSize(n) {
  return HEADER_BYTES + n + TAG_BYTES * Math.max(1, Math.ceil(n / SEGMENT_BYTES));
}

/**
 * Plaintext length of a stream of `n` bytes, if such a stream can exist.
 * @param {number} n ciphertext bytes
 * @returns {number}
 * @throws {DecryptionError} when no stream has that length (a truncation)
 */
export function plaintextSize(n) {
  const body = n - HEADER_BYTES;
  const segments = Math.max(1, Math.ceil(body / CIPHER_SEGMENT_BYTES));
  const last = body - (segments - 1) * CIPHER_SEGMENT_BYTES;
  if (body < TAG_BYTES || last < TAG_BYTES) throw new DecryptionError();
  return body - segments * TAG_BYTES;
}

/**
 * file_key = HKDF(document_key, salt, "pde/v1/content").
 * @param {Uint8Array} documentKey
 * @param {Uint8Array} salt the 32-byte stream salt from the header
 * @returns {Promise<Uint8Array>}
 */
export async function deriveFileKey(documentKey, salt) {
  return hkdf(documentKey, salt, 'pde/v1/content');
}

function segmentNonce(prefix, index, last) {
  if (index >= MAX_SEGMENTS) throw new RangeError('a stream has at most 2^32 segments');
  return concatBytes(prefix, u32be(index), new Uint8Array([last ? 1 : 0]));
}

/**
 * Reads a Blob (or File) through its byte stream, straight into each piece's
 * buffer: one read of a stream is far cheaper than one `slice()` per piece.
 * The Blob's size tells where the input ends.
 */
class BlobReader {
  constructor(blob) {
    this.size = blob.size;
    this.position = 0;
    this.reader = blob.stream().getReader({ mode: 'byob' });
  }

  async read(n) {
    let buffer = new ArrayBuffer(Math.min(n, this.size - this.position));
    let filled = 0;
    while (filled < buffer.byteLength) {
      const view = new Uint8Array(buffer, filled, buffer.byteLength - filled);
      const { value, done } = await this.reader.read(view);
      if (value) buffer = value.buffer; // the view's buffer was transferred to the stream and back
      if (done) break;
      filled += value.byteLength;
    }
    this.position += filled;
    return new Uint8Array(buffer, 0, filled);
  }

  async ended() {
    return this.position >= this.size;
  }
}

/** Reads a Uint8Array already in memory, without copying. */
class BytesReader {
  constructor(bytes) {
    this.bytes = bytes;
    this.position = 0;
  }

  async read(n) {
    const piece = this.bytes.subarray(this.position, this.position + n);
    this.position += piece.length;
    return piece;
  }

  async ended() {
    return this.position >= this.bytes.length;
  }
}

/** Reads an async iterable of chunks, holding at most one partial chunk back. */
class ChunkReader {
  constructor(iterable) {
    this.iterator = iterable[Symbol.asyncIterator]();
    this.chunk = new Uint8Array(0);
    this.done = false;
  }

  async fill() {
    while (this.chunk.length === 0 && !this.done) {
      const { value, done } = await this.iterator.next();
      if (done) this.done = true;
      else this.chunk = value instanceof Uint8Array ? value : new Uint8Array(value);
    }
  }

  async read(n) {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      await this.fill();
      if (this.chunk.length === 0) break;
      const take = Math.min(n - filled, this.chunk.length);
      out.set(this.chunk.subarray(0, take), filled);
      this.chunk = this.chunk.subarray(take);
      filled += take;
    }
    return filled === n ? out : out.subarray(0, filled);
  }

  async ended() {
    await this.fill();
    return this.chunk.length === 0;
  }
}

async function* readableChunks(stream) {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

function byteReader(source) {
  if (source instanceof Blob) {
    try {
      return new BlobReader(source);
    } catch {
      return new ChunkReader(readableChunks(source.stream())); // no byte streams in this browser
    }
  }
  if (source instanceof Uint8Array) return new BytesReader(source);
  if (source instanceof ArrayBuffer) return new BytesReader(new Uint8Array(source));
  if (typeof ReadableStream !== 'undefined' && source instanceof ReadableStream) {
    return new ChunkReader(readableChunks(source));
  }
  if (source && typeof source[Symbol.asyncIterator] === 'function') return new ChunkReader(source);
  throw new TypeError('a stream source is a Blob, Uint8Array, ReadableStream or async iterable');
}

/**
 * Successive pieces of `size` bytes, each flagged `last` by looking ahead:
 * a piece is the last exactly when the input ends right after it. An empty
 * input gives one empty last piece; an input of k full pieces gives k pieces.
 */
async function* pieces(reader, size) {
  for (let index = 0; ; index += 1) {
    const bytes = await reader.read(size);
    const last = bytes.length < size || (await reader.ended());
    yield { index, bytes, last };
    if (last) return;
  }
}

/**
 * Encrypt a file as a PDE stream, one segment at a time. Yields the 44-byte
 * header, then each ciphertext segment (1,048,592 bytes, the last 16 …).
 * @param {Blob|Uint8Array|ReadableStream|AsyncIterable<Uint8Array>} source plaintext
 * @param {Uint8Array} documentKey
 * @param {string} documentId bound into every segment's associated data
 * @param {{salt?: Uint8Array, noncePrefix?: Uint8Array}} [options] inject the
 *   32-byte salt and 7-byte nonce prefix (known-answer tests only)
 * @returns {AsyncGenerator<Uint8Array>}
 */
export async function* encryptChunks(source, documentKey, documentId, options = {}) {
  const { salt, noncePrefix } = options;
  const streamSalt = givenOrRandom(salt, STREAM_SALT_BYTES, 'a stream salt');
  const prefix = givenOrRandom(noncePrefix, NONCE_PREFIX_BYTES, 'a nonce prefix');
  const reader = byteReader(source);
  const key = await importAesKey(await deriveFileKey(documentKey, streamSalt));
  const aad = ad('pde/v1/ad/content', documentId);
  yield concatBytes(STREAM_MAGIC, new Uint8Array([STREAM_VERSION]), streamSalt, prefix);
  for await (const { index, bytes, last } of pieces(reader, SEGMENT_BYTES)) {
    yield gcmEncrypt(key, segmentNonce(prefix, index, last), bytes, aad);
  }
}

/**
 * Decrypt a PDE stream, one segment at a time. Each plaintext chunk is
 * yielded only after its segment's tag checked; a caller that needs
 * all-or-nothing discards what it received when a later segment fails.
 * @param {Blob|Uint8Array|ReadableStream|AsyncIterable<Uint8Array>} source ciphertext
 * @param {Uint8Array} documentKey
 * @param {string} documentId the document the stream must belong to
 * @returns {AsyncGenerator<Uint8Array>}
 * @throws {DecryptionError|UnsupportedVersion}
 */
export async function* decryptChunks(source, documentKey, documentId) {
  const reader = byteReader(source);
  const header = await reader.read(HEADER_BYTES);
  const versioned = STREAM_MAGIC.length + 1;
  // Too short to carry the magic and version byte, or carrying others: not ours
  // (as crypto/stream.py). A version 1 header cut short is a truncation.
  const magic = header.subarray(0, STREAM_MAGIC.length);
  if (
    header.length < versioned ||
    !bytesEqual(magic, STREAM_MAGIC) ||
    header[STREAM_MAGIC.length] !== STREAM_VERSION
  ) {
    throw new UnsupportedVersion('not a version 1 PDE stream');
  }
  if (header.length < HEADER_BYTES) throw new DecryptionError();
  const salt = header.slice(versioned, versioned + STREAM_SALT_BYTES);
  const prefix = header.slice(versioned + STREAM_SALT_BYTES);
  const key = await importAesKey(await deriveFileKey(documentKey, salt));
  const aad = ad('pde/v1/ad/content', documentId);
  for await (const { index, bytes, last } of pieces(reader, CIPHER_SEGMENT_BYTES)) {
    yield gcmDecrypt(key, segmentNonce(prefix, index, last), bytes, aad);
  }
}

async function collect(chunks, type) {
  const parts = [];
  // Chunks move out of the JS heap into a Blob every 16 MiB: one Blob per
  // chunk would cost an IPC each, one Blob at the end would hold all in the heap.
  let group = [];
  let grouped = 0;
  for await (const chunk of chunks) {
    group.push(chunk);
    grouped += chunk.length;
    if (grouped >= COLLECT_GROUP_BYTES) {
      parts.push(new Blob(group));
      group = [];
      grouped = 0;
    }
  }
  parts.push(new Blob(group));
  return new Blob(parts, { type });
}

/**
 * `encryptChunks` collected into one Blob (`application/octet-stream`).
 * @param {Blob|Uint8Array|ReadableStream|AsyncIterable<Uint8Array>} source
 * @param {Uint8Array} documentKey
 * @param {string} documentId
 * @param {{salt?: Uint8Array, noncePrefix?: Uint8Array}} [options]
 * @returns {Promise<Blob>}
 */
export async function encryptBlob(source, documentKey, documentId, options = {}) {
  const chunks = encryptChunks(source, documentKey, documentId, options);
  return collect(chunks, 'application/octet-stream');
}

/**
 * `decryptChunks` collected into one Blob; nothing is returned unless every
 * segment authenticated.
 * @param {Blob|Uint8Array|ReadableStream|AsyncIterable<Uint8Array>} source
 * @param {Uint8Array} documentKey
 * @param {string} documentId
 * @param {{type?: string}} [options] media type of the resulting Blob
 * @returns {Promise<Blob>}
 * @throws {DecryptionError|UnsupportedVersion}
 */
export async function decryptBlob(source, documentKey, documentId, { type = '' } = {}) {
  return collect(decryptChunks(source, documentKey, documentId), type);
}
