// When something happened or ends, as a person reads it. The API's times are UTC
// (an ISO text without a zone is UTC too); they show in the page's language and
// the terminal's local time. A module of its own: screens of every kind show
// times (sessions, shares, deposits, trustees) without importing each other.
import { language } from '/static/kit/strings.js';

const formats = new Map();

/**
 * An API time in the page's language and local time.
 * @param {string} iso
 * @param {'medium'|'long'} [dateStyle] 'long' spells the month out (the trustee
 *   screens, where dates weeks apart are compared)
 * @returns {string}
 */
export function moment(iso, dateStyle = 'medium') {
  if (!formats.has(dateStyle)) {
    formats.set(dateStyle, new Intl.DateTimeFormat(language(), { dateStyle, timeStyle: 'short' }));
  }
  return formats.get(dateStyle).format(new Date(/[zZ]|[+-]\d\d:\d\d$/.test(iso) ? iso : `${iso}Z`));
}
