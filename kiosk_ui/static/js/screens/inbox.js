// The inbox: documents that services put into the wallet through a deposit
// link, opened in this page (key unsealed with the deposit private key). Each
// shows its title, type, file name, size, when it came and through which link
// (the owner's own label); "Accept" makes it an ordinary document, "Reject"
// (confirmed) deletes it for good. The documents screen shows the entry, with
// the number waiting, only when something waits.
import { listInbox } from '../api.js';
import { categoryIcon, categoryOf } from '/static/kit/categories.js';
import { acceptDeposit, forgetDeposit, loadDepositLinks, loadInbox, rejectDeposit } from '../deposits.js';
import { details } from '../format.js';
import { language, t } from '/static/kit/strings.js';
import { moment } from '/static/kit/dates.js';
import { register } from '../nav.js';
import { busy, byId, el, errorMessage, icon, notify } from '../ui.js';

const list = byId('inbox-list');
/** The deposits on show (their keys are zeroed when the screen is filled again). */
let shown = [];

/** Show the documents screen's inbox entry with the number waiting, or hide it. */
export async function refreshInboxEntry() {
  const entry = byId('documents-inbox');
  const waiting = (await listInbox()).length;
  byId('documents-inbox-count').textContent = String(waiting);
  entry.setAttribute('aria-label', t('Inbox: {count} documents waiting', { count: waiting }));
  entry.hidden = waiting === 0;
}

function formatSize(bytes) {
  const [unit, size] = bytes >= 1e6 ? ['megabyte', 1e6] : ['kilobyte', 1e3];
  const format = new Intl.NumberFormat(language(), { style: 'unit', unit, maximumFractionDigits: 1 });
  return format.format(Math.max(bytes / size, 0.1));
}

function button(className, iconName, label) {
  return el('button', { className: `btn ${className}`, attrs: { type: 'button' } }, [icon(iconName), label]);
}

function removeItem(row) {
  row.remove();
  byId('inbox-empty').hidden = list.children.length > 0;
  byId('inbox-title').focus();
}

function confirmReject(deposit, row, reject) {
  const no = button('inbox-reject-no', 'back', t('No, keep it'));
  const yes = button('btn-danger inbox-reject-yes', 'delete', t('Yes, reject it'));
  const panel = el('div', { className: 'panel panel-danger', attrs: { role: 'group' } }, [
    el('p', { text: t('Reject this document? It is deleted for good. Nobody can bring it back.') }),
    el('div', { className: 'actions' }, [no, yes]),
  ]);
  no.addEventListener('click', () => {
    panel.remove();
    reject.focus();
  });
  yes.addEventListener('click', async () => {
    try {
      await busy(yes, () => rejectDeposit(deposit));
      removeItem(row);
      notify(t('The document is rejected and deleted.'));
    } catch (error) {
      notify(errorMessage(error));
    }
  });
  return panel;
}

function depositItem(deposit, labels) {
  const { metadata } = deposit;
  const title = metadata ? metadata.title || metadata.file_name || '—' : t('This document cannot be opened');
  const slug = metadata ? categoryIcon(categoryOf(metadata)) : 'warning';
  const row = el('li', { className: 'share-item inbox-item', attrs: { 'data-document-id': deposit.id } });
  const from = labels.get(deposit.depositId);
  const lines = [
    metadata ? details(metadata) : t('It was damaged or not sent for this wallet. You can only reject it.'),
    metadata?.file_name ? `${metadata.file_name} · ${formatSize(metadata.size ?? deposit.size)}` : '',
    t('Received on {when}', { when: moment(deposit.createdAt) }),
    from ? t('Through the link: {label}', { label: from }) : t('Through a deposit link you deleted'),
  ].filter(Boolean);
  const buttons = el('div', { className: 'actions' });
  if (deposit.key) {
    const accept = button('btn-primary inbox-accept', 'check', t('Accept'));
    accept.addEventListener('click', async () => {
      try {
        await busy(accept, () => acceptDeposit(deposit));
        removeItem(row);
        notify(t('Added to your documents: {title}', { title }));
      } catch (error) {
        notify(errorMessage(error));
      }
    });
    buttons.append(accept);
  }
  const reject = button('btn-danger inbox-reject', 'delete', t('Reject'));
  reject.addEventListener('click', () => {
    if (!row.querySelector('.panel')) row.append(confirmReject(deposit, row, reject));
    row.querySelector('.inbox-reject-no').focus();
  });
  buttons.append(reject);
  row.append(
    el('h2', { className: 'inbox-title' }, [icon(slug, 'icon icon-big'), el('span', { text: title, attrs: { dir: 'auto' } })]),
    el('ul', { className: 'share-facts' }, lines.map((text) => el('li', { text, attrs: { dir: 'auto' } }))),
    buttons,
  );
  return row;
}

register('inbox', async () => {
  byId('inbox-loading').hidden = false;
  byId('inbox-empty').hidden = true;
  list.replaceChildren();
  shown.forEach(forgetDeposit);
  shown = [];
  try {
    const [deposits, links] = await Promise.all([loadInbox(), loadDepositLinks()]);
    shown = deposits;
    const labels = new Map(links.map((link) => [link.deposit_id, link.record?.label]));
    list.replaceChildren(...deposits.map((deposit) => depositItem(deposit, labels)));
  } catch (error) {
    notify(errorMessage(error));
  } finally {
    byId('inbox-loading').hidden = true;
  }
  byId('inbox-empty').hidden = list.children.length > 0;
});
