// "My shares": every share of the wallet with its documents (titles from the
// wallet's own metadata), recipient and purpose (from the owner's sealed
// record), expiry, openings and state, the log of what happened, and the
// actions: show the link again, revoke now (confirmed), delete an ended share.
import { deleteShare, revokeShare } from '../api.js';
import { categoryIcon, categoryOf } from '../categories.js';
import { t } from '../i18n.js';
import { go, register } from '../nav.js';
import { loadShares, shareLink } from '../sharing.js';
import { state } from '../state.js';
import { busy, byId, el, errorMessage, icon, notify } from '../ui.js';
import { documentTitle, meetWith, moment } from './share-ready.js';

const list = byId('share-list');

const STATES = {
  active: ['link', () => t('Active: it can be opened')],
  expired: ['clock', () => t('Ended: its time is over')],
  revoked: ['revoke', () => t('Revoked: you took it back')],
  locked: ['lock', () => t('Locked: too many wrong PINs')],
  used_up: ['check', () => t('Used up: opened as many times as allowed')],
};

const EVENTS = {
  opened: () => t('Opened'),
  wrong_access: () => t('Wrong PIN'),
  locked: () => t('Locked: too many wrong PINs'),
  revoked: () => t('Revoked'),
};

function button(className, iconName, label) {
  return el('button', { className: `btn ${className}`, attrs: { type: 'button' } }, [icon(iconName), label]);
}

/** When an ended share ended: revoked, expired, or its last event (locked, used up). */
function endedAt(share) {
  if (share.state === 'revoked') return share.revoked_at;
  if (share.state === 'expired') return share.expires_at;
  return share.events.at(-1)?.at || null;
}

function facts(share) {
  const ended = endedAt(share);
  const lines = [
    share.state === 'active' || !ended
      ? t('Open until {when}', { when: moment(share.expires_at) })
      : t('Ended on {when}', { when: moment(ended) }),
    share.max_opens === null
      ? t('Opened {opens} times (no limit)', { opens: share.opens })
      : t('Opened {opens} of {max} times', { opens: share.opens, max: share.max_opens }),
    share.pin ? t('With a PIN') : t('Without a PIN'),
  ];
  return el('ul', { className: 'share-facts' }, lines.map((text) => el('li', { text })));
}

function documents(share) {
  return el(
    'ul',
    { className: 'share-titles' },
    share.document_ids.map((id) => {
      const document = state.documents.get(id);
      const slug = document ? categoryIcon(categoryOf(document.metadata)) : 'file';
      return el('li', {}, [icon(slug), el('span', { text: documentTitle(id) })]);
    }),
  );
}

function log(share) {
  const events = [...share.events].reverse();
  const items = events.map((event) =>
    el('li', { attrs: { 'data-event': event.event } }, [
      el('span', { className: 'share-when', text: moment(event.at) }),
      ' ',
      el('span', { text: (EVENTS[event.event] || (() => event.event))() }),
    ]),
  );
  return el('div', { className: 'share-log' }, [
    el('h3', { text: t('What happened') }),
    items.length ? el('ul', {}, items) : el('p', { className: 'muted', text: t('Not opened yet.') }),
  ]);
}

function confirmRevoke(share, item, revoke) {
  const no = button('share-revoke-no', 'back', t('No, keep it'));
  const yes = button('btn-danger share-revoke-yes', 'revoke', t('Yes, revoke it'));
  const panel = el('div', { className: 'panel panel-danger', attrs: { role: 'group' } }, [
    el('p', { text: t('Revoke this share now? The link stops working at once, even on a screen already open.') }),
    el('div', { className: 'actions' }, [no, yes]),
  ]);
  no.addEventListener('click', () => {
    panel.remove();
    revoke.focus();
  });
  yes.addEventListener('click', async () => {
    try {
      const revoked = await busy(yes, () => revokeShare(share.share_id));
      const fresh = shareItem({ ...revoked, record: share.record });
      item.replaceWith(fresh);
      fresh.querySelector('h2').focus();
      notify(t('The share is revoked.'));
    } catch (error) {
      notify(errorMessage(error));
    }
  });
  return panel;
}

function actions(share, item) {
  const row = el('div', { className: 'actions' });
  if (share.state === 'active' && share.record) {
    const reveal = button('share-reveal', 'link', t('Show the link again'));
    reveal.addEventListener('click', () =>
      go('share-ready', {
        shareId: share.share_id,
        link: shareLink(share.share_id, share.record.secret),
        pin: share.record.pin,
        recipient: share.record.recipient,
        purpose: share.record.purpose,
        expiresAt: share.expires_at,
        documentIds: share.document_ids,
      }),
    );
    row.append(reveal);
  }
  const meetingIds = share.document_ids.filter((id) => state.documents.has(id));
  if (meetingIds.length) {
    const meet = button('share-meeting', 'meeting', t('Meeting mode with these documents'));
    meet.addEventListener('click', () => meetWith(meet, meetingIds));
    row.append(meet);
  }
  if (share.state === 'active') {
    const revoke = button('btn-danger share-revoke', 'revoke', t('Revoke now'));
    revoke.addEventListener('click', () => {
      if (!item.querySelector('.panel')) item.append(confirmRevoke(share, item, revoke));
      item.querySelector('.share-revoke-no').focus();
    });
    row.append(revoke);
  } else {
    const remove = button('share-delete', 'delete', t('Delete'));
    remove.addEventListener('click', async () => {
      try {
        await busy(remove, () => deleteShare(share.share_id));
        item.remove();
        byId('shares-empty').hidden = list.children.length > 0;
        byId('shares-title').focus();
        notify(t('The share is deleted.'));
      } catch (error) {
        notify(errorMessage(error));
      }
    });
    row.append(remove);
  }
  return row;
}

function shareItem(share) {
  const [stateIcon, stateLabel] = STATES[share.state] || STATES.expired;
  const item = el('li', { className: 'share-item', attrs: { 'data-share-id': share.share_id, 'data-state': share.state } });
  const heading = el('h2', { text: share.record?.recipient || '—', attrs: { tabindex: '-1' } });
  item.append(
    heading,
    el('p', { className: 'share-state' }, [icon(stateIcon), el('span', { text: stateLabel() })]),
  );
  if (share.record?.purpose) item.append(el('p', { className: 'share-purpose', text: share.record.purpose }));
  item.append(facts(share), documents(share), log(share), actions(share, item));
  return item;
}

register('shares', async () => {
  byId('shares-loading').hidden = false;
  byId('shares-empty').hidden = true;
  list.replaceChildren();
  try {
    const shares = await loadShares();
    list.replaceChildren(...shares.map(shareItem));
  } catch (error) {
    notify(errorMessage(error));
  } finally {
    byId('shares-loading').hidden = true;
  }
  byId('shares-empty').hidden = list.children.length > 0;
});
