// "Be someone's trustee": this wallet's invitation (its name and deposit public
// key, which open nothing) for an owner to scan, and the recovery requests for
// wallets this one holds a share of. Releasing opens our share with the
// wallet's deposit private key, here, and re-seals it to the request's key:
// only after the person asked in person. Loaded on first use from "My account".
import * as pde from '/static/crypto/pde-crypto.js';
import { ApiError, getAccount, releaseShare, trusteeRequests } from '../api.js';
import { t } from '/static/kit/strings.js';
import { moment } from '/static/kit/dates.js';
import { register } from '../nav.js';
import { qrSvg } from '../qr.js';
import { state } from '../state.js';
import { busy, byId, el, errorMessage, icon, notify } from '../ui.js';
import { isolate } from '../format.js';
import { formatInvitation } from './trustee-common.js';

const unb64 = pde.b64uDecode;

/** Open our share of `request` and seal it to the request's public key; POST it. */
async function release(request) {
  const account = await getAccount();
  const privateKey = await pde.unwrapDepositPrivateKey(
    state.masterKey,
    unb64(account.wrapped_deposit_private_key),
    state.accountId,
  );
  try {
    const share = await pde.openTrusteeShare(
      privateKey,
      unb64(request.sealed_share),
      request.owner_account_id,
      unb64(request.set_id),
      request.x,
    );
    const sealed = await pde.sealReleasedShare(
      unb64(request.public_key),
      pde.shareToBytes(share),
      request.request_id,
      share.x,
    );
    share.y.fill(0);
    await releaseShare(request.request_id, pde.b64uEncode(sealed));
  } finally {
    privateKey.fill(0);
  }
}

const STATES = {
  waiting: () => t('Waiting: the delay is not over'),
  ready: () => t('Ready: the delay is over'),
};

function requestItem(request) {
  const item = el('li', { className: 'trustee-request' }, [
    el('strong', { text: request.owner_handle, attrs: { dir: 'auto' } }),
    el('span', { text: t('Asked on {date}', { date: moment(request.created_at, 'long') }) }),
    el('span', { text: t('Opens on {date}', { date: moment(request.opens_at, 'long') }) }),
    el('span', { text: (STATES[request.state] || (() => request.state))() }),
  ]);
  if (request.released) {
    item.append(el('p', { className: 'hint', text: t('You released your share.') }, [icon('check')]));
    return item;
  }
  const box = el('input', { attrs: { type: 'checkbox', id: `trustee-confirm-${request.request_id}` } });
  const confirm = el('label', { className: 'check', attrs: { for: box.id } }, [
    box,
    t('{name} asked me in person', { name: isolate(request.owner_handle) }),
  ]);
  const button = el('button', { className: 'btn btn-primary trustee-release', attrs: { type: 'button' } }, [
    icon('puzzle'),
    t('Release my share'),
  ]);
  button.disabled = true;
  box.addEventListener('change', () => {
    button.disabled = !box.checked;
  });
  const error = el('p', { className: 'error', attrs: { role: 'alert' } });
  error.hidden = true;
  button.addEventListener('click', async () => {
    try {
      await busy(button, () => release(request));
      notify(t('Your share is released to this request.'));
      item.replaceWith(requestItem({ ...request, released: true }));
    } catch (failure) {
      const already = failure instanceof ApiError && failure.code === 'already_exists';
      error.textContent = already ? t('You released your share.') : errorMessage(failure);
      error.hidden = false;
    }
  });
  item.append(confirm, el('div', { className: 'actions' }, [button]), error);
  return item;
}

async function showInvitation() {
  const account = await getAccount();
  const invitation = formatInvitation(account.handle, account.deposit_public_key);
  byId('trustee-invitation-text').textContent = invitation;
  byId('trustee-invitation-qr').replaceChildren(qrSvg(invitation, t('QR code of my invitation')));
}

async function showRequests() {
  const requests = await trusteeRequests();
  byId('trustee-requests').replaceChildren(...requests.map(requestItem));
  byId('trustee-requests-none').hidden = requests.length > 0;
}

register('trustee-help', async () => {
  try {
    await Promise.all([showInvitation(), showRequests()]);
  } catch (error) {
    notify(errorMessage(error));
  }
});
