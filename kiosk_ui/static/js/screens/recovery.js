// The recovery sheet, shown once after a wallet is made: the wallet name, the
// recovery code as words and as a QR code, what to do with the sheet and where
// PDE is (this page's address), printable; "I kept it: continue" goes on.
// Words made on the create screen show here once more, to write down, and go on
// the sheet only if the person ticks it (off by default: the sheet would then
// open the wallet for whoever finds it, without the owner knowing).
import { t } from '/static/kit/strings.js';
import { go, register } from '../nav.js';
import { state } from '../state.js';
import { byId, notify } from '../ui.js';

const next = byId('sheet-continue');
const printWords = byId('sheet-print-words');

byId('print-sheet').addEventListener('click', () => window.print());
printWords.addEventListener('change', () => {
  byId('sheet-words-row').hidden = !printWords.checked;
});
next.addEventListener('click', () => {
  for (const id of ['sheet-code', 'sheet-words', 'sheet-words-shown']) byId(id).textContent = '';
  byId('sheet-qr').replaceChildren();
  go('documents');
});

register('recovery', async ({ code, words = '' }) => {
  byId('sheet-address').textContent = window.location.origin; // where this very page came from
  byId('sheet-handle').textContent = state.handle;
  byId('sheet-code').textContent = code;
  byId('sheet-words-panel').hidden = !words;
  byId('sheet-words-shown').textContent = words;
  byId('sheet-words').textContent = words;
  printWords.checked = false;
  byId('sheet-words-row').hidden = true;
  // The QR encoder loads only now: a first visit that makes no wallet does not pay for it.
  try {
    const { qrSvg } = await import('../qr.js');
    if (byId('sheet-code').textContent === code) {
      byId('sheet-qr').replaceChildren(qrSvg(code, t('QR code of the recovery code')));
    }
  } catch {
    notify(t('No connection. Please try again.')); // the code is on the sheet as text all the same
  }
});
