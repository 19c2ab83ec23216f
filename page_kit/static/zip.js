// A zip archive written in this page (APPNOTE 6.3.10), for the kiosk's export
// of a wallet and the viewer's "Download all". STORE only: documents are
// mostly JPEG and PDF, already compressed.
// Names are UTF-8 (flag bit 11); each entry's size and CRC-32 are known
// before its header is written, so there are no data descriptors; zip64
// records appear only when an entry, an offset or the number of entries
// outgrows the classic format. The archive is a Blob made of the entries' own
// Blobs: their contents are read once, for the CRC, never copied together.

const LIMIT_32 = 0xffffffff;
const LIMIT_16 = 0xffff;
const UTF8_NAMES = 0x0800;
const VERSION_CLASSIC = 20; // 2.0: folders and STORE
const VERSION_ZIP64 = 45; // 4.5: zip64
const MADE_BY_UNIX = 3 << 8; // so that unzip gives ordinary file permissions
const REGULAR_FILE = 0o100644 * 0x10000; // external attributes: -rw-r--r--

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309, as zip uses it) of `bytes`, continuing from `crc`. */
export function crc32(bytes, crc = 0) {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i += 1) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** CRC-32 of a Blob, read as a stream (bounded memory). */
export async function blobCrc32(blob) {
  let crc = 0;
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return crc;
    crc = crc32(value, crc);
  }
}

/** MS-DOS time and date of a moment (local time, two-second steps, from 1980). */
function dosDateTime(moment) {
  const date = Number.isNaN(moment.getTime()) || moment.getFullYear() < 1980 ? new Date(1980, 0, 1) : moment;
  const time = (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1);
  const day = ((date.getFullYear() - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate();
  return [time, day];
}

/** A little-endian record built field by field: [bytes, value] pairs. */
function record(fields) {
  const size = fields.reduce((sum, [bytes]) => sum + bytes, 0);
  const view = new DataView(new ArrayBuffer(size));
  let offset = 0;
  for (const [bytes, value] of fields) {
    if (bytes === 2) view.setUint16(offset, value, true);
    else if (bytes === 4) view.setUint32(offset, value, true);
    else view.setBigUint64(offset, BigInt(value), true);
    offset += bytes;
  }
  return new Uint8Array(view.buffer);
}

const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};

/** Builds one zip archive: `await add(name, blob, date)` for each file, then `finish()`. */
export class ZipWriter {
  /** @param {{zip64?: boolean}} [options] zip64: write zip64 records even when not needed (tests) */
  constructor({ zip64 = false } = {}) {
    this.forceZip64 = zip64;
    this.parts = [];
    this.central = [];
    this.offset = 0;
    this.names = new Set();
  }

  #push(part) {
    this.parts.push(part);
    this.offset += part instanceof Blob ? part.size : part.length;
  }

  /**
   * Add a file. `name` is a relative path with "/" between folders; a name
   * already in the archive, an absolute path or ".." is refused.
   * @param {string} name
   * @param {Blob} blob
   * @param {Date} [date]
   */
  async add(name, blob, date = new Date()) {
    const segments = name.split('/');
    if (!name || name.startsWith('/') || segments.some((part) => !part || part === '.' || part === '..')) {
      throw new Error(`unsafe name in zip: ${name}`);
    }
    if (this.names.has(name)) throw new Error(`name twice in zip: ${name}`);
    this.names.add(name);
    const encodedName = new TextEncoder().encode(name);
    const crc = await blobCrc32(blob);
    const { size } = blob;
    const offset = this.offset;
    const zip64 = this.forceZip64 || size >= LIMIT_32 || offset >= LIMIT_32;
    const version = zip64 ? VERSION_ZIP64 : VERSION_CLASSIC;
    const [time, day] = dosDateTime(date);
    const small = (value) => (zip64 ? LIMIT_32 : value);
    const common = [
      [2, version],
      [2, UTF8_NAMES],
      [2, 0], // STORE
      [2, time],
      [2, day],
      [4, crc],
      [4, small(size)],
      [4, small(size)],
      [2, encodedName.length],
    ];
    const localExtra = zip64 ? record([[2, 0x0001], [2, 16], [8, size], [8, size]]) : new Uint8Array(0);
    this.#push(concat(record([[4, 0x04034b50], ...common, [2, localExtra.length]]), encodedName, localExtra));
    this.#push(blob);
    const centralExtra = zip64
      ? record([[2, 0x0001], [2, 24], [8, size], [8, size], [8, offset]])
      : new Uint8Array(0);
    this.central.push(
      concat(
        record([
          [4, 0x02014b50],
          [2, MADE_BY_UNIX | version],
          ...common,
          [2, centralExtra.length],
          [2, 0], // comment
          [2, 0], // disk
          [2, 0], // internal attributes
          [4, REGULAR_FILE],
          [4, small(offset)],
        ]),
        encodedName,
        centralExtra,
      ),
    );
    this.zip64 ||= zip64;
  }

  /** The whole archive as a Blob (application/zip). */
  finish() {
    const start = this.offset;
    for (const entry of this.central) this.#push(entry);
    const size = this.offset - start;
    const count = this.central.length;
    const zip64 = this.forceZip64 || this.zip64 || count >= LIMIT_16 || start >= LIMIT_32 || size >= LIMIT_32;
    if (zip64) {
      const recordOffset = this.offset;
      this.#push(
        record([
          [4, 0x06064b50],
          [8, 44], // size of the rest of this record
          [2, MADE_BY_UNIX | VERSION_ZIP64],
          [2, VERSION_ZIP64],
          [4, 0],
          [4, 0],
          [8, count],
          [8, count],
          [8, size],
          [8, start],
        ]),
      );
      this.#push(record([[4, 0x07064b50], [4, 0], [8, recordOffset], [4, 1]]));
    }
    this.#push(
      record([
        [4, 0x06054b50],
        [2, 0],
        [2, 0],
        [2, zip64 ? LIMIT_16 : count],
        [2, zip64 ? LIMIT_16 : count],
        [4, zip64 ? LIMIT_32 : size],
        [4, zip64 ? LIMIT_32 : start],
        [2, 0], // comment
      ]),
    );
    return new Blob(this.parts, { type: 'application/zip' });
  }
}
