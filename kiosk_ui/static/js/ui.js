// Small DOM helpers shared by the screens. User data only ever goes into the
// page through textContent and attributes, never through innerHTML.
import { ApiError, NetworkError } from './api.js';
import { t } from '/static/kit/strings.js';

/** The element with this id. */
export const byId = (id) => document.getElementById(id);

/**
 * A new element with a class, text and attributes, and children appended.
 * @param {string} tag
 * @param {{className?: string, text?: string, attrs?: Record<string, string>}} [options]
 * @param {Node[]} [children]
 */
export function el(tag, { className, text, attrs = {} } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** A decorative pictogram (its meaning is in the label beside it). */
export function icon(name, className = 'icon') {
  return el('img', { className, attrs: { src: `/static/icons/${name}.svg`, alt: '' } });
}

const MESSAGES = {
  invalid_credentials: 'This name or secret phrase is not right.',
  rate_limited: 'Too many tries. Please wait a few minutes.',
  handle_taken: 'This name is already used. Choose another one.',
  invalid_request: 'Something is not right in the form. Please check it.',
  not_authenticated: 'You were logged out. Please open your wallet again.',
  document_too_large: 'This file is too large.',
  quota_exceeded: 'Your wallet is full. Delete a document first.',
  integrity_mismatch: 'The file arrived damaged. Please try again.',
  storage_unavailable: 'The service is not available right now. Please try again later.',
  database_unavailable: 'The service is not available right now. Please try again later.',
};

/** A translated sentence for what went wrong. */
export function errorMessage(error) {
  if (error instanceof NetworkError) return t('No connection. Please try again.');
  if (error instanceof ApiError && MESSAGES[error.code]) return t(MESSAGES[error.code]);
  if (error instanceof ApiError && error.status >= 500) {
    return t('The service is not available right now. Please try again later.');
  }
  return t('Something went wrong. Please try again.');
}

/** Show `message` (or nothing) in an error paragraph. */
export function setError(id, message) {
  const node = byId(id);
  node.textContent = message || '';
  node.hidden = !message;
}

/** Run `task` with `button` disabled and marked busy; returns what the task returns. */
export async function busy(button, task) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await task();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/** A short message for everyone, read by screen readers. */
export function notify(message) {
  const notice = byId('notice');
  notice.textContent = message;
  notice.hidden = !message;
}

/**
 * Enter opens a file chooser as Space does: a keyboard user presses Enter on
 * "Choose a file" or "Take a photo" (a hidden file input inside its label), and
 * Chromium answers only Space.
 */
export function openFilesOnEnter(root = document) {
  for (const input of root.querySelectorAll('input[type=file]')) {
    input.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter') return;
      event.preventDefault();
      input.click();
    });
  }
}
