// Create a wallet: a pseudonym (typed or suggested), a secret phrase with a
// strength meter (typed or generated words), then the recovery sheet.
import * as api from '../api.js';
import { t } from '/static/kit/strings.js';
import { go, register } from '../nav.js';
import { MIN_PASSPHRASE_LENGTH, STRENGTH_LABELS, generateWords, strength } from '../passphrase.js';
import { startSession } from '../session.js';
import { busy, byId, errorMessage, setError } from '../ui.js';
import { createWallet } from '../wallet.js';

const HANDLE = /^[\p{L}\p{N}._-]{3,32}$/u;
const handleInput = byId('create-handle');
const passphrase = byId('create-passphrase');
const again = byId('create-passphrase-again');
const show = byId('create-show');

function updateStrength() {
  const level = strength(passphrase.value);
  byId('create-strength').value = level;
  byId('create-strength-label').textContent = level ? t(STRENGTH_LABELS[level]) : '';
}

function setVisible(visible) {
  show.checked = visible;
  for (const input of [passphrase, again]) input.type = visible ? 'text' : 'password';
}

byId('suggest-handle').addEventListener('click', async (event) => {
  try {
    handleInput.value = await busy(event.currentTarget, api.suggestHandle);
    setError('create-error', '');
  } catch (error) {
    setError('create-error', errorMessage(error));
  }
});

byId('generate-words').addEventListener('click', () => {
  const words = generateWords();
  passphrase.value = words;
  again.value = words;
  setVisible(true); // generated words are meant to be read and written down
  updateStrength();
});

passphrase.addEventListener('input', updateStrength);
show.addEventListener('change', () => setVisible(show.checked));

function problem() {
  const handle = handleInput.value.normalize('NFKC').trim();
  if (!HANDLE.test(handle)) return [handleInput, t('A name has 3 to 32 letters or digits, without spaces.')];
  if ([...passphrase.value].length < MIN_PASSPHRASE_LENGTH) {
    return [passphrase, t('The secret phrase is too short: at least 12 letters.')];
  }
  if (passphrase.value !== again.value) return [again, t('The two secret phrases are not the same.')];
  return null;
}

byId('create-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const wrong = problem();
  if (wrong) {
    setError('create-error', wrong[1]);
    wrong[0].focus();
    return;
  }
  setError('create-error', '');
  try {
    const handle = handleInput.value.normalize('NFKC').trim();
    const code = await busy(byId('create-submit'), () => createWallet(handle, passphrase.value));
    event.target.reset();
    setVisible(false);
    updateStrength();
    startSession();
    await go('recovery', { code });
  } catch (error) {
    setError('create-error', errorMessage(error));
  }
});

register('create', () => {
  setError('create-error', '');
});
