// Handing a decrypted file to the browser's downloads, and file names that
// are safe on every system: no folders, no control or direction-changing
// characters (which can disguise "cod.exe" as "exe.doc"), no names that
// Windows reserves, never empty, never too long.
import { state } from './state.js';
import { DownloadsOff, downloadsAllowed } from './terminal.js';

const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f/\\:*?"<>|\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;
const MAX_STEM = 80; // characters
const REVOKE_AFTER_MS = 60_000;
const EXTENSIONS = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'text/plain': 'txt',
};

/** `text` made safe as one file-name part (no extension added), or `fallback`. */
export function safeName(text, fallback = 'document') {
  let name = String(text ?? '').normalize('NFC').replace(FORBIDDEN, '_');
  name = name.replace(/\s+/g, ' ').replace(/^[\s.]+|[\s.]+$/g, '');
  name = [...name].slice(0, MAX_STEM).join('').trim();
  if (!name) return fallback;
  return RESERVED.test(name.split('.')[0]) ? `_${name}` : name;
}

/** The extension a document's file should have: its original one, else from its media type. */
export function extensionOf(metadata) {
  const original = /\.([A-Za-z0-9]{1,8})$/.exec(metadata.file_name || '');
  if (original) return original[1].toLowerCase();
  const type = (metadata.media_type || '').split(';')[0].trim().toLowerCase();
  return EXTENSIONS[type] || 'bin';
}

/** The name a document is saved under: its original file name, else its title. */
export function downloadName(metadata) {
  const original = (metadata.file_name || '').replace(/\.[A-Za-z0-9]{1,8}$/, '');
  return `${safeName(original || metadata.title)}.${extensionOf(metadata)}`;
}

/**
 * Give `blob` to the browser as a download named `fileName`, through an
 * object URL revoked a while later: revoked at once, a busy terminal's browser
 * may not have read it yet and drops the download. A wipe revokes it sooner.
 * Refused on an enrolled terminal (DownloadsOff): the file would stay on its disk.
 */
export function saveBlob(blob, fileName) {
  if (!downloadsAllowed()) throw new DownloadsOff();
  const url = URL.createObjectURL(blob);
  state.objectUrls.add(url); // a wipe revokes it if the page goes first
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => {
    URL.revokeObjectURL(url);
    state.objectUrls.delete(url);
  }, REVOKE_AFTER_MS);
}
