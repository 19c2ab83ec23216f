// Add a document: a file or a photo, its category (pictograms), a title and
// an optional date and issuer. The file is encrypted here, then sent in parts
// with a progress bar driven by the parts the server acknowledged; after a
// network drop the upload resumes where the server stands.
import { t } from '../i18n.js';
import { go, register } from '../nav.js';
import { busy, byId, errorMessage, notify, setError } from '../ui.js';
import { addDocument } from '../wallet.js';

const form = byId('add-form');
const title = byId('add-title-input');
const progress = byId('add-progress');
const bar = byId('add-progress-bar');
const label = byId('add-progress-label');
const percent = byId('add-progress-percent');
let chosen = null;

const EXTENSION_TYPES = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  txt: 'text/plain',
};

/** The media type of a file: what the browser says, else from its extension. */
export function mediaType(file) {
  if (file.type) return file.type;
  const extension = file.name.split('.').pop().toLowerCase();
  return EXTENSION_TYPES[extension] || 'application/octet-stream';
}

function choose(event) {
  const [file] = event.target.files;
  if (!file) return;
  chosen = file;
  byId('add-chosen').textContent = t('Chosen: {name}', { name: file.name });
  if (!title.value) title.value = file.name.replace(/\.[^.]+$/, '');
  setError('add-error', '');
}
byId('add-file').addEventListener('change', choose);
byId('add-photo').addEventListener('change', choose);

function showProgress(phase, done, total) {
  const value = total ? Math.floor((100 * done) / total) : 100;
  bar.value = value;
  percent.textContent = `${value}%`;
  label.textContent = phase === 'lock' ? t('Locking the file…') : t('Sending… {percent}%', { percent: value });
  progress.dataset.phase = phase;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!chosen) {
    setError('add-error', t('Choose a file or take a photo first.'));
    return;
  }
  if (!title.value.trim()) {
    setError('add-error', t('Give the document a title.'));
    title.focus();
    return;
  }
  setError('add-error', '');
  const metadata = {
    title: title.value.trim(),
    type: form.elements.category.value,
    file_name: chosen.name,
    media_type: mediaType(chosen),
  };
  const date = byId('add-date').value;
  const issuer = byId('add-issuer').value.trim();
  if (date) metadata.date = date;
  if (issuer) metadata.issuer = issuer;
  progress.hidden = false;
  showProgress('lock', 0, chosen.size);
  try {
    await busy(byId('add-submit'), () =>
      addDocument(chosen, metadata, Number(document.body.dataset.partBytes), {
        onProgress: showProgress,
        onRetry: () => {
          label.textContent = t('Connection lost. Trying again…');
        },
      }),
    );
    progress.dataset.phase = 'done';
    await go('documents');
    notify(t('Document saved: {title}', { title: metadata.title }));
  } catch (error) {
    setError('add-error', errorMessage(error));
  }
});

register('add', () => {
  form.reset();
  chosen = null;
  byId('add-chosen').textContent = '';
  progress.hidden = true;
  delete progress.dataset.phase;
  bar.value = 0;
  setError('add-error', '');
});
