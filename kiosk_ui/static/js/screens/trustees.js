// "My trustees" (docs/trustees.md): the owner chooses k of n trustees — wallets,
// named by the invitation they show, and printed shares — and this page splits
// a fresh trustee key, seals each wallet trustee's share to their key, wraps the
// master key for the trustees and saves it all, as wallet/trustee_client.py
// does. The printed shares are shown once, to print one per page. Loaded on
// first use from "My account".
import * as pde from '/static/crypto/pde-crypto.js';
import { ApiError, getTrustees, removeTrustees, setUpTrustees } from '../api.js';
import { t } from '/static/kit/strings.js';
import { go, register } from '../nav.js';
import { qrSvg } from '../qr.js';
import { state } from '../state.js';
import { busy, byId, el, errorMessage, icon, notify, setError } from '../ui.js';
import { isolate } from '../format.js';
import { parseInvitation, readQrFromPhoto } from './trustee-common.js';

const MAX_TRUSTEES = 16;
const b64 = pde.b64uEncode;

/** Wallet trustees chosen in the form: {handle, publicKey}. */
const chosen = [];
const invitationInput = byId('trustees-invitation');
const printedInput = byId('trustees-printed');
const thresholdInput = byId('trustees-threshold');

function trusteeItem(iconName, label, action = null) {
  const item = el('li', { className: 'trustee' }, [icon(iconName), el('span', { text: label, attrs: { dir: 'auto' } })]);
  if (action) item.append(action);
  return item;
}

/**
 * Say how many must agree of how many, or what is wrong. A change of the trustees
 * brings "how many must agree" within them, so that the form never offers "2 of 1".
 */
function showCount({ fitThreshold = false } = {}) {
  const total = chosen.length + Number(printedInput.value || 0);
  const most = Math.max(2, Math.min(total, MAX_TRUSTEES));
  thresholdInput.max = String(most);
  if (fitThreshold && Number(thresholdInput.value) > most) thresholdInput.value = String(most);
  const threshold = Number(thresholdInput.value);
  byId('trustees-count').textContent =
    countProblem(threshold, total) ||
    t('{k} of {n} trustees will have to agree to open your wallet.', { k: threshold, n: total });
}

function showChosen() {
  byId('trustees-added').replaceChildren(
    ...chosen.map((trustee, index) => {
      const remove = el('button', { className: 'btn btn-small', attrs: { type: 'button' } }, [
        icon('delete'),
        t('Remove {name}', { name: isolate(trustee.handle) }),
      ]);
      remove.addEventListener('click', () => {
        chosen.splice(index, 1);
        showChosen();
        invitationInput.focus();
      });
      return trusteeItem('person', trustee.handle, remove);
    }),
  );
  showCount({ fitThreshold: true });
}

/** Add the trustee of an invitation's text; an error message, or '' when added. */
function choose(text) {
  const invitation = parseInvitation(text);
  if (!invitation) return t('This is not a trustee invitation. Check it, or ask the person to show it again.');
  if (invitation.handle.toLocaleLowerCase() === (state.handle || '').toLocaleLowerCase()) {
    return t('You cannot be your own trustee.');
  }
  if (chosen.some((trustee) => trustee.publicKey === invitation.publicKey)) {
    return t('This trustee is already in the list.');
  }
  if (chosen.length >= MAX_TRUSTEES) return t('At most 16 trustees.');
  chosen.push(invitation);
  showChosen();
  return '';
}

byId('trustees-add').addEventListener('click', () => {
  const problem = choose(invitationInput.value);
  setError('trustees-error', problem);
  if (!problem) invitationInput.value = '';
  invitationInput.focus();
});
invitationInput.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') {
    event.preventDefault();
    byId('trustees-add').click();
  }
});

const photo = byId('trustees-photo');
photo.addEventListener('change', async () => {
  const [file] = photo.files;
  photo.value = ''; // the same photo can be chosen again
  if (!file) return;
  const text = await readQrFromPhoto(file);
  const problem = text ? choose(text) : t('No code was found in this photo. Try again closer and with more light, or type it.');
  setError('trustees-error', problem);
  if (!problem) notify(t('Trustee added.'));
});

printedInput.addEventListener('input', () => showCount({ fitThreshold: true }));
thresholdInput.addEventListener('input', () => showCount());

/** What is wrong with k and n, or ''. */
function countProblem(threshold, total) {
  if (!Number.isInteger(threshold) || !Number.isInteger(total) || total < 2) {
    return t('Choose at least 2 trustees: people with a wallet or printed shares.');
  }
  if (total > MAX_TRUSTEES) return t('At most 16 trustees.');
  if (threshold < 2 || threshold > total) return t('How many must agree: from 2 to {n}.', { n: total });
  return '';
}

/** Split a fresh trustee key and save the setup; returns the printed shares (Share objects). */
async function saveTrustees(threshold, total) {
  const trusteeKey = pde.randomBytes(16);
  const shares = await pde.splitSecret(trusteeKey, threshold, total);
  const keys = await pde.deriveTrusteeKeys(trusteeKey);
  trusteeKey.fill(0);
  const walletTrustees = [];
  for (const [index, trustee] of chosen.entries()) {
    const sealed = await pde.sealTrusteeShare(pde.b64uDecode(trustee.publicKey), shares[index], state.accountId);
    walletTrustees.push({
      handle: trustee.handle,
      public_key: trustee.publicKey,
      x: shares[index].x,
      sealed_share: b64(sealed),
    });
  }
  const printed = shares.slice(chosen.length);
  const record = { notes: [], printed: printed.map((share) => share.x) };
  await setUpTrustees({
    set_id: b64(shares[0].setId),
    threshold,
    total,
    trustee_auth: b64(keys.auth),
    wrapped_master_key: b64(await pde.wrapMasterKeyForTrustees(keys.kek, state.masterKey, state.accountId)),
    record: b64(await pde.encryptTrusteeRecord(state.masterKey, record, state.accountId)),
    wallet_trustees: walletTrustees,
  });
  keys.kek.fill(0);
  for (const share of shares.slice(0, chosen.length)) share.y.fill(0);
  return printed;
}

byId('trustees-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const threshold = Number(thresholdInput.value);
  const total = chosen.length + Number(printedInput.value);
  const problem = countProblem(threshold, total);
  setError('trustees-error', problem);
  if (problem) {
    thresholdInput.focus();
    return;
  }
  try {
    const printed = await busy(byId('trustees-submit'), () => saveTrustees(threshold, total));
    const texts = await Promise.all(printed.map((share) => pde.shareToText(share)));
    const numbers = printed.map((share) => share.x);
    for (const share of printed) share.y.fill(0);
    chosen.length = 0;
    event.target.reset();
    showChosen();
    if (texts.length) {
      await go('trustee-printed', { texts, numbers, total });
    } else {
      await go('trustees');
      notify(t('Your trustees are saved.'));
    }
  } catch (error) {
    const wrongInvitation = error instanceof ApiError && error.code === 'not_found';
    setError(
      'trustees-error',
      wrongInvitation ? t('An invitation is not right: no wallet has this name and key.') : errorMessage(error),
    );
  }
});

async function printedNumbers(record) {
  try {
    const opened = await pde.decryptTrusteeRecord(state.masterKey, pde.b64uDecode(record), state.accountId);
    return Array.isArray(opened.printed) ? opened.printed : [];
  } catch {
    return []; // a record this page cannot read: the count still shows
  }
}

async function showSetup() {
  const setup = await getTrustees();
  const has = setup.threshold !== null;
  byId('trustees-current').hidden = !has;
  byId('trustees-none').hidden = has;
  if (!has) return;
  byId('trustees-summary').textContent = t('{k} of {n} trustees must agree to open your wallet.', {
    k: setup.threshold,
    n: setup.total,
  });
  const printed = setup.record ? await printedNumbers(setup.record) : [];
  byId('trustees-list').replaceChildren(
    ...setup.wallet_trustees.map((trustee) => trusteeItem('person', trustee.handle)),
    ...printed.map((x) => trusteeItem('puzzle', t('Printed share {x}', { x }))),
  );
}

byId('trustees-remove').addEventListener('click', async (event) => {
  setError('trustees-remove-error', '');
  try {
    await busy(event.currentTarget, () => removeTrustees());
    await showSetup();
    notify(t('You have no trustees any more. Their shares open nothing.'));
  } catch (error) {
    setError('trustees-remove-error', errorMessage(error));
  }
});

register('trustees', async () => {
  setError('trustees-error', '');
  setError('trustees-remove-error', '');
  showChosen();
  try {
    await showSetup();
  } catch (error) {
    notify(errorMessage(error));
  }
});

// The printed shares, one sheet each, shown once --------------------------------

function printedSheet(text, x, total) {
  const sheet = el('div', { className: 'sheet trustee-sheet' }, [
    el('p', { className: 'sheet-title', text: t('PDE trustee share {x} of {n}', { x, n: total }) }),
  ]);
  const fields = el('dl', { className: 'sheet-fields' }, [
    el('dt', { text: t('Wallet name') }),
    el('dd', { className: 'code', text: state.handle, attrs: { dir: 'ltr' } }),
    el('dt', { text: t('Share code') }),
    el('dd', { className: 'code code-big trustee-share-code', text: text, attrs: { dir: 'ltr' } }),
  ]);
  const qr = el('div', { className: 'qr' }, [qrSvg(text, t('QR code of share {x}', { x }))]);
  const help = el('p', {
    className: 'sheet-warning',
    text: t('Keep this paper safe. Give this code only to {name}, in person, if they lost access to their wallet and ask you.', {
      name: isolate(state.handle),
    }),
  });
  help.prepend(icon('warning'));
  sheet.append(fields, qr, help);
  return sheet;
}

byId('trustee-printed-print').addEventListener('click', () => window.print());
byId('trustee-printed-done').addEventListener('click', async () => {
  byId('trustee-printed-list').replaceChildren(); // the codes leave the page
  await go('trustees');
  notify(t('Your trustees are saved.'));
});

register('trustee-printed', ({ texts, numbers, total }) => {
  byId('trustee-printed-list').replaceChildren(
    ...texts.map((text, index) => printedSheet(text, numbers[index], total)),
  );
});
