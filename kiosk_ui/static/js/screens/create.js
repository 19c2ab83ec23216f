// Create a wallet: a pseudonym and a secret phrase, both filled in as the
// screen opens (a suggested name, generated words on show) and both free to
// change, a strength meter, then the recovery sheet. A phrase typed out of
// sight is typed twice; words on show are not. Made words come with "write
// these down", and show once more beside the recovery sheet, never after.
import * as api from '../api.js';
import { t } from '/static/kit/strings.js';
import { go, register } from '../nav.js';
import {
  STRENGTH_LABELS, generateWords, passphraseRefusal, refusalMessage, strength,
} from '../passphrase.js';
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
  byId('create-again-field').hidden = visible;
}

/** The name being suggested, while it is on its way (a "Create" pressed meanwhile waits for it). */
let suggesting = null;

function suggestHandle() {
  suggesting ??= (async () => {
    try {
      handleInput.value = await busy(byId('suggest-handle'), api.suggestHandle);
      setError('create-error', '');
    } catch (error) {
      setError('create-error', errorMessage(error));
    } finally {
      suggesting = null;
    }
  })();
  return suggesting;
}

/** The words made here, while the phrase is still them: shown once more on the recovery sheet's screen. */
let madeWords = '';

function showWriteDown() {
  byId('create-write-down').hidden = !madeWords || passphrase.value !== madeWords;
}

function makeWords() {
  madeWords = generateWords();
  passphrase.value = madeWords;
  again.value = madeWords;
  setVisible(true); // generated words are meant to be read and written down
  updateStrength();
  showWriteDown();
}

byId('suggest-handle').addEventListener('click', suggestHandle);
byId('generate-words').addEventListener('click', makeWords);

passphrase.addEventListener('input', () => {
  if (show.checked) again.value = passphrase.value; // typed in sight: once is enough
  updateStrength();
  showWriteDown();
});
show.addEventListener('change', () => setVisible(show.checked));

function problem() {
  const handle = handleInput.value.normalize('NFKC').trim();
  if (!HANDLE.test(handle)) return [handleInput, t('A name has 3 to 32 letters or digits, without spaces.')];
  const refusal = passphraseRefusal(passphrase.value);
  if (refusal) return [passphrase, refusalMessage(refusal, t('Make words for me'))];
  if (!show.checked && passphrase.value !== again.value) {
    return [again, t('The two secret phrases are not the same.')];
  }
  return null;
}

byId('create-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  await suggesting; // pressed before the suggested name came: not refused for want of it
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
    const words = passphrase.value === madeWords ? madeWords : ''; // a phrase of one's own is not shown again
    event.target.reset();
    madeWords = '';
    setVisible(false);
    updateStrength();
    showWriteDown();
    startSession();
    await go('recovery', { code, words });
  } catch (error) {
    setError('create-error', errorMessage(error));
  }
});

register('create', async () => {
  setError('create-error', '');
  if (!passphrase.value) makeWords();
  if (!handleInput.value) await suggestHandle();
});
