// The owner's notice at login: someone asked to recover this wallet through its
// trustees. It is calm on purpose (no alarm, no red): nothing happens before the
// waiting time is over, the owner who asked has nothing to do ("It was me:
// continue"), and "It was not me: cancel it" ends the request, what trustees
// released to it deleted with it.
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
      text: t('Asked on {created}. The waiting time ends on {opens}.', {
        created: moment(request.created_at, 'long'),
        opens: moment(request.opens_at, 'long'),
      }),
    }),
  ]);
  const mine = el('button', { className: 'btn recovery-warning-mine', attrs: { type: 'button' } }, [
    icon('check'),
    t('It was me: continue'),
  ]);
  const stop = el('button', { className: 'btn recovery-warning-stop', attrs: { type: 'button' } }, [
    icon('revoke'),
    t('It was not me: cancel it'),
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
      notify(t('The request is cancelled. Nobody can use it. Your documents are safe.'));
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
