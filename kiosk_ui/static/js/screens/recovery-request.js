// Recovery by trustees, for the person who lost access (no session): make a
// request (its id and secret are made here; the server gets the request's
// public key and token), write it down, and come back after the delay with it:
// the shares the trustees released are opened here, the printed ones added,
// k of them give the trustee key, and the wallet opens and asks for a new
// secret phrase. Loaded from "I forgot my secret phrase" on first use.
import * as pde from '/static/crypto/pde-crypto.js';
import { ApiError, loginWithTrustees, openRecoveryRequest, recoveryRequestStatus } from '../api.js';
import { t } from '/static/kit/strings.js';
import { moment } from '/static/kit/dates.js';
import { go, register } from '../nav.js';
import { qrSvg } from '../qr.js';
import { startSession } from '../session.js';
import { state } from '../state.js';
import { busy, byId, errorMessage, setError } from '../ui.js';
import { takeSession } from '../wallet.js';
import { readQrFromPhoto } from './trustee-common.js';

const b64 = pde.b64uEncode;
const unb64 = pde.b64uDecode;
const TICKET_PREFIX = 'pde-recovery:1:';

/** What a request paper's QR code holds: `pde-recovery:1:<handle>:<request id>:<code>`. */
const formatTicket = (handle, requestId, code) => `${TICKET_PREFIX}${handle}:${requestId}:${code}`;

function parseTicket(text) {
  if (!text.startsWith(TICKET_PREFIX)) return null;
  const [handle, requestId, code] = text.slice(TICKET_PREFIX.length).split(':');
  return handle && requestId && code ? { handle, requestId, code } : null;
}

/** A problem to show the requester, translated. */
class RecoveryProblem extends Error {}

// Asking -------------------------------------------------------------------------

byId('request-ask-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const handle = byId('request-ask-handle').value.normalize('NFKC').trim();
  if (!handle) {
    setError('request-ask-error', t('Type your wallet name.'));
    return;
  }
  setError('request-ask-error', '');
  try {
    const ticket = await busy(byId('request-ask-submit'), async () => {
      const requestId = pde.newId();
      const secret = pde.randomBytes(16);
      const keys = await pde.deriveRequestKeys(secret, requestId);
      const answer = await openRecoveryRequest({
        request_id: requestId,
        handle,
        public_key: b64(keys.publicKey),
        token: b64(keys.token),
      });
      const code = await pde.encodeCode(secret);
      secret.fill(0);
      keys.privateKey.fill(0);
      return { handle, requestId, code, opensAt: answer.opens_at };
    });
    event.target.reset();
    await go('recovery-request-ticket', ticket);
  } catch (error) {
    setError('request-ask-error', errorMessage(error));
  }
});

register('recovery-request-ask', () => setError('request-ask-error', ''));

// The request paper --------------------------------------------------------------

const kept = byId('request-ticket-kept');
kept.addEventListener('change', () => {
  byId('request-ticket-done').disabled = !kept.checked;
});
byId('request-ticket-print').addEventListener('click', () => window.print());
byId('request-ticket-done').addEventListener('click', () => {
  for (const id of ['request-ticket-handle', 'request-ticket-id', 'request-ticket-code', 'request-ticket-opens']) {
    byId(id).textContent = '';
  }
  byId('request-ticket-qr').replaceChildren();
  window.location.replace('/'); // nothing of the request stays on this terminal
});

register('recovery-request-ticket', ({ handle, requestId, code, opensAt }) => {
  kept.checked = false;
  byId('request-ticket-done').disabled = true;
  byId('request-ticket-handle').textContent = handle;
  byId('request-ticket-id').textContent = requestId;
  byId('request-ticket-code').textContent = code;
  byId('request-ticket-opens').textContent = moment(opensAt, 'long');
  const ticket = formatTicket(handle, requestId, code);
  byId('request-ticket-qr').replaceChildren(qrSvg(ticket, t('QR code of your request')));
});

// Coming back ----------------------------------------------------------------------

const handleInput = byId('request-open-handle');
const idInput = byId('request-open-id');
const codeInput = byId('request-open-code');
const sharesInput = byId('request-open-shares');

const photo = byId('request-open-photo');
photo.addEventListener('change', async () => {
  const [file] = photo.files;
  photo.value = ''; // the same photo can be chosen again
  if (!file) return;
  setError('request-open-error', '');
  const text = ((await readQrFromPhoto(file)) || '').trim();
  const ticket = text ? parseTicket(text) : null;
  if (ticket) {
    handleInput.value = ticket.handle;
    idInput.value = ticket.requestId;
    codeInput.value = ticket.code;
  } else if (text && !text.includes(':')) {
    sharesInput.value = [sharesInput.value.trim(), text].filter(Boolean).join('\n');
  } else {
    setError('request-open-error', t('No code was found in this photo. Try again closer and with more light, or type it.'));
  }
});

const NOT_OPEN = {
  cancelled: () => t("The wallet's owner stopped this request. It cannot be used."),
  completed: () => t('This request was already used. Make a new one.'),
};

async function printedShares() {
  const lines = sharesInput.value.split('\n').map((line) => line.trim()).filter(Boolean);
  const shares = [];
  for (const [index, line] of lines.entries()) {
    try {
      shares.push(await pde.shareFromText(line));
    } catch {
      throw new RecoveryProblem(t('Printed share {n} is not right. Check each letter.', { n: index + 1 }));
    }
  }
  return shares;
}

/** The released shares (opened with the request's key) and the printed ones, one per number. */
async function collectShares(keys, requestId, released) {
  const byNumber = new Map();
  for (const share of await printedShares()) byNumber.set(share.x, share);
  for (const item of released) {
    const raw = await pde.openReleasedShare(keys.privateKey, unb64(item.sealed_share), requestId, item.x);
    const share = pde.shareFromBytes(raw);
    byNumber.set(share.x, share);
  }
  const shares = [...byNumber.values()];
  if (!shares.length) {
    throw new RecoveryProblem(t('No trustee has released a share yet, and you typed no printed share.'));
  }
  const needed = shares[0].threshold;
  if (shares.length < needed) {
    throw new RecoveryProblem(t('{k} shares are needed, you have {m}.', { k: needed, m: shares.length }));
  }
  return shares;
}

async function openWithTrustees(handle, requestId, code) {
  let secret;
  try {
    secret = await pde.decodeCode(code);
  } catch {
    throw new RecoveryProblem(t('This request code is not right. Check each letter.'));
  }
  const keys = await pde.deriveRequestKeys(secret, requestId);
  secret.fill(0);
  const token = b64(keys.token);
  let answer;
  try {
    answer = await recoveryRequestStatus(requestId, token);
  } catch (error) {
    if (error instanceof ApiError && ['not_found', 'invalid_request'].includes(error.code)) {
      throw new RecoveryProblem(t('This request number or code is not right.'));
    }
    throw error;
  }
  if (answer.state === 'waiting') {
    throw new RecoveryProblem(t('Your request is still waiting. Come back from {date}.', { date: moment(answer.opens_at, 'long') }));
  }
  if (NOT_OPEN[answer.state]) throw new RecoveryProblem(NOT_OPEN[answer.state]());
  const shares = await collectShares(keys, requestId, answer.released);
  let trusteeKey;
  try {
    trusteeKey = await pde.combineShares(shares);
  } catch {
    throw new RecoveryProblem(t('These shares do not fit together. Check the printed shares.'));
  }
  const trustee = await pde.deriveTrusteeKeys(trusteeKey);
  trusteeKey.fill(0);
  let login;
  try {
    login = await loginWithTrustees({ handle, request_id: requestId, token, trustee_auth: b64(trustee.auth) });
  } catch (error) {
    if (error instanceof ApiError && error.code === 'invalid_credentials') {
      throw new RecoveryProblem(t('These shares do not open this wallet. Check the wallet name.'));
    }
    throw error;
  }
  const { account } = login;
  const masterKey = await pde.unwrapMasterKeyForTrustees(
    trustee.kek,
    unb64(account.wrapped_master_key_trustees),
    account.account_id,
  );
  trustee.kek.fill(0);
  keys.privateKey.fill(0);
  takeSession(login, masterKey);
  state.mustChangePassphrase = true;
}

byId('request-open-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const handle = handleInput.value.normalize('NFKC').trim();
  const requestId = idInput.value.trim();
  const code = codeInput.value.trim();
  if (!handle || !requestId || !code) {
    setError('request-open-error', t('Type your wallet name, your request number and your request code.'));
    return;
  }
  setError('request-open-error', '');
  try {
    await busy(byId('request-open-submit'), () => openWithTrustees(handle, requestId, code));
    event.target.reset();
    startSession();
    await go('new-passphrase');
  } catch (error) {
    const message = error instanceof RecoveryProblem ? error.message : errorMessage(error);
    setError('request-open-error', message);
  }
});

register('recovery-request-open', () => setError('request-open-error', ''));
