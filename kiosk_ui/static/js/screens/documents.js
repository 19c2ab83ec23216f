// The list of documents, first on the screen: three actions above it, the
// rarely used ones under "More". With many documents, a search over the
// decrypted titles, dates and issuers and filters by category (only the
// categories that hold documents, with counts), all in this page.
import { categoryOf } from '/static/kit/categories.js';
import { documentButton } from '../document-face.js';
import { details } from '../format.js';
import { t } from '/static/kit/strings.js';
import { go, register } from '../nav.js';
import { state } from '../state.js';
import { byId, el, errorMessage, icon, notify } from '../ui.js';
import { loadDocuments } from '../wallet.js';

const list = byId('document-list');
const search = byId('search');
const moreToggle = byId('documents-more-toggle');
const more = byId('documents-more');
/** Above this many documents, the search and the category filters show. */
export const MANY_DOCUMENTS = 8;
let filter = '';

function showMore(open) {
  more.hidden = !open;
  moreToggle.setAttribute('aria-expanded', String(open));
}
moreToggle.addEventListener('click', () => {
  const open = more.hidden;
  showMore(open);
  if (open) more.querySelector('button').focus();
});

// The share screens load on first use, after login: not on the first visit (weight budget).
const loadShareScreens = () =>
  Promise.all([import('./share.js'), import('./share-ready.js'), import('./shares.js')]);

/** Go to a share screen (`argument`: a document to tick, for "share"), loading them first. */
export async function goToShares(screen, argument) {
  try {
    await loadShareScreens();
  } catch (error) {
    notify(errorMessage(error));
    return;
  }
  await go(screen, argument);
}

byId('documents-share').addEventListener('click', () => goToShares('share'));
byId('documents-shares').addEventListener('click', () => goToShares('shares'));
// Meeting mode (screens/meeting.js) loads on first use too.
byId('documents-meeting').addEventListener('click', async () => {
  try {
    await import('./meeting.js');
  } catch (error) {
    notify(errorMessage(error));
    return;
  }
  await go('meeting-pick');
});
// The inbox and deposit links load on first use too; the inbox entry shows only when files wait.
const loadDepositScreens = () => Promise.all([import('./inbox.js'), import('./deposit-links.js')]);
for (const [id, screen] of [['documents-inbox', 'inbox'], ['documents-deposits', 'deposit-links']]) {
  byId(id).addEventListener('click', () =>
    loadDepositScreens().then(() => go(screen), (error) => notify(errorMessage(error))),
  );
}

function matches(document, words) {
  const { metadata } = document;
  const haystack = [metadata.title, metadata.issuer, metadata.date, metadata.file_name, details(metadata)]
    .filter(Boolean)
    .join(' ')
    .toLocaleLowerCase();
  return words.every((word) => haystack.includes(word));
}

function item(document) {
  const open = documentButton(document);
  const share = el('button', {
    className: 'btn share-one',
    attrs: { type: 'button', 'aria-label': t('Share {title}', { title: document.metadata.title || '—' }) },
  }, [icon('share'), el('span', { className: 'share-one-label', text: t('Share') })]);
  share.addEventListener('click', () => goToShares('share', document.id));
  return el('li', { className: 'document-row' }, [open, share]);
}

/** Search and filters only for many documents; a chip only for a category that holds some. */
function showTools(documents, counts) {
  const many = documents.length > MANY_DOCUMENTS;
  byId('documents-tools').hidden = !many;
  if (!many || !counts.get(filter)) {
    filter = '';
    if (!many) search.value = '';
  }
  for (const count of document.querySelectorAll('#filters [data-count]')) {
    const n = counts.get(count.dataset.count) || 0;
    count.textContent = String(n);
    count.closest('.chip').hidden = n === 0;
  }
  // One category only: nothing to choose between.
  byId('filters').hidden = counts.size <= 2;
}

/** The other place (screens/compartment.js) looks different: its colours, a lock, its name,
 * and, empty, says that it is new, so that a mistyped secret does not look like lost papers. */
function showPlace() {
  const inPlace = Boolean(state.compartment);
  document.body.classList.toggle('in-compartment', inPlace);
  byId('documents-heading').textContent = inPlace ? t('Other documents') : t('My documents');
  byId('documents-icon').src = `/static/icons/${inPlace ? 'lock' : 'wallet'}.svg`;
  const empty = byId('documents-empty');
  empty.classList.toggle('place-empty', inPlace);
  empty.textContent = inPlace
    ? t('This is a new, empty place. If you expected documents here, check the second secret: each secret opens its own place.')
    : t('No documents here yet.');
}

function render() {
  showPlace();
  const documents = [...state.documents.values()];
  const counts = new Map([['', documents.length]]);
  for (const document of documents) {
    const slug = categoryOf(document.metadata);
    counts.set(slug, (counts.get(slug) || 0) + 1);
  }
  showTools(documents, counts);
  for (const chip of document.querySelectorAll('#filters .chip')) {
    chip.setAttribute('aria-pressed', String(chip.dataset.filter === filter));
  }
  const words = search.value.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  const shown = documents.filter(
    (d) => (!filter || categoryOf(d.metadata) === filter) && matches(d, words),
  );
  list.replaceChildren(...shown.map(item));
  byId('documents-empty').hidden = shown.length > 0;
}

search.addEventListener('input', render);
for (const chip of document.querySelectorAll('#filters .chip')) {
  chip.addEventListener('click', () => {
    filter = chip.dataset.filter;
    render();
  });
}

register('documents', async () => {
  if (state.meeting) return go('meeting'); // never the whole list during meeting mode
  showMore(false);
  byId('documents-loading').hidden = false;
  byId('documents-empty').hidden = true;
  list.replaceChildren();
  loadShareScreens().catch(() => {}); // ready before the person asks; retried on click
  loadDepositScreens().then(([inbox]) => inbox.refreshInboxEntry()).catch(() => {});
  try {
    await loadDocuments();
  } catch (error) {
    notify(errorMessage(error));
  } finally {
    byId('documents-loading').hidden = true;
  }
  render();
});

/** Forget the search and filter (on leaving). */
export function resetDocumentsView() {
  filter = '';
  search.value = '';
  showMore(false);
}
