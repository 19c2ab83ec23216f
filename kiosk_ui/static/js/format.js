// How things read on screen: a document's details, a size, a name inside a sentence.
import { categoryLabel, categoryOf } from '/static/kit/categories.js';
import { formatDate } from '/static/kit/dates.js';
import { language } from '/static/kit/strings.js';

/** "Health · 3 March 2024 · CPAS Ixelles" */
export function details(metadata) {
  return [categoryLabel(categoryOf(metadata)), formatDate(metadata.date), metadata.issuer]
    .filter(Boolean)
    .join(' · ');
}

/** "35 MB", "0.4 kB": in the page's language, never less than 0.1 kB. */
export function formatSize(bytes) {
  const [unit, size] = bytes >= 1e6 ? ['megabyte', 1e6] : ['kilobyte', 1e3];
  const format = new Intl.NumberFormat(language(), { style: 'unit', unit, maximumFractionDigits: 1 });
  return format.format(Math.max(bytes / size, 0.1));
}

/** A count in the page's language (its own digits in Arabic, as its dates). */
export const formatNumber = (count) => new Intl.NumberFormat(language()).format(count);

/** A name (a wallet's, a link's) inside a translated sentence, isolated so it reads whole in Arabic too. */
export const isolate = (name) => `\u2068${name}\u2069`;
