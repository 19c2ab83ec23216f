// Meeting mode (DESIGN journey 8, measure 28's "verrouillage/masquage
// préalable"): before an appointment the owner ticks the documents to show;
// then the page holds only those. The other documents' keys and titles, the
// master key and every other screen's contents are wiped, so nothing on the
// page (nor Tab, nor a screen reader) reaches them. Ending it takes the secret
// phrase again, checked here by unwrapping the wrapped master key with the
// key it derives: no server call, and the phrase itself is never kept. Five
// wrong tries log out. Loaded on first use only.
import * as pde from '/static/crypto/pde-crypto.js';
import { getAccount } from '../api.js';
import { documentButton, documentFace } from '../document-face.js';
import { t } from '/static/kit/strings.js';
import { go, register } from '../nav.js';
import { forgetScreens, leave } from '../session.js';
import { state } from '../state.js';
import { busy, byId, el, errorMessage, icon, setError } from '../ui.js';

const MAX_TRIES = 5;
const picker = byId('meeting-documents');
const dialog = byId('meeting-unlock');
const passphrase = byId('meeting-passphrase');
const viewBack = byId('screen-view').querySelector('[data-go]');
/** What the normal wallet shows and meeting mode hides: the view's actions, the top bar's name. */
const HIDDEN_IN_MEETING = [
  'view-edit', 'view-delete', 'view-download', 'view-move', 'view-share', 'who', 'compartment-bar',
];
/** Whether each of those was hidden before meeting mode, to put it back as it was. */
let hiddenBefore = new Map();

const endButton = el('button', { className: 'btn btn-small', attrs: { type: 'button', id: 'meeting-end' } }, [
  icon('key'),
  t('End meeting mode'),
]);
endButton.hidden = true;
byId('leave-now').before(endButton);

function choice(document) {
  const box = el('input', { attrs: { type: 'checkbox', name: 'meeting-document', value: document.id } });
  return el('li', { className: 'share-document' }, [
    el('label', { className: 'share-choice' }, [box, ...documentFace(document)]),
  ]);
}

/**
 * Enter meeting mode with the documents `documentIds` (those still in the
 * wallet). Fetches the wrapped master key first; then forgets everything else.
 */
export async function startMeeting(documentIds) {
  const chosen = documentIds.filter((id) => state.documents.has(id));
  if (chosen.length === 0) throw new Error('no document to show');
  const account = await getAccount();
  state.meeting = {
    documentIds: chosen,
    accountSalt: pde.b64uDecode(account.account_salt),
    wrappedMasterKey: pde.b64uDecode(account.wrapped_master_key),
    triesLeft: MAX_TRIES,
  };
  for (const [id, document] of state.documents) {
    if (chosen.includes(id)) continue;
    document.key.fill(0);
    state.documents.delete(id);
  }
  state.masterKey?.fill(0);
  state.masterKey = null;
  for (const url of state.objectUrls) URL.revokeObjectURL(url);
  state.objectUrls.clear();
  forgetScreens();
  picker.replaceChildren();
  byId('who-name').textContent = ''; // the wallet's name is half of what opens it
  hiddenBefore = new Map(HIDDEN_IN_MEETING.map((id) => [id, byId(id)?.hidden]));
  for (const id of HIDDEN_IN_MEETING) if (byId(id)) byId(id).hidden = true;
  viewBack.dataset.go = 'meeting'; // the view's "Back" leads to the chosen documents only
  endButton.hidden = false;
  await go('meeting');
}

/** Back to the whole wallet with the master key just unwrapped. */
async function endMeeting(masterKey) {
  state.masterKey = masterKey;
  state.meeting = null;
  for (const [id, hidden] of hiddenBefore) if (byId(id)) byId(id).hidden = hidden;
  byId('who-name').textContent = state.handle;
  viewBack.dataset.go = 'documents';
  endButton.hidden = true;
  byId('meeting-list').replaceChildren();
  await go('documents');
}

/** The master key if `typed` is the wallet's secret phrase, else null. */
async function openWith(typed) {
  const { accountSalt, wrappedMasterKey } = state.meeting;
  let keys = null;
  try {
    keys = await pde.deriveLoginKeys(typed, accountSalt);
    return await pde.unwrapMasterKey(keys.kek, wrappedMasterKey, state.accountId);
  } catch {
    return null; // the box does not open: another phrase
  } finally {
    keys?.authKey.fill(0);
    keys?.kek.fill(0);
  }
}

byId('meeting-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const ids = [...picker.querySelectorAll('input:checked')].map((box) => box.value);
  if (ids.length === 0) {
    setError('meeting-error', t('Tick at least one document.'));
    picker.querySelector('input')?.focus();
    return;
  }
  try {
    await busy(byId('meeting-start'), () => startMeeting(ids));
  } catch (error) {
    setError('meeting-error', errorMessage(error));
  }
});

endButton.addEventListener('click', () => {
  passphrase.value = '';
  setError('meeting-unlock-error', '');
  dialog.showModal();
  passphrase.focus();
});
byId('meeting-unlock-cancel').addEventListener('click', () => dialog.close());
dialog.addEventListener('close', () => {
  passphrase.value = '';
});

byId('meeting-unlock-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!state.meeting) return;
  const typed = passphrase.value;
  passphrase.value = '';
  const masterKey = typed ? await busy(byId('meeting-unlock-submit'), () => openWith(typed)) : null;
  if (masterKey) {
    dialog.close();
    await endMeeting(masterKey);
    return;
  }
  if (typed) state.meeting.triesLeft -= 1;
  if (state.meeting.triesLeft <= 0) {
    dialog.close();
    await leave(); // the wallet closes: nobody can guess for ever
    return;
  }
  setError(
    'meeting-unlock-error',
    t('This secret phrase is not right. Tries left: {count}', { count: state.meeting.triesLeft }),
  );
  passphrase.focus();
});

register('meeting-pick', () => {
  setError('meeting-error', '');
  picker.replaceChildren(...[...state.documents.values()].map(choice));
});

register('meeting', () => {
  if (!state.meeting) return go('documents');
  const shown = state.meeting.documentIds.map((id) => state.documents.get(id)).filter(Boolean);
  byId('meeting-list').replaceChildren(...shown.map((document) => el('li', {}, [documentButton(document)])));
});
