// Encrypt a file here and send it in parts, resuming after a drop: one way to
// upload for the kiosk's add screen and the depositor page (/d/<id>), which
// differ only in where the parts go (their own API modules).
import * as pde from '/static/crypto/pde-crypto.js';

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
