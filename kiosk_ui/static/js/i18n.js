// Translated strings for the scripts, from the page's <script type="application/json" id="strings">
// block that the server renders in the chosen language. Keys are the English message ids.
const block = document.getElementById('strings');
const strings = block ? JSON.parse(block.textContent) : {};

/**
 * The translation of `message`, with `{name}` placeholders replaced from `values`.
 * @param {string} message the English message id, as in the .po catalogs
 * @param {Record<string, string|number>} [values]
 * @returns {string}
 */
export function t(message, values = {}) {
  const text = strings[message] || message;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** The page's language code (fr, nl, en, ar, pl). */
export const language = document.documentElement.lang || 'en';
