// What may be shown of a shared file, and under which name it is saved.
// Only images, plain text and PDF get a preview, and only when their first
// bytes agree with the type the owner gave. HTML, SVG, scripts and anything
// else are never rendered here: they can only be downloaded.

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const EXTENSIONS = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'text/plain': 'txt',
  'application/pdf': 'pdf',
};
const BY_EXTENSION = Object.fromEntries(
  [...Object.entries(EXTENSIONS), ['image/jpeg', 'jpeg'], ['text/plain', 'text']].map(([type, ext]) => [ext, type]),
);
// The first bytes each previewable type must start with.
const SIGNATURES = {
  'image/jpeg': [[0xff, 0xd8, 0xff]],
  'image/png': [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  'image/gif': [[0x47, 0x49, 0x46, 0x38]],
  'image/webp': [[0x52, 0x49, 0x46, 0x46]],
  'application/pdf': [[0x25, 0x50, 0x44, 0x46, 0x2d]],
};

function baseType(mediaType) {
  return String(mediaType || '').split(';')[0].trim().toLowerCase();
}

function extensionOf(name) {
  const match = /\.([A-Za-z0-9]{1,8})$/.exec(String(name || ''));
  return match ? match[1].toLowerCase() : '';
}

/** The media type a shared document claims: its metadata's, else its file name's extension. */
export function claimedType(metadata) {
  return baseType(metadata.media_type) || BY_EXTENSION[extensionOf(metadata.file_name)] || '';
}

/** How a media type is previewed: 'image', 'text', 'pdf', or null (download only). */
export function previewKind(mediaType) {
  const type = baseType(mediaType);
  if (IMAGE_TYPES.has(type)) return 'image';
  if (type === 'text/plain') return 'text';
  if (type === 'application/pdf') return 'pdf';
  return null;
}

/** Whether the decrypted bytes start as their claimed type must (text: no NUL byte early on). */
export async function looksLike(blob, mediaType) {
  const head = new Uint8Array(await blob.slice(0, 4096).arrayBuffer());
  const type = baseType(mediaType);
  if (type === 'text/plain') return !head.includes(0);
  const signatures = SIGNATURES[type] || [];
  return signatures.some((signature) => signature.every((byte, i) => head[i] === byte));
}

// Controls, bidirectional overrides (which can disguise "gpj.exe" as "exe.jpg"),
// path separators and the characters Windows refuses in names.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069<>:"/\\|?*]/g;

/**
 * A file name safe to save under: no path, no control or direction characters,
 * not hidden, at most 120 characters; `fallback` plus an extension for the
 * media type when nothing usable is left.
 */
export function safeFileName(name, mediaType, fallback) {
  let clean = String(name || '').normalize('NFC').replace(UNSAFE, '_');
  clean = clean.replace(/^[\s._]+/, '').replace(/[\s.]+$/, '');
  if (!clean || /^_+$/.test(clean)) {
    const extension = EXTENSIONS[baseType(mediaType)];
    clean = String(fallback || 'document').replace(UNSAFE, '_').replace(/^[\s._]+/, '') || 'document';
    if (extension && extensionOf(clean) !== extension) clean = `${clean}.${extension}`;
  }
  if (clean.length > 120) {
    const extension = extensionOf(clean);
    clean = extension ? `${clean.slice(0, 119 - extension.length)}.${extension}` : clean.slice(0, 120);
  }
  return clean;
}
