// The recovery sheet, shown once after a wallet is made: the wallet name, the
// recovery code as words and as a QR code, printable; "I kept it: continue" goes on.
import { t } from '/static/kit/strings.js';
import { go, register } from '../nav.js';
import { qrSvg } from '../qr.js';
import { state } from '../state.js';
import { byId } from '../ui.js';

const next = byId('sheet-continue');

byId('print-sheet').addEventListener('click', () => window.print());
next.addEventListener('click', () => {
  byId('sheet-code').textContent = '';
  byId('sheet-qr').replaceChildren();
  go('documents');
});

register('recovery', ({ code }) => {
  byId('sheet-handle').textContent = state.handle;
  byId('sheet-code').textContent = code;
  byId('sheet-qr').replaceChildren(qrSvg(code, t('QR code of the recovery code')));
});
