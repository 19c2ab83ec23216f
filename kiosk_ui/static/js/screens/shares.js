// "My shares": every share of the wallet with its documents (titles from the
// wallet's own metadata), recipient and purpose (from the owner's sealed
// record), expiry, openings and state, the log of what happened, and the
// actions: show the link again, revoke now (confirmed), delete an ended share.
// A share the service suspended after a report says so, with the reason.
import { deleteShare, revokeShare } from '../api.js';
import { categoryIcon, categoryOf } from '/static/kit/categories.js';
import { t } from '/static/kit/strings.js';
import { LinkList, iconButton } from '../link-list.js';
import { moment } from '/static/kit/dates.js';
import { go, register } from '../nav.js';
import { loadShares, shareLink } from '../sharing.js';
import { state } from '../state.js';
import { suspensionNotice } from '../suspension.js';
import { byId, el, icon } from '../ui.js';
import { documentTitle, meetWith } from './share-ready.js';

const shares = new LinkList('shares', 'share', byId('share-list'));

const STATES = {
  active: ['link', () => t('Active: it can be opened')],
  expired: ['clock', () => t('Ended: its time is over')],
  revoked: ['revoke', () => t('Revoked: you took it back')],
  locked: ['lock', () => t('Locked: too many wrong PINs')],
  used_up: ['check', () => t('Used up: opened as many times as allowed')],
  suspended: ['lock', () => t('Suspended: it cannot be opened now')],
};

const EVENTS = {
  opened: () => t('Opened'),
  wrong_access: () => t('Wrong PIN'),
  locked: () => t('Locked: too many wrong PINs'),
  revoked: () => t('Revoked'),
};

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

function actions(share, item) {
  const row = el('div', { className: 'actions' });
  if (share.state === 'active' && share.record) {
    const reveal = iconButton('share-reveal', 'link', t('Show the link again'));
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
    const meet = iconButton('share-meeting', 'meeting', t('Meeting mode with these documents'));
    meet.addEventListener('click', () => meetWith(meet, meetingIds));
    row.append(meet);
  }
  if (share.state === 'active') {
    row.append(
      shares.revokeButton(item, {
        question: t('Revoke this share now? The link stops working at once, even on a screen already open.'),
        revoke: () => revokeShare(share.share_id),
        rowOf: (revoked) => shareItem({ ...revoked, record: share.record }),
        done: t('The share is revoked.'),
      }),
    );
  } else {
    row.append(
      shares.deleteButton(item, { remove: () => deleteShare(share.share_id), done: t('The share is deleted.') }),
    );
  }
  return row;
}

/** The state shown: a share that would open but that the service suspended says so. */
const shownState = (share) => (share.state === 'active' && share.suspension ? 'suspended' : share.state);

function shareItem(share) {
  const shown = shownState(share);
  const [stateIcon, stateLabel] = STATES[shown] || STATES.expired;
  const item = el('li', { className: 'share-item', attrs: { 'data-share-id': share.share_id, 'data-state': shown } });
  const recipient = share.record ? share.record.recipient || t('Receiver not written') : '—';
  const heading = el('h2', { text: recipient, attrs: { tabindex: '-1' } });
  item.append(
    heading,
    el('p', { className: 'share-state' }, [icon(stateIcon), el('span', { text: stateLabel() })]),
  );
  const suspended = suspensionNotice(share, 'share');
  if (suspended) item.append(suspended);
  if (share.record?.purpose) item.append(el('p', { className: 'share-purpose', text: share.record.purpose }));
  item.append(facts(share), documents(share), log(share), actions(share, item));
  return item;
}

register('shares', () => shares.show(loadShares, shareItem));
