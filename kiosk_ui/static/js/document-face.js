// A document as the lists show it (the wallet's list, meeting mode): its
// pictogram, title and details, and a button that opens it. A module of its
// own so that those screens do not import each other.
import { categoryIcon, categoryOf } from '/static/kit/categories.js';
import { details } from './format.js';
import { go } from './nav.js';
import { el, icon } from './ui.js';
import { t } from '/static/kit/strings.js';

/** A document's pictogram, title and details, as the lists show them; an issued
 * document says it is signed (its screen checks the signature: crypto/FORMAT.md §7.3). */
export function documentFace(document) {
  const text = [
    el('span', { className: 'document-title', text: document.metadata.title || '—' }),
    el('span', { className: 'document-details', text: details(document.metadata) }),
  ];
  if (typeof document.metadata.issued === 'string') {
    text.push(el('span', { className: 'issued-mark', text: t('Signed by an organisation: open it to check') }));
  }
  return [icon(categoryIcon(categoryOf(document.metadata)), 'icon icon-big'), el('span', { className: 'document-text' }, text)];
}

/** A button that opens the document's view. */
export function documentButton(document) {
  const open = el('button', { className: 'document', attrs: { type: 'button' } }, documentFace(document));
  open.addEventListener('click', () => go('view', document.id));
  return open;
}
