// "Other documents" (DESIGN journey 8, FORMAT.md §4.1): a hidden place opened
// by a second secret. Every secret opens a place, empty unless used, so under
// pressure a person can type another secret and show an empty place. Opening
// derives the place's token and key in this page and puts them in the state:
// from then on api.js sends the token with every call and state.viewKey()
// wraps document keys with the place's key. Loaded on first use only.
import * as pde from '/static/crypto/pde-crypto.js';
import { moveDocument } from '../api.js';
import { t } from '/static/kit/strings.js';
import { go, register } from '../nav.js';
import { MIN_PASSPHRASE_LENGTH } from '../passphrase.js';
import { forgetCompartment, state } from '../state.js';
import { busy, byId, el, errorMessage, icon, notify, setError } from '../ui.js';
import { resetDocumentsView } from './documents.js';

// The screen and the sign are made here, not in the page: the first visit stays light.
const button = (id, iconName, label, className = 'btn') =>
  el('button', { className, attrs: { type: 'button', id } }, [icon(iconName, 'icon icon-flip'), label]);
const heading = el('span', { attrs: { id: 'compartment-heading' } });
const submitLabel = el('span');
const secret = el('input', {
  attrs: {
    id: 'compartment-secret', type: 'password', autocomplete: 'one-time-code', spellcheck: 'false',
    dir: 'auto', required: '', 'aria-describedby': 'compartment-hint',
  },
});
const form = el('form', { className: 'form panel', attrs: { id: 'compartment-form', novalidate: '' } }, [
  el('label', { text: t('Second secret'), attrs: { for: 'compartment-secret' } }),
  el('p', { className: 'hint', text: t('Not your secret phrase. At least 12 letters.'), attrs: { id: 'compartment-hint' } }),
  secret,
  el('p', { className: 'error', attrs: { id: 'compartment-error', role: 'alert', hidden: '' } }),
  el('div', { className: 'actions' }, [
    button('compartment-cancel', 'back', t('Back')),
    el('button', { className: 'btn btn-primary', attrs: { type: 'submit', id: 'compartment-submit' } }, [
      icon('key'),
      submitLabel,
    ]),
  ]),
]);
const bar = el('div', { className: 'compartment-bar', attrs: { id: 'compartment-bar', hidden: '' } }, [
  el('span', { className: 'compartment-sign' }, [icon('lock'), t('Other documents')]),
  button('compartment-close', 'back', t('Back to my documents'), 'btn btn-small'),
]);
const screen = el('section', {
  className: 'screen',
  attrs: { id: 'screen-compartment', 'data-screen': 'compartment', 'aria-labelledby': 'compartment-heading', hidden: '' },
}, [
  el('h1', {}, [icon('lock', 'icon icon-big'), heading]),
  el('p', {
    className: 'lead',
    text: t('A second secret opens another place for documents. Any secret opens a place: one never used is empty. If someone forces you, you can type another secret and show an empty place.'),
  }),
  form,
]);
byId('main').prepend(bar);
byId('main').append(screen);

/** What the secret is asked for: {move: document id} moves it there, else the place opens. */
let asked = {};

// What a hidden place leaves in the page once closed: emptied, like "Leave now" does.
const TRACES = [
  'preview', 'view-title', 'view-details', 'document-list', 'share-list', 'share-documents',
  'share-sheet-documents', 'share-qr', 'share-link', 'share-sheet-recipient',
  'share-sheet-purpose', 'share-pin-big',
];

/** The token (base64url) and key of the place `text` opens. */
async function placeOf(text) {
  const { token, key } = await pde.deriveCompartmentKeys(text, state.accountId);
  const encoded = pde.b64uEncode(token);
  token.fill(0);
  return { token: encoded, key };
}

/** Re-wrap a document's key for `target` ({token, key}, or null: the normal view) and move it there. */
async function moveTo(id, target) {
  const document = state.documents.get(id);
  const key = target ? target.key : state.masterKey;
  await moveDocument(id, {
    wrapped_key: pde.b64uEncode(await pde.wrapDocumentKey(key, document.key, state.accountId, id)),
    metadata: pde.b64uEncode(
      await pde.encryptMetadata(document.key, document.metadata, state.accountId, id),
    ),
    to_compartment: target ? target.token : null,
  });
  document.key.fill(0);
  state.documents.delete(id);
  return document.metadata.title || '—';
}

/** Empty what the screens still hold of the documents seen (previews, titles, lists, search). */
function clearTraces() {
  for (const id of TRACES) byId(id)?.replaceChildren();
  for (const each of document.querySelectorAll('form')) each.reset();
  for (const url of state.objectUrls) URL.revokeObjectURL(url);
  state.objectUrls.clear();
  resetDocumentsView();
}

/** Close the open place: its keys are overwritten and nothing of it stays on the page. */
export async function closeCompartment() {
  forgetCompartment();
  clearTraces();
  bar.hidden = true;
  await go('documents');
}

/** "Move to the other place" on a document: out of a place straight back to the
 * normal view; from the normal view, after asking which place. */
export async function moveFromView(id) {
  if (!state.compartment) {
    await go('compartment', { move: id });
    return;
  }
  const title = await moveTo(id, null);
  await go('documents');
  notify(t('Moved to the other place: {title}', { title }));
}

async function submit(text) {
  const target = await placeOf(text);
  if (asked.move) {
    try {
      const title = await moveTo(asked.move, target);
      clearTraces();
      await go('documents');
      notify(t('Moved to the other place: {title}', { title }));
    } finally {
      target.key.fill(0);
    }
    return;
  }
  forgetCompartment();
  clearTraces();
  state.compartment = target;
  bar.hidden = false;
  await go('documents');
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if ([...secret.value].length < MIN_PASSPHRASE_LENGTH) {
    setError('compartment-error', t('The second secret is too short: at least 12 letters.'));
    secret.focus();
    return;
  }
  setError('compartment-error', '');
  const text = secret.value;
  secret.value = '';
  try {
    await busy(byId('compartment-submit'), () => submit(text));
  } catch (error) {
    setError('compartment-error', errorMessage(error));
  }
});

byId('compartment-cancel').addEventListener('click', () =>
  asked.move ? go('view', asked.move) : go('account'),
);
byId('compartment-close').addEventListener('click', () => closeCompartment());

register('compartment', (argument = {}) => {
  asked = argument;
  const label = argument.move ? t('Move to the other place') : t('Other documents');
  heading.textContent = label;
  submitLabel.textContent = argument.move ? label : t('Open');
  form.reset();
  setError('compartment-error', '');
});
