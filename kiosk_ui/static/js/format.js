// How a document's details read: category, date and issuer on one line.
import { categoryLabel, categoryOf } from '/static/kit/categories.js';
import { formatDate } from '/static/kit/dates.js';

/** "Health · 3 March 2024 · CPAS Ixelles" */
export function details(metadata) {
  return [categoryLabel(categoryOf(metadata)), formatDate(metadata.date), metadata.issuer]
    .filter(Boolean)
    .join(' · ');
}
