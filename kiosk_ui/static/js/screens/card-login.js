// "I have a wallet card": read the card (a photo of its QR code, decoded in
// this page, or the code typed), then the PIN. A mistyped code is refused here,
// before any request; a wrong PIN or card gets the same answer as a wrong
// secret phrase, so nobody learns which of the two was wrong.
import { t } from '/static/kit/strings.js';
import { register } from '../nav.js';
import { startSession } from '../session.js';
import { state } from '../state.js';
import { busy, byId, errorMessage, setError } from '../ui.js';
import { logIn } from '../wallet.js';
import { cardPin, parseCardPayload, readCardCode } from './card.js';
import { goAfterLogin } from './recovery-request-check.js';

const photo = byId('card-photo');
const status = byId('card-scan-status');
const handleInput = byId('card-login-handle');
const codeInput = byId('card-login-code');
const pinInput = byId('card-login-pin');

photo.addEventListener('change', async () => {
  const [file] = photo.files;
  photo.value = ''; // the same photo can be chosen again
  if (!file) return;
  setError('card-login-error', '');
  status.textContent = t('Reading the card…');
  let card = null;
  try {
    // The decoder loads only now, to keep the first visit light.
    const { readQrCode } = await import('../qr-scan.js');
    card = parseCardPayload(await readQrCode(file));
  } catch {
    card = null; // not an image this browser can read: same answer as no card in it
  }
  if (!card) {
    status.textContent = '';
    setError('card-login-error', t('No wallet card was found in this photo. Try again closer and with more light, or type the code.'));
    return;
  }
  handleInput.value = card.handle;
  codeInput.value = card.code;
  status.textContent = t('The card is read. Now type your PIN.');
  pinInput.focus();
});

byId('card-login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const handle = handleInput.value.normalize('NFKC').trim();
  if (!handle || !codeInput.value.trim() || !pinInput.value.trim()) {
    setError('card-login-error', t('Scan your card or type its code, then type your PIN.'));
    return;
  }
  setError('card-login-error', '');
  const card = await readCardCode(codeInput, 'card-login-error');
  if (!card) return;
  try {
    await busy(byId('card-login-submit'), () => logIn(handle, cardPin(pinInput.value), card));
    event.target.reset();
    status.textContent = '';
    startSession();
    await goAfterLogin(state.mustChangePassphrase ? 'new-passphrase' : 'documents');
  } catch (error) {
    pinInput.value = '';
    setError('card-login-error', errorMessage(error));
    pinInput.focus();
  } finally {
    card.fill(0);
  }
});

register('card-login', () => {
  setError('card-login-error', '');
  status.textContent = '';
});
