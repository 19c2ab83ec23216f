// Share documents: tick them (the one the person came from is ticked
// already, and the only one of a wallet that holds one), choose for each which
// details travel with it, for whom and why (if they want),
// the name the worker sees (the wallet's, unless changed or emptied), how long
// and how often it opens, and an optional PIN. The link is made in
// this page (sharing.js); the next screen shows it.
import { ApiError } from '../api.js';
import { categoryIcon, categoryLabel, categoryOf } from '/static/kit/categories.js';
import { formatDate } from '/static/kit/dates.js';
import { details } from '../format.js';
import { t } from '/static/kit/strings.js';
import { go, register } from '../nav.js';
import { PIN_PATTERN, SHAREABLE_FIELDS, makePin, makeShare, normalizePin } from '../sharing.js';
import { state } from '../state.js';
import { busy, byId, el, errorMessage, icon, setError } from '../ui.js';

const form = byId('share-form');
const list = byId('share-documents');
const DAY = 86400;
const MAX_DAYS = 30;
const MAX_OPENS = 1000;
/** Details that travel unless the owner unticks them. */
const DEFAULT_FIELDS = new Set(['title', 'type']);

const FIELD_LABELS = {
  title: () => t('Title'),
  type: () => t('Type of document'),
  date: () => t('Date'),
  issuer: () => t('Who gave it'),
  file_name: () => t('File name'),
};

function fieldValue(metadata, name) {
  if (name === 'type') return categoryLabel(categoryOf(metadata));
  if (name === 'date') return formatDate(metadata.date);
  return metadata[name] || '';
}

function fieldChoices(document) {
  const group = el('fieldset', { className: 'share-fields' }, [
    el('legend', { text: t('What the person sees about it') }),
  ]);
  for (const name of SHAREABLE_FIELDS) {
    const value = fieldValue(document.metadata, name);
    if (!value) continue;
    const box = el('input', { attrs: { type: 'checkbox', 'data-field': name } });
    box.checked = DEFAULT_FIELDS.has(name);
    group.append(
      el('label', { className: 'check' }, [
        box,
        el('span', { text: FIELD_LABELS[name]() }),
        el('span', { className: 'share-field-value', text: value }),
      ]),
    );
  }
  return group;
}

function documentChoice(document, ticked) {
  const box = el('input', { attrs: { type: 'checkbox', name: 'share-document', value: document.id } });
  box.checked = ticked;
  const fields = fieldChoices(document);
  fields.hidden = !ticked;
  box.addEventListener('change', () => {
    fields.hidden = !box.checked;
  });
  const choice = el('label', { className: 'share-choice' }, [
    box,
    icon(categoryIcon(categoryOf(document.metadata)), 'icon icon-big'),
    el('span', { className: 'document-text' }, [
      el('span', { className: 'document-title', text: document.metadata.title || '—' }),
      el('span', { className: 'document-details', text: details(document.metadata) }),
    ]),
  ]);
  return el('li', { className: 'share-document' }, [choice, fields]);
}

/** A whole number typed in `input` within [min, max], or null. */
function wholeNumber(input, min, max) {
  const n = Number(input.value);
  return Number.isInteger(n) && n >= min && n <= max && input.value !== '' ? n : null;
}

/** What the form asks for, or [field to fix, message]. */
function readForm() {
  const documents = [...list.querySelectorAll('input[name=share-document]:checked')].map((box) => ({
    id: box.value,
    fields: [...box.closest('li').querySelectorAll('input[data-field]:checked')].map((f) => f.dataset.field),
  }));
  if (documents.length === 0) return [list.querySelector('input'), t('Tick at least one document.')];
  const recipient = byId('share-recipient').value.trim(); // may stay empty
  let expiresIn = Number(form.elements['share-expiry'].value);
  if (form.elements['share-expiry'].value === 'days') {
    const days = wholeNumber(byId('share-days'), 1, MAX_DAYS);
    if (days === null) return [byId('share-days'), t('Choose between 1 and 30 days.')];
    expiresIn = days * DAY;
  }
  let maxOpens = null;
  if (form.elements['share-limit'].value === 'count') {
    maxOpens = wholeNumber(byId('share-opens'), 1, MAX_OPENS);
    if (maxOpens === null) return [byId('share-opens'), t('Choose between 1 and 1000 times.')];
  }
  const pin = normalizePin(byId('share-pin').value);
  if (pin && !PIN_PATTERN.test(pin)) return [byId('share-pin'), t('A PIN is 4 to 8 digits.')];
  const purpose = byId('share-purpose').value.trim();
  const sender = byId('share-sender').value.trim();
  return { documents, recipient, purpose, sender, expiresIn, maxOpens, pin };
}

function shareError(error) {
  const code = error instanceof ApiError ? error.code : '';
  if (code === 'share_limit') return t('You have too many shares. Delete the ended ones first.');
  if (code === 'not_found') return t('A document is no longer in your wallet. Go back and try again.');
  return errorMessage(error);
}

// Typing a number chooses the option it belongs to.
byId('share-days').addEventListener('input', () => {
  form.elements['share-expiry'].value = 'days';
});
byId('share-opens').addEventListener('input', () => {
  form.elements['share-limit'].value = 'count';
});
byId('share-make-pin').addEventListener('click', () => {
  byId('share-pin').value = makePin();
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const asked = readForm();
  if (Array.isArray(asked)) {
    setError('share-error', asked[1]);
    asked[0]?.focus();
    return;
  }
  setError('share-error', '');
  try {
    const share = await busy(byId('share-submit'), () => makeShare(asked));
    form.reset();
    list.replaceChildren();
    await go('share-ready', share);
  } catch (error) {
    setError('share-error', shareError(error));
  }
});

register('share', (fromDocumentId) => {
  form.reset();
  byId('share-sender').value = state.handle || '';
  setError('share-error', '');
  const documents = [...state.documents.values()];
  const ticked = documents.length === 1 ? documents[0].id : fromDocumentId;
  list.replaceChildren(...documents.map((d) => documentChoice(d, d.id === ticked)));
});
