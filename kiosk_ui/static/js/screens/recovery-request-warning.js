// The owner's warning at login: someone asked to recover this wallet through
// its trustees. "This was me" goes on; "This was not me: stop it" cancels the
// request, and what trustees released to it is deleted with it.
import { cancelRecoveryRequest } from '../api.js';
import { t } from '/static/kit/strings.js';
import { moment } from '/static/kit/dates.js';
import { go, register } from '../nav.js';
import { busy, byId, el, errorMessage, icon, notify } from '../ui.js';

let next = 'documents';
const list = byId('recovery-warning-list');

function finishIfDone() {
  if (!list.querySelector('li:not([data-done])')) go(next);
}

function requestItem(request) {
  const item = el('li', { className: 'trustee-request' }, [
    el('p', {
      className: 'recovery-warning-text',
      text: t('Someone asked to recover your wallet through your trustees on {created}. It opens on {opens}.', {
        created: moment(request.created_at, 'long'),
        opens: moment(request.opens_at, 'long'),
      }),
    }),
  ]);
  const mine = el('button', { className: 'btn recovery-warning-mine', attrs: { type: 'button' } }, [
    icon('check'),
    t('This was me'),
  ]);
  const stop = el('button', { className: 'btn btn-danger recovery-warning-stop', attrs: { type: 'button' } }, [
    icon('revoke'),
    t('This was not me: stop it'),
  ]);
  const error = el('p', { className: 'error', attrs: { role: 'alert' } });
  error.hidden = true;
  mine.addEventListener('click', () => {
    item.dataset.done = 'true';
    finishIfDone();
  });
  stop.addEventListener('click', async () => {
    try {
      await busy(stop, () => cancelRecoveryRequest(request.request_id));
      item.dataset.done = 'true';
      finishIfDone();
      notify(t('The request is stopped. Nobody can use it any more.'));
    } catch (failure) {
      error.textContent = errorMessage(failure);
      error.hidden = false;
    }
  });
  item.append(el('div', { className: 'actions' }, [mine, stop]), error);
  return item;
}

register('recovery-request-warning', ({ requests, next: after }) => {
  next = after;
  list.replaceChildren(...requests.map(requestItem));
});
