// Deposit links: a write-only door into the wallet for a service (journey 7).
// Make one (a label only the owner sees, how long, how many files), hand it
// over as a large QR code, as text to copy or on a printed sheet; list every
// link with its state, files used and expiry; revoke (confirmed) or delete.
import { deleteDepositLink, revokeDepositLink } from '../api.js';
import { createDepositLink, depositLink, loadDepositLinks } from '../deposits.js';
import { t } from '/static/kit/strings.js';
import { LinkList, iconButton } from '../link-list.js';
import { LinkSheet } from '../link-sheet.js';
import { moment } from '/static/kit/dates.js';
import { go, register } from '../nav.js';
import { suspensionNotice } from '../suspension.js';
import { busy, byId, el, errorMessage, icon, notify, setError } from '../ui.js';

const form = byId('deposit-form');
const links = new LinkList('deposit-links', 'deposit', byId('deposit-list'));

const STATES = {
  active: ['link', () => t('Active: it takes documents')],
  expired: ['clock', () => t('Ended: its time is over')],
  revoked: ['revoke', () => t('Revoked: you took it back')],
  used_up: ['check', () => t('Used up: it took all its files')],
  suspended: ['lock', () => t('Suspended: it takes no documents now')],
};

// Making a link ---------------------------------------------------------------

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const label = byId('deposit-label').value.trim();
  const maxFiles = Number(byId('deposit-max-files').value);
  const max = Number(byId('deposit-max-files').max);
  if (!label) {
    setError('deposit-error', t('Say who will send documents: only you will see it.'));
    byId('deposit-label').focus();
    return;
  }
  if (!Number.isInteger(maxFiles) || maxFiles < 1 || maxFiles > max) {
    setError('deposit-error', t('Choose a number of files from 1 to {max}.', { max }));
    byId('deposit-max-files').focus();
    return;
  }
  setError('deposit-error', '');
  try {
    const expiresIn = Number(form.elements['deposit-expiry'].value);
    const made = await busy(byId('deposit-submit'), () => createDepositLink({ label, expiresIn, maxFiles }));
    form.reset();
    await go('deposit-ready', made);
  } catch (error) {
    setError('deposit-error', errorMessage(error));
  }
});

// The list ----------------------------------------------------------------------

function facts(item) {
  const ended = item.state === 'revoked' || item.state === 'expired';
  const lines = [
    ended
      ? t('Closed')
      : t('Open until {when}', { when: moment(item.expires_at) }),
    t('Files received: {files} of {max}', { files: item.files, max: item.max_files }),
  ];
  return el('ul', { className: 'share-facts' }, lines.map((text) => el('li', { text })));
}

function actions(item, row) {
  const buttons = el('div', { className: 'actions' });
  const url = depositLink(item.deposit_id, item.record);
  if (item.state === 'active') {
    const reveal = iconButton('deposit-reveal', 'link', t('Show the link again'));
    reveal.hidden = !url; // a link made before links carried a secret cannot be written again
    reveal.addEventListener('click', async () => {
      try {
        await go('deposit-ready', { ...item, url });
      } catch (error) {
        notify(errorMessage(error));
      }
    });
    const revoke = links.revokeButton(row, {
      question: t('Revoke this deposit link now? Nobody can send documents with it any more. What was already sent stays in your inbox.'),
      revoke: () => revokeDepositLink(item.deposit_id),
      rowOf: (revoked) => linkItem({ ...revoked, record: item.record }),
      done: t('The deposit link is revoked.'),
    });
    buttons.append(reveal, revoke);
  } else {
    buttons.append(
      links.deleteButton(row, { remove: () => deleteDepositLink(item.deposit_id), done: t('The deposit link is deleted.') }),
    );
  }
  return buttons;
}

function linkItem(item) {
  const shown = item.state === 'active' && item.suspension ? 'suspended' : item.state;
  const [stateIcon, stateLabel] = STATES[shown] || STATES.expired;
  const row = el('li', {
    className: 'share-item',
    attrs: { 'data-deposit-id': item.deposit_id, 'data-state': shown },
  });
  row.append(
    el('h3', { text: item.record?.label || '—', attrs: { tabindex: '-1', dir: 'auto' } }),
    el('p', { className: 'share-state' }, [icon(stateIcon), el('span', { text: stateLabel() })]),
    ...[suspensionNotice(item, 'deposit')].filter(Boolean),
    facts(item),
    actions(item, row),
  );
  return row;
}

register('deposit-links', () => {
  setError('deposit-error', '');
  return links.show(loadDepositLinks, linkItem);
});

// Handing a link over -----------------------------------------------------------

const sheet = new LinkSheet('deposit', {
  screen: 'deposit-ready',
  clear: ['deposit-sheet-label', 'deposit-sheet-expiry', 'deposit-sheet-files'],
  onDone: () => go('deposit-links'),
});

register('deposit-ready', (made) => {
  sheet.show(made.url, t('QR code of the deposit link'));
  byId('deposit-sheet-label').textContent = made.record?.label || '—';
  byId('deposit-sheet-expiry').textContent = moment(made.expires_at);
  byId('deposit-sheet-files').textContent = String(made.max_files - made.files);
});
