// One document: its details, a preview made in this page (images through a
// blob: URL in <img>, text through textContent, PDF pages drawn on a canvas
// by PDF.js, page by page), share it (ticked already), print, download (only
// where the deployment allows it: PDE_KIOSK_DOWNLOADS), rename or change type,
// delete with confirmation. Uploaded HTML, SVG or scripts are never rendered: they get no preview.
import { categoryIcon, categoryOf } from '/static/kit/categories.js';
import { DateField } from '../date-field.js';
import { details } from '../format.js';
import { t } from '/static/kit/strings.js';
import { go, register } from '../nav.js';
import { state } from '../state.js';
import { busy, byId, el, errorMessage, notify, setError } from '../ui.js';
import { deleteDocument, documentContent, updateMetadata } from '../wallet.js';
import { goToShares } from './documents.js';

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const preview = byId('preview');
const status = byId('view-status');
const editForm = byId('edit-form');
const confirm = byId('delete-confirm');
const pdfNav = byId('pdf-nav');
const editDate = new DateField('edit-date');
let currentId = null;
/** The decrypted content on show, kept for a download. */
let shown = null;
/** The PDF on show: PDF.js's document, the page drawn, its canvas, and its pages for the printer. */
let pdf = null;

byId('view-download').hidden = document.body.dataset.downloads !== 'true';
byId('view-share').addEventListener('click', () => goToShares('share', currentId)); // ticked already

/** How a media type is previewed: 'image', 'text', 'pdf' or null (no preview). */
export function previewKind(mediaType) {
  const type = (mediaType || '').split(';')[0].trim().toLowerCase();
  if (IMAGE_TYPES.has(type)) return ['image', type];
  if (type === 'text/plain') return ['text', 'text/plain'];
  if (type === 'application/pdf') return ['pdf', 'application/pdf'];
  return [null, 'application/octet-stream'];
}

function showHead(document) {
  byId('view-title').textContent = document.metadata.title || '—';
  byId('view-details').textContent = details(document.metadata);
  byId('view-icon').src = `/static/icons/${categoryIcon(categoryOf(document.metadata))}.svg`;
}

function objectUrl(blob) {
  const url = URL.createObjectURL(blob);
  state.objectUrls.add(url);
  return url;
}

async function showPreview(document) {
  const [kind, type] = previewKind(document.metadata.media_type);
  if (!kind) {
    status.textContent = t('No preview for this kind of file.');
    return;
  }
  status.textContent = t('Opening the document…');
  const blob = await documentContent(document.id, type);
  if (currentId !== document.id) return; // the person moved on meanwhile
  shown = { id: document.id, blob };
  if (kind === 'image') {
    preview.replaceChildren(el('img', { attrs: { src: objectUrl(blob), alt: document.metadata.title || '' } }));
  } else if (kind === 'text') {
    preview.replaceChildren(el('pre', { className: 'text-preview', text: await blob.text() }));
  } else {
    await showPdf(document, blob);
    if (currentId !== document.id) return;
  }
  preview.dataset.kind = kind;
  status.textContent = '';
}

async function showPdf(document, blob) {
  const { closePdf, openPdf } = await import('/static/kit/pdf.js'); // PDF.js loads only now
  const opened = await openPdf(blob);
  if (currentId !== document.id) {
    closePdf(opened);
    return;
  }
  const canvas = el('canvas', { className: 'pdf-canvas' });
  const close = () => closePdf(opened);
  pdf = { document: opened, close, title: document.metadata.title || '', page: 1, canvas, printed: null };
  preview.replaceChildren(canvas, el('div', { className: 'print-pages' }));
  await drawPdfPage(1);
}

/** Draw page `number` of the PDF on show and say where the person is. */
async function drawPdfPage(number) {
  const { drawPage } = await import('/static/kit/pdf.js');
  const shownPdf = pdf;
  const total = shownPdf.document.numPages;
  const where = t('Page {number} of {total}', { number, total });
  for (const button of pdfNav.querySelectorAll('button')) button.disabled = true;
  try {
    await drawPage(shownPdf.document, number, shownPdf.canvas, Math.min(preview.clientWidth || 800, 900));
  } finally {
    if (pdf === shownPdf) {
      shownPdf.page = number;
      shownPdf.canvas.setAttribute('role', 'img');
      shownPdf.canvas.setAttribute('aria-label', `${shownPdf.title} · ${where}`);
      byId('pdf-page').textContent = where;
      byId('pdf-previous').disabled = number <= 1;
      byId('pdf-next').disabled = number >= total;
      pdfNav.hidden = total < 2;
    }
  }
}

for (const [id, step] of [['pdf-previous', -1], ['pdf-next', 1]]) {
  byId(id).addEventListener('click', async () => {
    try {
      await drawPdfPage(pdf.page + step);
    } catch (error) {
      status.textContent = errorMessage(error);
    }
  });
}

/** Every page of the PDF on show, as pictures that only the printer sees. */
async function preparePdfForPrint() {
  if (pdf.printed) return;
  const shownPdf = pdf;
  status.textContent = t('Preparing the pages for printing…');
  const { printImages } = await import('/static/kit/pdf.js');
  const images = (await printImages(shownPdf.document)).map((blob) =>
    el('img', { attrs: { src: objectUrl(blob), alt: '' } }),
  );
  await Promise.all(images.map((image) => image.decode().catch(() => {})));
  if (pdf !== shownPdf) return;
  preview.querySelector('.print-pages').replaceChildren(...images);
  shownPdf.printed = images.length;
  status.textContent = '';
}

byId('view-print').addEventListener('click', async (event) => {
  try {
    if (preview.dataset.kind === 'pdf' && pdf) await busy(event.currentTarget, preparePdfForPrint);
    window.print();
  } catch (error) {
    status.textContent = errorMessage(error);
  }
});

byId('view-download').addEventListener('click', async (event) => {
  const button = event.currentTarget; // gone from the event once the handler awaits
  const { metadata } = state.documents.get(currentId);
  const id = currentId;
  try {
    const { downloadName, saveBlob } = await import('../download.js');
    const blob =
      shown?.id === id
        ? shown.blob
        : await busy(button, () => documentContent(id, 'application/octet-stream'));
    saveBlob(blob, downloadName(metadata));
  } catch (error) {
    notify(errorMessage(error));
  }
});

byId('view-edit').addEventListener('click', () => {
  const { metadata } = state.documents.get(currentId);
  byId('edit-title').value = metadata.title || '';
  byId('edit-category').value = categoryOf(metadata);
  editDate.set(metadata.date || '');
  byId('edit-issuer').value = metadata.issuer || '';
  confirm.hidden = true;
  editForm.hidden = false;
  setError('edit-error', '');
  byId('edit-title').focus();
});
byId('edit-cancel').addEventListener('click', () => {
  editForm.hidden = true;
});
editForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const title = byId('edit-title').value.trim();
  if (!title) {
    setError('edit-error', t('Give the document a title.'));
    return;
  }
  const date = editDate.read();
  if (date === null) {
    setError('edit-error', t('This date does not exist. Check the day, the month and the year.'));
    editDate.focus();
    return;
  }
  try {
    const changes = {
      title,
      type: byId('edit-category').value,
      date: date || null,
      issuer: byId('edit-issuer').value.trim() || null,
    };
    const document = await busy(event.submitter, () => updateMetadata(currentId, changes));
    showHead(document);
    editForm.hidden = true;
    notify(t('Saved.'));
  } catch (error) {
    setError('edit-error', errorMessage(error));
  }
});

byId('view-move').addEventListener('click', async (event) => {
  const [id, button] = [currentId, event.currentTarget];
  try {
    const { moveFromView } = await import('./compartment.js'); // loaded on first use
    await busy(button, () => moveFromView(id));
  } catch (error) {
    notify(errorMessage(error));
  }
});

byId('view-delete').addEventListener('click', () => {
  editForm.hidden = true;
  confirm.hidden = false;
  byId('delete-no').focus();
});
byId('delete-no').addEventListener('click', () => {
  confirm.hidden = true;
});
byId('delete-yes').addEventListener('click', async (event) => {
  const { title } = state.documents.get(currentId).metadata;
  try {
    await busy(event.currentTarget, () => deleteDocument(currentId));
    await go('documents');
    notify(t('Document deleted: {title}', { title }));
  } catch (error) {
    notify(errorMessage(error));
  }
});

/** An issued document's signature, checked against its content in this page. */
async function showIssued(document) {
  const box = byId('view-issued');
  box.replaceChildren();
  if (typeof document.metadata.issued !== 'string') return;
  const issued = await import('/static/kit/issued.js'); // only for issued documents
  box.replaceChildren(issued.checkingPanel());
  let panel;
  try {
    const blob =
      shown?.id === document.id
        ? shown.blob
        : await documentContent(document.id, 'application/octet-stream');
    panel = issued.issuedPanel(await issued.checkIssued(document.metadata.issued, blob));
  } catch {
    panel = issued.uncheckedPanel();
  }
  if (currentId === document.id) box.replaceChildren(panel);
}

/** Let go of the PDF on show (PDF.js keeps it in its worker until then). */
function letGoOfPdf() {
  if (pdf) pdf.close();
  pdf = null;
  pdfNav.hidden = true;
}

register('view', async (id) => {
  const document = state.documents.get(id);
  currentId = id;
  shown = null;
  letGoOfPdf();
  preview.replaceChildren();
  delete preview.dataset.kind;
  editForm.hidden = true;
  confirm.hidden = true;
  showHead(document);
  byId('view-issued').replaceChildren();
  try {
    await showPreview(document);
  } catch (error) {
    status.textContent = errorMessage(error);
  }
  await showIssued(document);
});
