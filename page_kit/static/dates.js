// Dates and times as a person reads them, in the page's language at the time of
// the call (so a public page's language switch changes them too). A document's
// own date is a calendar day, shown as it is; the API's times are UTC (an ISO
// text without a zone is UTC too) and show in the browser's local time.
import { language } from './strings.js';

const CALENDAR_DAY = /^\d{4}-\d{2}-\d{2}$/;
const API_ZONE = /[zZ]|[+-]\d\d:\d\d$/;

/** A yyyy-mm-dd date in the page's language ("3 March 2024"), or the text as typed. */
export function formatDate(value) {
  if (!CALENDAR_DAY.test(value || '')) return value || '';
  const [year, month, day] = value.split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return new Intl.DateTimeFormat(language(), { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

/**
 * An API time in the page's language and local time.
 * @param {string} iso
 * @param {'full'|'long'|'medium'|null} [dateStyle] how the day is written: 'long'
 *   spells the month out, null leaves the day out (a time later today)
 * @returns {string}
 */
export function moment(iso, dateStyle = 'medium') {
  const when = new Date(API_ZONE.test(iso) ? iso : `${iso}Z`);
  const style = dateStyle ? { dateStyle, timeStyle: 'short' } : { timeStyle: 'short' };
  return new Intl.DateTimeFormat(language(), style).format(when);
}
