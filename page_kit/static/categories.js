// The document categories of DESIGN §1: slugs in metadata, translated labels
// from the filter buttons the server rendered, a pictogram per slug.
const chips = [...document.querySelectorAll('#filters [data-label]')];
const LABELS = new Map(chips.map((chip) => [chip.dataset.filter, chip.dataset.label]));

/** The known category of a document's metadata ("other" for anything else). */
export const categoryOf = (metadata) => (LABELS.has(metadata.type) ? metadata.type : 'other');

/** The translated label of a category slug. */
export const categoryLabel = (slug) => LABELS.get(slug) || LABELS.get('other');

/** The pictogram file name of a category slug. */
export const categoryIcon = (slug) => `category-${LABELS.has(slug) ? slug : 'other'}`;
