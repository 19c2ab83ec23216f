// The inbox: documents that services put into the wallet through a deposit
// link, opened in this page (key unsealed with the deposit private key). Each
// shows its title, type, file name, size, when it came and through which link
// (the owner's own label); "Accept" makes it an ordinary document, "Reject"
// (confirmed) deletes it for good. Above them, for each link through which files
// are still being sent, a sentence says how many and the space they hold (it is
// reserved from the moment they are declared, docs/deposits.md). The documents
// screen shows the entry, with the number waiting, only when something waits.
import { listInbox } from '../api.js';
import { categoryIcon, categoryOf } from '/static/kit/categories.js';
import { acceptDeposit, forgetDeposit, loadDepositLinks, loadInbox, rejectDeposit } from '../deposits.js';
import { details, formatNumber, formatSize, isolate } from '../format.js';
import { t } from '/static/kit/strings.js';
import { moment } from '/static/kit/dates.js';
import { register } from '../nav.js';
import { busy, byId, el, errorMessage, icon, notify } from '../ui.js';

const list = byId('inbox-list');
const pending = byId('inbox-pending');
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

/** What a link's files not sent yet hold: "2 files are being sent through the link “…”. …" */
function pendingItem(link) {
  const values = {
    count: formatNumber(link.pending_files),
    label: isolate(link.record?.label || '—'),
    size: formatSize(link.pending_bytes),
  };
  const sending =
    link.pending_files === 1
      ? t('1 file is being sent through the link “{label}”. Until it arrives, it holds {size} of your space.', values)
      : t('{count} files are being sent through the link “{label}”. Until they arrive, they hold {size} of your space.', values);
  return el('li', { className: 'pending-item', attrs: { 'data-deposit-id': link.deposit_id } }, [
    icon('upload'),
    el('div', {}, [
      el('p', { text: sending }),
      el('p', { className: 'muted', text: t('If the sending stops, you get this space back within an hour.') }),
    ]),
  ]);
}

function showPending(links) {
  const sending = links.filter((link) => link.pending_files > 0);
  pending.replaceChildren(...sending.map(pendingItem));
  pending.hidden = sending.length === 0;
}

register('inbox', async () => {
  byId('inbox-loading').hidden = false;
  byId('inbox-empty').hidden = true;
  list.replaceChildren();
  showPending([]);
  shown.forEach(forgetDeposit);
  shown = [];
  try {
    const [deposits, links] = await Promise.all([loadInbox(), loadDepositLinks()]);
    shown = deposits;
    const labels = new Map(links.map((link) => [link.deposit_id, link.record?.label]));
    showPending(links);
    list.replaceChildren(...deposits.map((deposit) => depositItem(deposit, labels)));
  } catch (error) {
    notify(errorMessage(error));
  } finally {
    byId('inbox-loading').hidden = true;
  }
  byId('inbox-empty').hidden = list.children.length > 0;
});
