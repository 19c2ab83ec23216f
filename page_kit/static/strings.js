// The words of every page's scripts, from the page's <script type="application/json"
// id="page-strings"> block (page_kit.i18n.page_strings): the languages the page
// offers, each one's messages by English message id, and the category labels.
// A public page carries every language and switches in place (text, `lang`,
// `dir`): a reload would lose the link's secret, no longer in the address bar.
// The kiosk carries only its own language: it changes language by changing page.
const block = document.getElementById('page-strings');
const data = block ? JSON.parse(block.textContent) : { languages: [], strings: {}, categories: {} };
const listeners = [];

/** The languages of the page: [{code, name, dir}], the first being the default. */
export const languages = data.languages;

/** The category labels: slug → English message id (translate with `t`). */
export const categoryLabels = data.categories;

let current = document.documentElement.lang || 'en';

/** The page's language code now (fr, nl, en, ar, pl). */
export const language = () => current;

/**
 * The translation of `message` in the page's language, `{name}` placeholders
 * replaced from `values`.
 * @param {string} message the English message id, as in the page's .po catalogs
 * @param {Record<string, string|number>} [values]
 * @returns {string}
 */
export function t(message, values = {}) {
  const text = data.strings[current]?.[message] || message;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/**
 * Give `element` the translation of `message` (with `values`), and keep it
 * translated after each language switch; an empty message empties it.
 */
export function setText(element, message, values) {
  if (!message) {
    delete element.dataset.i18n;
    delete element.dataset.i18nValues;
    element.textContent = '';
    return;
  }
  element.dataset.i18n = message;
  if (values) element.dataset.i18nValues = JSON.stringify(values);
  else delete element.dataset.i18nValues;
  element.textContent = t(message, values);
}

/** Translate every element marked with data-i18n (text) or data-i18n-label (aria-label). */
function translateMarked(root) {
  for (const element of root.querySelectorAll('[data-i18n]')) {
    const values = element.dataset.i18nValues ? JSON.parse(element.dataset.i18nValues) : {};
    element.textContent = t(element.dataset.i18n, values);
  }
  for (const element of root.querySelectorAll('[data-i18n-label]')) {
    element.setAttribute('aria-label', t(element.dataset.i18nLabel));
  }
}

/** Call `render` again after every language switch (for text made by the scripts). */
export function onLanguageChange(render) {
  listeners.push(render);
}

/** Show the whole page in language `code`, without reloading it (when the page carries it). */
export function setLanguage(code) {
  const chosen = languages.find((item) => item.code === code);
  if (!chosen) return;
  current = chosen.code;
  document.documentElement.lang = chosen.code;
  document.documentElement.dir = chosen.dir;
  translateMarked(document);
  for (const render of listeners) render();
}
