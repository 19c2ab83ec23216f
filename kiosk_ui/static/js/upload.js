// Encrypt a file here and send it in parts, resuming after a drop: one way to
// upload for the kiosk's add screen and the depositor page (/d/<id>), which
// differ only in where the parts go (their own API modules, or straight to the
// object store: directPut).
import * as pde from '/static/crypto/pde-crypto.js';
import { storeRequest } from '/static/kit/request.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const MAX_RETRIES = 8;

/**
 * The PDE stream of `file` (FORMAT.md §5.1) as one Blob, and its SHA-256.
 * `onProgress(done, total)` reports plaintext bytes encrypted.
 * @returns {Promise<{sealed: Blob, sha256: Uint8Array}>}
 */
export async function sealFile(file, key, documentId, onProgress) {
  const parts = [];
  let locked = 0;
  for await (const chunk of pde.encryptChunks(file, key, documentId)) {
    parts.push(chunk);
    locked = Math.min(file.size, locked + pde.SEGMENT_BYTES);
    onProgress(locked, file.size);
  }
  const sealed = new Blob(parts, { type: 'application/octet-stream' });
  parts.length = 0;
  return { sealed, sha256: await pde.sha256(new Uint8Array(await sealed.arrayBuffer())) };
}

/**
 * Send `sealed` in parts of `partBytes` from wherever the server says it
 * stands; after a network drop, wait, ask the server what it acknowledged, and go on.
 * @param {Blob} sealed
 * @param {number} partBytes
 * @param {{
 *   put: (offset: number, part: Blob) => Promise<{received: number}>,
 *   status: () => Promise<{received: number}>,
 *   isRetryable: (error: Error) => boolean,
 * }} transport errors with a numeric `received` mean "resume there"
 * @param {{onProgress: (done: number, total: number) => void, onRetry: (failures: number) => void}} events
 */
export async function sendParts(sealed, partBytes, transport, { onProgress, onRetry }) {
  let received = 0;
  let failures = 0;
  let mustAsk = false;
  while (received < sealed.size) {
    try {
      if (mustAsk) {
        received = (await transport.status()).received;
        mustAsk = false;
        continue;
      }
      const end = Math.min(received + partBytes, sealed.size);
      received = (await transport.put(received, sealed.slice(received, end))).received;
      failures = 0;
      onProgress(received, sealed.size);
    } catch (error) {
      if (Number.isInteger(error.received)) {
        received = error.received; // the server holds a different prefix: resume there
        continue;
      }
      failures += 1;
      if (!transport.isRetryable(error) || failures > MAX_RETRIES) throw error;
      onRetry(failures);
      await sleep(Math.min(500 * 2 ** (failures - 1), 8000));
      mustAsk = true;
    }
  }
}

const PUTS_PER_PART = 3;
// Put the part again: its URL expired (403 from the store), the store refused
// its bytes (BadDigest), or the server did not find it stored as declared.
const PUT_AGAIN = new Set(['url_expired', 'integrity_mismatch', 'upload_part_missing']);

/**
 * The `put` of direct transfers (docs/api.md), for sendParts's transport: each
 * part goes straight to the object store through a presigned URL the server
 * gives for its offset, length and SHA-256 (base64url), with exactly the headers
 * it says (the checksum the store checks), then the server acknowledges what the
 * store holds.
 * @param {{
 *   partUrl: (part: {offset: number, length: number, sha256: string}) =>
 *     Promise<{url: string, method: string, headers: Record<string, string>}>,
 *   acknowledge: (offset: number) => Promise<{received: number}>,
 * }} api
 * @returns {(offset: number, part: Blob) => Promise<{received: number}>}
 */
export function directPut({ partUrl, acknowledge }) {
  return async function put(offset, part) {
    const sha256 = pde.b64uEncode(await pde.sha256(await part.arrayBuffer()));
    for (let attempt = 1; ; attempt += 1) {
      try {
        const target = await partUrl({ offset, length: part.size, sha256 });
        await storeRequest(target.method, target.url, { headers: target.headers, body: part });
        return await acknowledge(offset);
      } catch (error) {
        if (!PUT_AGAIN.has(error.code) || attempt >= PUTS_PER_PART) throw error;
      }
    }
  };
}
