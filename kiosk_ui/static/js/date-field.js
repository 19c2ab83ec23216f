// A date typed as day, month and year, in the page's language: three small
// fields in that language's order, each with its own label, instead of the
// browser's <input type=date>, which follows the browser's language (mm/dd/yyyy
// on a French or an Arabic page) and is hard to use with a screen reader.
// Eastern Arabic digits may be typed too. The fields are in the page
// (templates/date-field.html); this module puts them in order and reads them.
import { language } from '/static/kit/strings.js';
import { byId } from './ui.js';

const PARTS = ['day', 'month', 'year'];
/** English at a Brussels terminal writes the day first, as Belgium does. */
const DATE_LOCALES = { en: 'en-GB' };
const EASTERN_DIGITS = /[\u0660-\u0669\u06f0-\u06f9]/g;
const CALENDAR_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The order of day, month and year in dates of `lang`, e.g. ['day', 'month', 'year']. */
export function partOrder(lang) {
  const format = new Intl.DateTimeFormat(DATE_LOCALES[lang] || lang, {
    day: 'numeric', month: 'numeric', year: 'numeric', timeZone: 'UTC',
  });
  const order = format.formatToParts(new Date(Date.UTC(2024, 2, 25))).map((part) => part.type);
  return order.filter((type) => PARTS.includes(type));
}

/** Digits as ASCII: "٢٥" -> "25". */
const asciiDigits = (text) =>
  text.replace(EASTERN_DIGITS, (digit) => String(digit.charCodeAt(0) % 16));

export class DateField {
  /** The fieldset `#${id}` with its inputs `#${id}-day`, `-month` and `-year`. */
  constructor(id) {
    this.inputs = Object.fromEntries(PARTS.map((part) => [part, byId(`${id}-${part}`)]));
    const row = byId(id).querySelector('.date-parts');
    for (const part of partOrder(language())) row.append(this.inputs[part].closest('.date-part'));
    /** A date kept as it was written elsewhere (not a calendar day), until one is typed. */
    this.other = '';
    for (const input of Object.values(this.inputs)) {
      input.addEventListener('input', () => {
        this.other = '';
      });
    }
  }

  /** Show `value` (yyyy-mm-dd; any other text is kept unless a date is typed over it). */
  set(value) {
    const match = CALENDAR_DAY.exec(value || '');
    this.other = match ? '' : value || '';
    const [, year = '', month = '', day = ''] = match || [];
    this.inputs.day.value = day.replace(/^0/, '');
    this.inputs.month.value = month.replace(/^0/, '');
    this.inputs.year.value = year;
  }

  clear() {
    this.set('');
  }

  /** yyyy-mm-dd; '' when nothing is typed; null when what is typed is no day of the calendar. */
  read() {
    const [day, month, year] = PARTS.map((part) => asciiDigits(this.inputs[part].value.trim()));
    if (!day && !month && !year) return this.other;
    if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return null;
    const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
    const real = date.getUTCFullYear() === Number(year) && date.getUTCMonth() === Number(month) - 1
      && date.getUTCDate() === Number(day);
    return real ? `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}` : null;
  }

  /** Put the keyboard on the first field, in the language's order. */
  focus() {
    this.inputs[partOrder(language())[0]].focus();
  }
}
