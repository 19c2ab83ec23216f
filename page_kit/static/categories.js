// The document categories of docs/design.md §1: slugs in the documents' metadata,
// their labels from the page (page_kit.categories, English message ids that
// `t` translates, again after a language switch), a pictogram each.
import { categoryLabels, t } from './strings.js';

/** Whether `slug` is one of the categories (own keys only: not "constructor"). */
export const isCategory = (slug) => typeof slug === 'string' && Object.hasOwn(categoryLabels, slug);

/** The category of a document's metadata ("other" for anything else). */
export const categoryOf = (metadata) => (isCategory(metadata.type) ? metadata.type : 'other');

/** The translated label of a category slug. */
export const categoryLabel = (slug) => t(categoryLabels[isCategory(slug) ? slug : 'other']);

/** The pictogram of a category slug: a file name in /static/icons, without ".svg". */
export const categoryIcon = (slug) => `category-${isCategory(slug) ? slug : 'other'}`;
