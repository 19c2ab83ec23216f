// How a document's details read: category, date and issuer on one line.
import { categoryLabel, categoryOf } from '/static/kit/categories.js';
import { language } from '/static/kit/strings.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A yyyy-mm-dd date in the page's language, or the text as typed. */
export function formatDate(value) {
  if (!DATE.test(value || '')) return value || '';
  const [year, month, day] = value.split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return new Intl.DateTimeFormat(language(), { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

/** "Health · 3 March 2024 · CPAS Ixelles" */
export function details(metadata) {
  return [categoryLabel(categoryOf(metadata)), formatDate(metadata.date), metadata.issuer]
    .filter(Boolean)
    .join(' · ');
}
