// A link the service suspended after a report (issue 11 §5; docs/day-centres.md),
// as its owner sees it in "My shares" and in the deposit links: the reason the
// operator chose, and what it means. The API gives `suspension` on each link,
// {reason, suspended_at}, or null.
import { moment } from '/static/kit/dates.js';
import { t } from '/static/kit/strings.js';
import { el, icon } from './ui.js';

const REASONS = {
  harmful: () => t('unwanted or harmful content'),
  fraud: () => t('fraud or phishing'),
  wrong_recipient: () => t('sent to the wrong person'),
  other: () => t('another reason'),
};

/** The notice of `link`'s suspension (`kind`: 'share' or 'deposit'), or null when there is none. */
export function suspensionNotice(link, kind) {
  const { suspension } = link;
  if (!suspension) return null;
  const reason = (REASONS[suspension.reason] || REASONS.other)();
  const effect =
    kind === 'share'
      ? t('Nobody can open this link until the service lifts the suspension.')
      : t('Nobody can send files through this link until the service lifts the suspension.');
  return el('div', { className: 'share-suspended', attrs: { 'data-reason': suspension.reason } }, [
    el('p', { className: 'warning-line' }, [
      icon('warning'),
      el('span', { text: t('Suspended by the service on {when}. Reason: {reason}.', { when: moment(suspension.suspended_at), reason }) }),
    ]),
    el('p', { text: effect }),
    el('p', { className: 'muted', text: t('Someone reported a problem with this link. Ask at a day centre if you do not understand why.') }),
  ]);
}
