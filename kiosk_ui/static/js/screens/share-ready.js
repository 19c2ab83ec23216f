// A share's link, to hand over: a large QR code the worker scans, the link as
// text with a copy button, the PIN in big digits to say aloud, and a printable
// share sheet (the PIN goes on paper only when the owner ticks it). Shown right
// after a share is made, and again from "My shares".
import { t } from '/static/kit/strings.js';
import { LinkSheet } from '../link-sheet.js';
import { moment } from '/static/kit/dates.js';
import { go, register } from '../nav.js';
import { state } from '../state.js';
import { busy, byId, el, errorMessage, icon, notify } from '../ui.js';

const pinBox = byId('share-pin-box');
const printPin = byId('share-print-pin');
/** The documents of the share on show, for "Meeting mode with these documents". */
let documentIds = [];

/** The title of a document of the wallet, or a word for one that is gone. */
export function documentTitle(id) {
  return state.documents.get(id)?.metadata.title || t('A document no longer in your wallet');
}

const sheet = new LinkSheet('share', {
  screen: 'share-ready',
  clear: ['share-pin-big', 'share-sheet-recipient', 'share-sheet-purpose', 'share-sheet-documents'],
  onDone: () => go('shares'),
});

printPin.addEventListener('change', () => {
  pinBox.classList.toggle('print-hide', !printPin.checked);
});

/** Start meeting mode (screens/meeting.js, loaded on first use) with `ids`; true once started. */
export async function meetWith(button, ids) {
  try {
    const { startMeeting } = await import('./meeting.js');
    await busy(button, () => startMeeting(ids));
    return true;
  } catch (error) {
    notify(errorMessage(error));
    return false;
  }
}

byId('share-meeting').addEventListener('click', async (event) => {
  const ids = documentIds;
  const started = await meetWith(event.currentTarget, ids);
  if (started) sheet.forget(); // nor the link, nor the clipboard keep it
});

register('share-ready', (share) => {
  sheet.show(share.link, t('QR code of the share link'));
  byId('share-sheet-recipient').textContent = share.recipient || '—';
  byId('share-sheet-purpose').textContent = share.purpose || '—';
  byId('share-sheet-expiry').textContent = moment(share.expiresAt);
  byId('share-sheet-documents').replaceChildren(
    ...share.documentIds.map((id) => el('li', {}, [icon('file'), el('span', { text: documentTitle(id) })])),
  );
  byId('share-pin-big').textContent = share.pin || '';
  documentIds = share.documentIds.filter((id) => state.documents.has(id));
  byId('share-meeting').hidden = documentIds.length === 0;
  pinBox.hidden = !share.pin;
  byId('share-print-pin-box').hidden = !share.pin;
  printPin.checked = false;
  pinBox.classList.add('print-hide');
});
