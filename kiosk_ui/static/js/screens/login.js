// Open a wallet with its name and secret phrase.
import { go, register } from '../nav.js';
import { startSession } from '../session.js';
import { state } from '../state.js';
import { busy, byId, errorMessage, setError } from '../ui.js';
import { logIn } from '../wallet.js';
import { goAfterLogin } from './recovery-request-check.js';
import { t } from '/static/kit/strings.js';

byId('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const handle = byId('login-handle').value.normalize('NFKC').trim();
  const passphrase = byId('login-passphrase').value;
  if (!handle || !passphrase) {
    setError('login-error', t('Type your wallet name and your secret phrase.'));
    return;
  }
  setError('login-error', '');
  try {
    await busy(byId('login-submit'), () => logIn(handle, passphrase));
    event.target.reset();
    startSession();
    // A recovery login left unfinished: the new secret phrase comes first.
    await goAfterLogin(state.mustChangePassphrase ? 'new-passphrase' : 'documents');
  } catch (error) {
    byId('login-passphrase').value = '';
    setError('login-error', errorMessage(error));
    byId('login-passphrase').focus();
  }
});

// "I have a wallet card" (screens/card-login.js) loads on first use, to keep the first visit light.
byId('login-with-card').addEventListener('click', async () => {
  try {
    await import('./card-login.js');
    await go('card-login');
  } catch (error) {
    setError('login-error', errorMessage(error));
  }
});

register('login', () => setError('login-error', ''));
