// The shared documents, one card each: pictogram, title, details, and the
// three things a worker does with them: show, print, download; and "Download
// all", one zip made in this page. Content is fetched again for every action,
// so a revocation stops the next one at once; only the preview on screen stays
// in memory (as a blob: URL).
import * as pde from '/static/crypto/pde-crypto.js';
import { ApiError, NetworkError, StoreError, documentContent } from './api.js';
import { claimedType, looksLike, previewKind, safeFileName } from './files.js';
import { categoryIcon, categoryLabel, isCategory } from '/static/kit/categories.js';
import { formatDate } from '/static/kit/dates.js';
import { pdfPages, pdfjsAvailable } from '/static/kit/pdf.js';
import { language, onLanguageChange, setText, t } from '/static/kit/strings.js';
import { ZipWriter } from '/static/kit/zip.js';

const list = document.getElementById('document-list');
const template = document.getElementById('document-template');
const downloadAllButton = document.getElementById('download-all');
const downloadAllStatus = document.getElementById('download-all-status');
const ZIP_NAME = 'PDE-documents.zip';
const objectUrls = new Set();
let share = null; // {shareId, viewToken, transfer, documents, onShareError}

function formatSize(bytes) {
  let [value, unit] = [bytes, 'byte'];
  if (bytes >= 1e6) [value, unit] = [bytes / 1e6, 'megabyte'];
  else if (bytes >= 1e3) [value, unit] = [bytes / 1e3, 'kilobyte'];
  const digits = value < 10 && unit !== 'byte' ? 1 : 0;
  return new Intl.NumberFormat(language(), { style: 'unit', unit, maximumFractionDigits: digits }).format(value);
}

// A type the viewer does not know gets the "other" pictogram but no label.
const category = (metadata) => (isCategory(metadata.type) ? metadata.type : null);
const titleOf = (doc) => doc.metadata.title || t('Document {number}', { number: doc.index + 1 });

function objectUrl(blob) {
  const url = URL.createObjectURL(blob);
  objectUrls.add(url);
  return url;
}

function forget(url) {
  URL.revokeObjectURL(url);
  objectUrls.delete(url);
}

/** The words of one card, in the page's language (again after a language switch). */
function renderCard(doc) {
  const { card, metadata } = doc;
  const slug = category(metadata);
  card.querySelector('.document-icon').src = `/static/icons/${categoryIcon(slug)}.svg`;
  card.querySelector('.document-title').textContent = titleOf(doc);
  const details = [slug ? categoryLabel(slug) : '', formatDate(metadata.date), metadata.issuer];
  card.querySelector('.document-details').textContent = details.filter(Boolean).join(' · ');
  // The file name is isolated, so a Latin name reads right inside Arabic text.
  const name = document.createElement('bdi');
  name.textContent = metadata.file_name || '';
  const size = doc.size === null ? '' : formatSize(doc.size);
  const parts = [metadata.file_name ? name : '', size].filter(Boolean);
  card.querySelector('.document-file').replaceChildren(...parts.flatMap((part, i) => (i ? [' · ', part] : [part])));
  const showing = !card.querySelector('.preview').hidden;
  card.querySelector('.document-show .label').textContent = showing ? t('Hide') : t('Show');
  card.querySelector('.document-print .label').textContent = t('Print');
  card.querySelector('.document-download .label').textContent = t('Download');
  for (const button of card.querySelectorAll('button')) {
    button.setAttribute('aria-describedby', doc.titleId);
  }
  const frame = card.querySelector('iframe');
  if (frame) frame.title = titleOf(doc);
  const image = card.querySelector('.preview img');
  if (image) image.alt = titleOf(doc);
  card.querySelectorAll('.pdf-pages canvas').forEach((canvas, i) => {
    canvas.setAttribute('aria-label', pageLabel(doc, i + 1));
  });
}

function pageLabel(doc, number) {
  return t('{title}, page {number}', { title: titleOf(doc), number });
}

function say(doc, message) {
  setText(doc.card.querySelector('.document-status'), message);
}

/** The decrypted content of a document, fetched now with the view token. */
async function decrypted(doc, type) {
  const stream = await documentContent(share.shareId, doc.id, share.viewToken, share.transfer);
  return pde.decryptBlob(stream, doc.key, doc.id, { type });
}

/**
 * Runs `action`, what `button` does; a share that ended replaces the page,
 * other failures are told by `tell` (on the card, or under "Download all").
 */
async function attempt(button, tell, action) {
  if (button.getAttribute('aria-busy') === 'true') return;
  button.setAttribute('aria-busy', 'true');
  tell('Opening the document…');
  try {
    await action();
  } catch (error) {
    if (error instanceof ApiError && error.code === 'not_found') {
      tell('This document is no longer shared.');
    } else if (error instanceof StoreError) {
      tell('The server is busy. Try again in a minute.'); // the object store, not the share, refused
    } else if (error instanceof ApiError && error.code !== 'rate_limited' && error.status < 500) {
      share?.onShareError(error);
    } else if (error instanceof pde.CryptoError) {
      tell('This document could not be decrypted: it may be damaged.');
    } else if (error instanceof ApiError) {
      tell('The server is busy. Try again in a minute.');
    } else if (error instanceof NetworkError || error instanceof TypeError) {
      tell('The connection was lost. Check it and try again.');
    } else {
      throw error;
    }
  } finally {
    button.removeAttribute('aria-busy');
  }
}

function hidePreview(doc) {
  const preview = doc.card.querySelector('.preview');
  for (const element of preview.querySelectorAll('[src^="blob:"]')) forget(element.src);
  preview.replaceChildren();
  preview.hidden = true;
  delete preview.dataset.kind;
  doc.card.querySelector('.document-show').setAttribute('aria-expanded', 'false');
  renderCard(doc);
}

async function showPreview(doc) {
  const kind = previewKind(doc.type);
  const blob = await decrypted(doc, doc.type);
  if (!share || !doc.card.isConnected) return;
  if (!(await looksLike(blob, doc.type))) {
    doc.previewable = false;
    doc.card.querySelector('.document-show').hidden = true;
    doc.card.querySelector('.document-print').hidden = true;
    say(doc, 'This file cannot be shown here. Download it to open it.');
    return;
  }
  const preview = doc.card.querySelector('.preview');
  let content;
  if (kind === 'image') {
    content = document.createElement('img');
    content.src = objectUrl(blob);
  } else if (kind === 'text') {
    content = document.createElement('pre');
    content.className = 'text-preview';
    content.textContent = await blob.text();
  } else if (await pdfjsAvailable()) {
    try {
      content = await pdfPages(blob, (number) => pageLabel(doc, number));
    } catch {
      say(doc, 'This file cannot be shown here. Download it to open it.');
      return;
    }
    if (!share || !doc.card.isConnected) return;
  } else {
    // The browser's own PDF viewer, from our own blob: of type application/pdf, checked above.
    content = document.createElement('iframe');
    content.className = 'pdf-preview';
    content.src = objectUrl(blob);
  }
  preview.replaceChildren(content);
  preview.dataset.kind = kind;
  preview.hidden = false;
  doc.card.querySelector('.document-show').setAttribute('aria-expanded', 'true');
  say(doc, '');
  renderCard(doc);
}

function printDocument(doc) {
  const frame = doc.card.querySelector('.preview iframe');
  if (frame?.contentWindow) {
    frame.contentWindow.print();
    return;
  }
  document.body.classList.add('printing-one');
  doc.card.classList.add('printing');
  window.print();
}

window.addEventListener('afterprint', () => {
  document.body.classList.remove('printing-one');
  for (const card of list.querySelectorAll('.printing')) card.classList.remove('printing');
});

/** From now on the footer no longer says that nothing is kept: downloaded files stay on the device. */
export function sayDownloadsStay() {
  setText(
    document.getElementById('footer-text'),
    'Decrypted in this browser: the server cannot read these documents. Files you downloaded stay on this device: delete them when you no longer need them.',
  );
}

/** Hand `blob` to the browser's downloads as `name`. */
function save(blob, name) {
  const link = document.createElement('a');
  link.href = objectUrl(blob);
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => forget(link.href), 60_000);
  sayDownloadsStay();
}

const fileNameOf = (doc) => safeFileName(doc.metadata.file_name, doc.type, titleOf(doc));

async function download(doc) {
  const blob = await decrypted(doc, 'application/octet-stream');
  if (!share) return;
  save(blob, fileNameOf(doc));
  say(doc, 'Downloaded.');
}

/** `name`, or `name (2).ext`, `name (3).ext`… when `taken` has it already (it takes the result). */
function uniqueName(name, taken) {
  const dot = name.lastIndexOf('.');
  const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  let candidate = name;
  for (let n = 2; taken.has(candidate.toLowerCase()); n += 1) candidate = `${stem} (${n})${extension}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

/** Every document in one zip made in this page, decrypted one after the other: nothing goes to the server. */
async function downloadAll() {
  const current = share;
  const zip = new ZipWriter();
  const taken = new Set();
  const count = current.documents.length;
  for (const [done, doc] of current.documents.entries()) {
    setText(downloadAllStatus, 'Preparing the zip file: {done} of {count}…', { done, count });
    const blob = await decrypted(doc, 'application/octet-stream');
    if (share !== current) return;
    await zip.add(uniqueName(fileNameOf(doc), taken), blob);
  }
  save(zip.finish(), ZIP_NAME);
  setText(downloadAllStatus, 'Downloaded: {count} documents in one zip file.', { count });
}
downloadAllButton.addEventListener('click', () =>
  attempt(downloadAllButton, (message) => setText(downloadAllStatus, message), downloadAll),
);

/** An issued document's signature, checked in this page against its content and the
 * public list of organisations (page_kit/static/issued.js). */
async function checkSignature(doc) {
  const place = doc.card.querySelector('.document-issued');
  const issued = await import('/static/kit/issued.js'); // only for issued documents
  place.replaceChildren(issued.checkingPanel());
  let panel;
  try {
    const blob = await decrypted(doc, 'application/octet-stream');
    panel = issued.issuedPanel(await issued.checkIssued(doc.metadata.issued, blob));
  } catch {
    panel = issued.uncheckedPanel();
  }
  if (share?.documents.includes(doc)) place.replaceChildren(panel);
}

function makeCard(doc) {
  const card = template.content.firstElementChild.cloneNode(true);
  doc.card = card;
  doc.titleId = `document-title-${doc.index}`;
  card.querySelector('.document-title').id = doc.titleId;
  card.querySelector('.document').setAttribute('aria-labelledby', doc.titleId);
  const preview = card.querySelector('.preview');
  preview.id = `document-preview-${doc.index}`;
  const show = card.querySelector('.document-show');
  show.setAttribute('aria-controls', preview.id);
  const print = card.querySelector('.document-print');
  if (!doc.previewable) {
    show.hidden = true;
    print.hidden = true;
    say(doc, 'This kind of file is not shown here, for safety. Download it to open it.');
  }
  const tell = (message) => say(doc, message);
  show.addEventListener('click', () =>
    preview.hidden ? attempt(show, tell, () => showPreview(doc)) : hidePreview(doc),
  );
  print.addEventListener('click', () =>
    attempt(print, tell, async () => {
      if (preview.hidden) await showPreview(doc);
      if (!preview.hidden) printDocument(doc);
    }),
  );
  const saveButton = card.querySelector('.document-download');
  saveButton.addEventListener('click', () => attempt(saveButton, tell, () => download(doc)));
  renderCard(doc);
  if (typeof doc.metadata.issued === 'string') checkSignature(doc);
  return card;
}

function renderAll() {
  if (share) for (const doc of share.documents) renderCard(doc);
}
onLanguageChange(renderAll);

/**
 * Show the opened share's documents.
 * @param {{shareId: string, viewToken: string, transfer: string, onShareError: (error: ApiError) => void,
 *   documents: {id: string, key: Uint8Array, metadata: object, size: number|null}[]}} opened
 */
export function showDocuments(opened) {
  clearDocuments();
  share = opened;
  share.documents.forEach((doc, index) => {
    doc.index = index;
    doc.type = claimedType(doc.metadata);
    doc.previewable = previewKind(doc.type) !== null;
  });
  list.replaceChildren(...share.documents.map(makeCard));
  downloadAllButton.hidden = share.documents.length < 2; // one document: its own button is enough
}

/** Take every document off the page and out of memory (keys zeroed, blob: URLs revoked). */
export function clearDocuments() {
  for (const url of objectUrls) URL.revokeObjectURL(url);
  objectUrls.clear();
  list.replaceChildren();
  setText(downloadAllStatus, '');
  if (share) for (const doc of share.documents) doc.key.fill(0);
  share = null;
}
