// The wallet card (crypto/FORMAT.md §3), an optional second secret. In "My
// account": make one (the current secret phrase, then a PIN: this page makes a
// 16-byte card secret and re-wraps the master key under PIN + card, with a new
// salt) and show it, printable; or stop using it (card + PIN, then a new secret
// phrase). The card's QR code holds `pde-card:1:<handle>:<code>`, so one scan
// at the login fills both fields. The card secret never leaves this page.
import * as pde from '/static/crypto/pde-crypto.js';
import { ApiError } from '../api.js';
import { t } from '/static/kit/strings.js';
import { go, register } from '../nav.js';
import { STRENGTH_LABELS, newPassphraseProblem, strength } from '../passphrase.js';
import { qrSvg } from '../qr.js';
import { state } from '../state.js';
import { busy, byId, errorMessage, notify, setError } from '../ui.js';
import { changePassphrase } from '../wallet.js';

const CARD_PREFIX = 'pde-card:1:';
const PIN_DIGITS = /^[0-9]{4,8}$/;

/** The typed PIN as the passphrase P: Eastern Arabic digits written as ASCII (FORMAT.md §3). */
export const cardPin = (typed) => pde.normalizePin(typed.trim());

/** The text of a card's QR code. */
export const cardPayload = (handle, code) => `${CARD_PREFIX}${handle}:${code}`;

/** `{handle, code}` from a scanned QR code, or null when it is not a wallet card. */
export function parseCardPayload(text) {
  if (typeof text !== 'string' || !text.startsWith(CARD_PREFIX)) return null;
  const rest = text.slice(CARD_PREFIX.length);
  const cut = rest.lastIndexOf(':');
  if (cut < 1 || cut === rest.length - 1) return null;
  return { handle: rest.slice(0, cut), code: rest.slice(cut + 1) };
}

/** The card's secret from a typed or scanned code; null (and a message shown) when mistyped. */
export async function readCardCode(input, errorId) {
  try {
    return await pde.decodeCode(input.value.trim());
  } catch (error) {
    if (!(error instanceof pde.InvalidCode)) throw error;
    setError(errorId, t('This card code is not right. Check each letter and digit.'));
    input.focus();
    return null;
  }
}

function pinProblem(pin, again) {
  if (!PIN_DIGITS.test(cardPin(pin.value).normalize('NFKC'))) return [pin, t('A PIN is 4 to 8 digits.')];
  if (cardPin(again.value) !== cardPin(pin.value)) return [again, t('The two PINs are not the same.')];
  return null;
}

const wrongCurrent = (error) => error instanceof ApiError && error.code === 'invalid_credentials';

// Make a card ---------------------------------------------------------------

const makeCurrent = byId('card-make-current');
const makePin = byId('card-make-pin');
const makeAgain = byId('card-make-pin-again');

byId('card-make-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const wrong = makeCurrent.value
    ? pinProblem(makePin, makeAgain)
    : [makeCurrent, t('The current secret phrase is not right.')];
  if (wrong) {
    setError('card-make-error', wrong[1]);
    wrong[0].focus();
    return;
  }
  setError('card-make-error', '');
  const card = pde.newCodeSecret();
  try {
    await busy(byId('card-make-submit'), () =>
      changePassphrase(makeCurrent.value, cardPin(makePin.value), { nextCard: card }),
    );
    const code = await pde.encodeCode(card);
    event.target.reset();
    await go('card', { code });
  } catch (error) {
    setError('card-make-error', wrongCurrent(error) ? t('The current secret phrase is not right.') : errorMessage(error));
    makeCurrent.value = '';
    makeCurrent.focus();
  } finally {
    card.fill(0);
  }
});

// Show the new card ---------------------------------------------------------

const kept = byId('card-kept');
const next = byId('card-continue');

function forgetShownCard() {
  byId('card-code').textContent = '';
  byId('card-qr').replaceChildren();
}

kept.addEventListener('change', () => {
  next.disabled = !kept.checked;
});
byId('print-card').addEventListener('click', () => window.print());
next.addEventListener('click', async () => {
  forgetShownCard();
  await go('documents');
  notify(t('Your wallet card is ready. Next time, open your wallet with the card and your PIN.'));
});

register('card', ({ code }) => {
  byId('card-handle').textContent = state.handle;
  byId('card-code').textContent = code;
  byId('card-qr').replaceChildren(qrSvg(cardPayload(state.handle, code), t('QR code of the wallet card')));
  kept.checked = false;
  next.disabled = true;
});

// Stop using the card -------------------------------------------------------

const stopCode = byId('card-stop-code');
const stopPin = byId('card-stop-pin');
const stopNew = byId('card-stop-new');
const stopAgain = byId('card-stop-again');

function updateStrength() {
  const level = strength(stopNew.value);
  byId('card-stop-strength').value = level;
  byId('card-stop-strength-label').textContent = level ? t(STRENGTH_LABELS[level]) : '';
}
stopNew.addEventListener('input', updateStrength);
// "My account" resets its forms each time it is shown: the meter follows (after the reset).
byId('card-stop-form').addEventListener('reset', () => queueMicrotask(updateStrength));

byId('card-stop-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!stopCode.value.trim() || !stopPin.value.trim()) {
    setError('card-stop-error', t('Type the card code and your PIN.'));
    (stopCode.value.trim() ? stopPin : stopCode).focus();
    return;
  }
  const card = await readCardCode(stopCode, 'card-stop-error');
  if (!card) return;
  const wrong = newPassphraseProblem(stopNew, stopAgain);
  if (wrong) {
    card.fill(0);
    setError('card-stop-error', wrong[1]);
    wrong[0].focus();
    return;
  }
  setError('card-stop-error', '');
  try {
    await busy(byId('card-stop-submit'), () =>
      changePassphrase(cardPin(stopPin.value), stopNew.value, { currentCard: card }),
    );
    event.target.reset();
    await go('account');
    notify(t('Your card no longer opens the wallet. Use your new secret phrase.'));
  } catch (error) {
    setError('card-stop-error', wrongCurrent(error) ? t('The card code or the PIN is not right.') : errorMessage(error));
    stopPin.value = '';
    stopPin.focus();
  } finally {
    card.fill(0);
  }
});
