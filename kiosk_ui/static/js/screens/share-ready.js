// A share's link, to hand over: a large QR code the worker scans, the link as
// text with a copy button, the PIN in big digits to say aloud, and a printable
// share sheet (the PIN goes on paper only when the owner ticks it). Shown right
// after a share is made, and again from "My shares".
import { language, t } from '../i18n.js';
import { go, register } from '../nav.js';
import { qrSvg } from '../qr.js';
import { state } from '../state.js';
import { busy, byId, el, errorMessage, icon, notify } from '../ui.js';

const MOMENT = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' });
/** An API time (UTC; read as UTC without a zone too) in the page's language and local time. */
export const moment = (iso) => MOMENT.format(new Date(/[zZ]|[+-]\d\d:\d\d$/.test(iso) ? iso : `${iso}Z`));

const pinBox = byId('share-pin-box');
const printPin = byId('share-print-pin');
let link = '';
let copied = false;
/** The documents of the share on show, for "Meeting mode with these documents". */
let documentIds = [];

/** The title of a document of the wallet, or a word for one that is gone. */
export function documentTitle(id) {
  return state.documents.get(id)?.metadata.title || t('A document no longer in your wallet');
}

function forget() {
  // A copied link stays on a shared computer's clipboard: empty it when done.
  if (copied) navigator.clipboard?.writeText('').catch(() => {});
  copied = false;
  link = '';
  for (const id of ['share-link', 'share-pin-big', 'share-sheet-recipient', 'share-sheet-purpose']) {
    byId(id).textContent = '';
  }
  byId('share-qr').replaceChildren();
  byId('share-sheet-documents').replaceChildren();
}

byId('share-copy').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(link);
    copied = true;
    notify(t('The link is copied.'));
  } catch {
    // no clipboard here: select the link so that it can be copied by hand
    window.getSelection().selectAllChildren(byId('share-link'));
    notify(t('Copy the selected link.'));
  }
});
printPin.addEventListener('change', () => {
  pinBox.classList.toggle('print-hide', !printPin.checked);
});
byId('share-print').addEventListener('click', () => window.print());
byId('share-done').addEventListener('click', () => {
  forget();
  go('shares');
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
  if (started) forget(); // nor the link, nor the clipboard keep it
});

register('share-ready', (share) => {
  forget();
  link = share.link;
  byId('share-qr').replaceChildren(qrSvg(link, t('QR code of the share link')));
  byId('share-link').textContent = link;
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
