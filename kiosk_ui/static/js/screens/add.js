// Add a document: a file, or photos of a paper (several photos make one
// document with one page each; "Take a photo" opens the camera screen,
// screens/camera.js, which hands its photos back here), its category
// (pictograms), a title and an optional date and issuer. Photos show as
// numbered thumbnails that can be moved or removed with buttons (the date as
// day, month and year in the page's language: date-field.js). Two or more photos become one PDF made in
// this page. The file is encrypted here, then sent in parts with a progress
// bar driven by the parts the server acknowledged; after a network drop the
// upload resumes where the server stands.
import { t } from '/static/kit/strings.js';
import { DateField } from '../date-field.js';
import { go, register } from '../nav.js';
import { state } from '../state.js';
import { busy, byId, el, errorMessage, icon, notify, setError } from '../ui.js';
import { addDocument } from '../wallet.js';

const form = byId('add-form');
const title = byId('add-title-input');
const progress = byId('add-progress');
const bar = byId('add-progress-bar');
const label = byId('add-progress-label');
const percent = byId('add-progress-percent');
const pageList = byId('add-pages');
const dateField = new DateField('add-date');
/** A file that is not a photo, saved as it is. */
let chosen = null;
/** Photos in page order, each with the object URL of its thumbnail. @type {{file: File, url: string}[]} */
let pages = [];

const EXTENSION_TYPES = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  txt: 'text/plain',
};
const PHOTO_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp', 'image/avif']);

/** The media type of a file: what the browser says, else from its extension. */
export function mediaType(file) {
  if (file.type) return file.type;
  const extension = file.name.split('.').pop().toLowerCase();
  return EXTENSION_TYPES[extension] || 'application/octet-stream';
}

const isPhoto = (file) => PHOTO_TYPES.has(mediaType(file));

function forgetPages() {
  for (const { url } of pages) {
    URL.revokeObjectURL(url);
    state.objectUrls.delete(url);
  }
  pages = [];
}

function summary() {
  if (chosen) return t('Chosen: {name}', { name: chosen.name });
  if (pages.length === 1) return t('Chosen: {name}', { name: pages[0].file.name });
  if (pages.length > 1) return t('{count} pages: they will be saved as one PDF document.', { count: pages.length });
  return '';
}

function pageButton(action, name, labelText, disabled, flip = false) {
  const button = el('button', {
    className: 'btn btn-small btn-icon',
    attrs: { type: 'button', 'data-action': action, 'aria-label': labelText, title: labelText },
  }, [icon(name, flip ? 'icon icon-flip' : 'icon')]);
  button.disabled = disabled;
  return button;
}

function pageItem({ url }, index) {
  const number = index + 1;
  return el('li', { className: 'page-thumb', attrs: { 'data-page': String(number) } }, [
    el('img', { attrs: { src: url, alt: '' } }),
    el('span', { className: 'page-number', text: t('Page {number}', { number }) }),
    el('span', { className: 'page-actions' }, [
      pageButton('earlier', 'back', t('Move page {number} earlier', { number }), index === 0, true),
      pageButton('later', 'next', t('Move page {number} later', { number }), index === pages.length - 1, true),
      pageButton('remove', 'delete', t('Remove page {number}', { number }), false),
    ]),
  ]);
}

/** Draw the thumbnails and the summary; `news` is said first (a move or a removal). */
function showPages(news = '') {
  pageList.replaceChildren(...pages.map(pageItem));
  pageList.hidden = pages.length === 0;
  byId('add-chosen').textContent = [news, summary()].filter(Boolean).join(' ');
}

/** After a move or a removal, keep the keyboard on the same kind of button. */
function focusPageButton(index, action) {
  const item = pageList.children[Math.min(index, pages.length - 1)];
  if (!item) {
    byId('add-camera').focus();
    return;
  }
  const buttons = [...item.querySelectorAll('button')];
  (buttons.find((button) => button.dataset.action === action && !button.disabled) ||
    buttons.find((button) => !button.disabled)).focus();
}

pageList.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const index = Number(button.closest('li').dataset.page) - 1;
  const { action } = button.dataset;
  if (action === 'remove') {
    const [removed] = pages.splice(index, 1);
    URL.revokeObjectURL(removed.url);
    state.objectUrls.delete(removed.url);
    showPages(t('Page {number} removed.', { number: index + 1 }));
    focusPageButton(index, 'remove');
    return;
  }
  const target = action === 'earlier' ? index - 1 : index + 1;
  if (target < 0 || target >= pages.length) return;
  [pages[index], pages[target]] = [pages[target], pages[index]];
  showPages(t('Page {from} is now page {to}.', { from: index + 1, to: target + 1 }));
  focusPageButton(target, action);
});

/** Files chosen (or photos taken: then the title is not taken from their names). */
function addFiles(files, { named = true } = {}) {
  if (!files.length) return;
  setError('add-error', '');
  if (files.every(isPhoto)) {
    chosen = null;
    for (const file of files) {
      const url = URL.createObjectURL(file);
      state.objectUrls.add(url);
      pages.push({ file, url });
    }
  } else if (files.length === 1) {
    forgetPages();
    [chosen] = files;
  } else {
    setError('add-error', t('Only photos can be put together into one document. Choose one file, or several photos.'));
    return;
  }
  if (!title.value && named) title.value = files[0].name.replace(/\.[^.]+$/, '');
  showPages();
}

byId('add-file').addEventListener('change', (event) => {
  const files = [...event.target.files];
  event.target.value = ''; // the same photo can be chosen again
  addFiles(files);
});

function showProgress(phase, done, total) {
  const value = total ? Math.floor((100 * done) / total) : 100;
  bar.value = value;
  percent.textContent = `${value}%`;
  const labels = {
    pages: () => t('Putting the pages together…'),
    lock: () => t('Locking the file…'),
    send: () => t('Sending… {percent}%', { percent: value }),
  };
  label.textContent = labels[phase]();
  progress.dataset.phase = phase;
}

/** The one file to save: the file chosen, the one photo, or a PDF of the photos. */
async function documentFile(documentTitle) {
  if (chosen) return chosen;
  if (pages.length === 1) return pages[0].file;
  showProgress('pages', 0, pages.length);
  // Loaded when first needed, to keep the first visit light.
  const [{ photosToPdf }, { safeName }] = await Promise.all([
    import('../pdf-writer.js'),
    import('../download.js'),
  ]);
  const pdf = await photosToPdf(
    pages.map((page) => page.file),
    (done, total) => showProgress('pages', done, total),
  );
  return new File([pdf], `${safeName(documentTitle)}.pdf`, { type: 'application/pdf' });
}

async function save(metadata) {
  const file = await documentFile(metadata.title);
  metadata.file_name = file.name;
  metadata.media_type = mediaType(file);
  if (pages.length > 1) metadata.pages = pages.length;
  showProgress('lock', 0, file.size);
  await addDocument(file, metadata, Number(document.body.dataset.partBytes), {
    onProgress: showProgress,
    onRetry: () => {
      label.textContent = t('Connection lost. Trying again…');
    },
  });
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!chosen && !pages.length) {
    setError('add-error', t('Choose a file or take a photo first.'));
    return;
  }
  if (!title.value.trim()) {
    setError('add-error', t('Give the document a title.'));
    title.focus();
    return;
  }
  const date = dateField.read();
  if (date === null) {
    setError('add-error', t('This date does not exist. Check the day, the month and the year.'));
    dateField.focus();
    return;
  }
  setError('add-error', '');
  const metadata = { title: title.value.trim(), type: form.elements.category.value };
  const issuer = byId('add-issuer').value.trim();
  if (date) metadata.date = date;
  if (issuer) metadata.issuer = issuer;
  progress.hidden = false;
  try {
    await busy(byId('add-submit'), () => save(metadata));
    progress.dataset.phase = 'done';
    await go('documents');
    notify(t('Document saved: {title}', { title: metadata.title }));
  } catch (error) {
    progress.hidden = true;
    const unreadable = error.name === 'UnreadableImage'; // from pdf-writer.js
    setError('add-error', unreadable ? t('This photo cannot be read: {name}', { name: error.fileName }) : errorMessage(error));
  }
});

register('add', (argument) => {
  if (argument?.photos) {
    // Back from the camera screen (screens/camera.js): the form stays as it was.
    addFiles(argument.photos, { named: Boolean(argument.named) });
    return;
  }
  form.reset();
  dateField.clear();
  chosen = null;
  forgetPages();
  showPages();
  progress.hidden = true;
  delete progress.dataset.phase;
  bar.value = 0;
  setError('add-error', '');
});
