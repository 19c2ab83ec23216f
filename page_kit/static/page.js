// What the public pages opened from a link (the share viewer, the depositor
// page: templates/public-page.html) do alike: one screen at a time, a plain page
// for each state that stops them, the language switch in place, and the link's
// fragment taken out of the address bar before anything else. Each page brings
// its own words, but for UNAVAILABLE below, which every such page's catalogs hold.
import { ApiError, NetworkError } from './request.js';
import { setLanguage, setText } from './strings.js';

// The pictograms of every page, and the kit's own for the pages of a link that fails.
export const ICONS = '/static/icons';
export const KIT_ICONS = '/static/kit/icons';

// The server cannot answer for now: the same page, and the same words, on both pages.
export const UNAVAILABLE = {
  icon: `${ICONS}/warning.svg`,
  title: 'The service is not available',
  text: 'The server is busy or stopped for a moment. Try again in a few minutes.',
  retry: 'Try again',
};

export const byId = (id) => document.getElementById(id);

/** Show the screen `name` alone, the page's state being `state`; focus the element `focus`. */
export function showScreen(name, focus = null, state = name) {
  for (const screen of document.querySelectorAll('.screen')) {
    screen.hidden = screen.id !== `screen-${name}`;
  }
  document.body.dataset.state = state;
  if (focus) byId(focus).focus();
}

/**
 * Show the plain page of `kind`, described by `problem` ({icon, title, text,
 * retry?}), `values` filling the text's placeholders; its button calls `retry`,
 * shown only when there is one and the problem is worth another try.
 */
export function showProblemPage(kind, problem, retry = null, values = undefined) {
  byId('problem-icon').src = problem.icon;
  setText(byId('problem-heading'), problem.title);
  setText(byId('problem-text'), problem.text, values);
  const button = byId('problem-retry');
  button.hidden = !(retry && problem.retry);
  setText(byId('problem-retry-label'), problem.retry || '');
  button.onclick = retry;
  showScreen('problem', 'problem-title', kind);
}

/**
 * The problem page for an error of the API: its code's page in `codes`, else
 * 'unavailable' or 'not_found' by its status; null for a refusal not foreseen
 * there, and for any other error.
 */
export function apiProblem(error, codes) {
  if (error instanceof NetworkError) return 'network';
  if (!(error instanceof ApiError)) return null;
  if (error.code in codes) return codes[error.code];
  if (error.status >= 500) return 'unavailable';
  if (error.status === 404) return 'not_found';
  return null;
}

// The page was reloaded or came back from the history (Back, Forward, or the
// back-forward cache): its link's key is gone, and that is on purpose. The
// same page on both pages; each page's catalogs hold it.
export const FORGOTTEN = {
  icon: `${ICONS}/key.svg`,
  title: 'For your safety, this page forgot the key',
  text: 'This happens when the page is reloaded, or opened again with the Back button. Open the link again: scan the QR code again, or click the link you received.',
};

/** Whether this load of the page is a reload, or a return by Back or Forward. */
function returned() {
  const [navigation] = performance.getEntriesByType('navigation');
  return navigation?.type === 'reload' || navigation?.type === 'back_forward';
}

/** The page's whole address; its fragment leaves the address bar (and so the history) at once. */
export function takeLink() {
  const href = location.href;
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  return href;
}

/**
 * Run `start({returned})` now, and again when a link is pasted into this tab
 * (only the fragment changes: no reload) unless `busy()`; `returned` is true
 * when the page was reloaded or came back from the history, where an address
 * without a key is no damaged link. `leave()` runs when the page is left (it
 * may come back from the back-forward cache: `start` runs again then). Wires
 * the language choice.
 */
export function startPage(start, { busy = () => false, leave = () => {} } = {}) {
  const picker = byId('language-select');
  picker.addEventListener('change', () => {
    setLanguage(picker.value);
    // Links to pages in a language (the privacy notice) follow the one chosen here.
    for (const link of document.querySelectorAll('a[data-language-href]')) {
      link.href = link.dataset.languageHref.replace('{code}', picker.value);
    }
  });
  window.addEventListener('hashchange', () => {
    if (location.hash && !busy()) start({ returned: false });
  });
  window.addEventListener('pagehide', leave);
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) start({ returned: true });
  });
  start({ returned: returned() });
  document.body.dataset.ready = '';
}
