// "I forgot my secret phrase": open the wallet with the recovery sheet's code,
// then choose a new secret phrase before anything else.
import { InvalidCode } from '/static/crypto/pde-crypto.js';
import { ApiError } from '../api.js';
import { t } from '/static/kit/strings.js';
import { go, register } from '../nav.js';
import { startSession } from '../session.js';
import { state } from '../state.js';
import { busy, byId, errorMessage, notify, setError } from '../ui.js';
import { newPassphraseProblem } from '../passphrase.js';
import { changePassphrase, logInWithRecovery } from '../wallet.js';

function recoveryMessage(error) {
  if (error instanceof InvalidCode) return t('This recovery code is not right. Check each letter.');
  if (error instanceof ApiError && error.code === 'invalid_credentials') {
    return t('This name or recovery code is not right.');
  }
  return errorMessage(error);
}

byId('recover-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const handle = byId('recover-handle').value.normalize('NFKC').trim();
  const code = byId('recover-code').value.trim();
  if (!handle || !code) {
    setError('recover-error', t('Type your wallet name and your recovery code.'));
    return;
  }
  setError('recover-error', '');
  try {
    await busy(byId('recover-submit'), () => logInWithRecovery(handle, code));
    event.target.reset();
    startSession();
    await go('new-passphrase');
  } catch (error) {
    setError('recover-error', recoveryMessage(error));
    byId('recover-code').focus();
  }
});

register('recover', () => setError('recover-error', ''));

// No recovery sheet: the trustees' screens (screens/recovery-request.js) load on first use.
for (const [id, screen] of [['recover-ask-trustees', 'recovery-request-ask'], ['recover-have-request', 'recovery-request-open']]) {
  byId(id).addEventListener('click', async () => {
    try {
      await import('./recovery-request.js');
      await go(screen);
    } catch (error) {
      setError('recover-error', errorMessage(error));
    }
  });
}

const next = byId('new-passphrase-input');
const again = byId('new-passphrase-again');

byId('new-passphrase-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const wrong = newPassphraseProblem(next, again);
  if (wrong) {
    setError('new-passphrase-error', wrong[1]);
    wrong[0].focus();
    return;
  }
  setError('new-passphrase-error', '');
  try {
    await busy(byId('new-passphrase-submit'), () => changePassphrase(null, next.value));
    event.target.reset();
    await go('documents');
    notify(t('Your secret phrase is changed.'));
  } catch (error) {
    setError('new-passphrase-error', errorMessage(error));
  }
});

// Nothing else opens until the new secret phrase is chosen.
register('new-passphrase', () => {
  setError('new-passphrase-error', '');
  if (!state.mustChangePassphrase) go('documents');
});
