// Journey 10 (DESIGN §1, GDPR art. 20): the whole wallet as one zip made in
// this page. Every document is decrypted here and stored under a folder per
// category, as "title.extension" (made safe, never twice the same name), with
// documents.json listing the decrypted details of each. Nothing decrypted is
// sent anywhere: the zip is handed to the browser's downloads.
import { categoryLabel, categoryOf } from '/static/kit/categories.js';
import { extensionOf, safeName } from './download.js';
import { documentContent, loadDocuments } from './wallet.js';
import { ZipWriter } from '/static/kit/zip.js';
import { DownloadsOff, downloadsAllowed } from './terminal.js';

export const MANIFEST_NAME = 'documents.json';

/** The path of each document in the archive, by document id; oldest first, no two alike. */
export function archivePaths(documents) {
  const taken = new Set([MANIFEST_NAME]);
  const paths = new Map();
  for (const document of documents) {
    const folder = safeName(categoryLabel(categoryOf(document.metadata)), 'other');
    const stem = safeName(document.metadata.title);
    const extension = extensionOf(document.metadata);
    let path = `${folder}/${stem}.${extension}`;
    for (let copy = 2; taken.has(path.toLocaleLowerCase()); copy += 1) {
      path = `${folder}/${stem} (${copy}).${extension}`;
    }
    taken.add(path.toLocaleLowerCase());
    paths.set(document.id, path);
  }
  return paths;
}

/** The file name of an export made today: no wallet name in it, for a shared Downloads folder. */
export function exportFileName(today = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  return `PDE-${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}.zip`;
}

/**
 * Decrypt every document of the wallet into one zip Blob; `onProgress(done,
 * total)` before each document and at the end. Returns {zip, count}.
 */
export async function exportWallet(onProgress = () => {}) {
  if (!downloadsAllowed()) throw new DownloadsOff(); // an enrolled terminal: nothing is unlocked
  const documents = (await loadDocuments()).reverse(); // oldest first
  const paths = archivePaths(documents);
  const zip = new ZipWriter();
  const manifest = [];
  for (const [index, document] of documents.entries()) {
    onProgress(index, documents.length);
    const content = await documentContent(document.id, 'application/octet-stream');
    const file = paths.get(document.id);
    await zip.add(file, content, new Date(document.createdAt));
    manifest.push({ file, document_id: document.id, created_at: document.createdAt, ...document.metadata });
  }
  const listing = JSON.stringify({ format: 'pde-export/1', documents: manifest }, null, 1);
  await zip.add(MANIFEST_NAME, new Blob([listing], { type: 'application/json' }));
  onProgress(documents.length, documents.length);
  return { zip: zip.finish(), count: documents.length };
}
