// One document: its details, a preview made in this page (images through a
// blob: URL in <img>, text through textContent, PDF in the browser's viewer
// from a blob: URL), print, rename or change type, delete with confirmation.
// Uploaded HTML, SVG or scripts are never rendered: they get no preview.
import { categoryIcon, categoryOf } from '../categories.js';
import { details } from '../format.js';
import { t } from '../i18n.js';
import { go, register } from '../nav.js';
import { state } from '../state.js';
import { busy, byId, el, errorMessage, notify, setError } from '../ui.js';
import { deleteDocument, documentContent, updateMetadata } from '../wallet.js';

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const preview = byId('preview');
const status = byId('view-status');
const editForm = byId('edit-form');
const confirm = byId('delete-confirm');
let currentId = null;
let pdfFrame = null;

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
  if (kind === 'image') {
    preview.replaceChildren(el('img', { attrs: { src: objectUrl(blob), alt: document.metadata.title || '' } }));
  } else if (kind === 'text') {
    preview.replaceChildren(el('pre', { className: 'text-preview', text: await blob.text() }));
  } else {
    pdfFrame = el('iframe', { className: 'pdf-preview', attrs: { src: objectUrl(blob), title: document.metadata.title || '' } });
    preview.replaceChildren(pdfFrame);
  }
  preview.dataset.kind = kind;
  status.textContent = '';
}

byId('view-print').addEventListener('click', () => {
  if (preview.dataset.kind === 'pdf' && pdfFrame?.contentWindow) {
    pdfFrame.contentWindow.print();
  } else {
    window.print();
  }
});

byId('view-edit').addEventListener('click', () => {
  const { metadata } = state.documents.get(currentId);
  byId('edit-title').value = metadata.title || '';
  byId('edit-category').value = categoryOf(metadata);
  byId('edit-date').value = metadata.date || '';
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
  try {
    const changes = {
      title,
      type: byId('edit-category').value,
      date: byId('edit-date').value || null,
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

register('view', async (id) => {
  const document = state.documents.get(id);
  currentId = id;
  pdfFrame = null;
  preview.replaceChildren();
  delete preview.dataset.kind;
  editForm.hidden = true;
  confirm.hidden = true;
  showHead(document);
  try {
    await showPreview(document);
  } catch (error) {
    status.textContent = errorMessage(error);
  }
});
