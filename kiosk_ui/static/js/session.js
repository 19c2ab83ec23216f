// The start and end of a session on this terminal: the idle watch, the
// wallet name in the top bar, and "Leave now", which ends the server session,
// wipes the page, empties the clipboard of a copied link and goes back to the
// language picker.
import { watchIdle } from './idle.js';
import { leaveScreen } from './nav.js';
import { state } from './state.js';
import { byId } from './ui.js';
import { logOut } from './wallet.js';

let stopIdle = null;

/** After a login or a new wallet: show who is in, and start the idle watch. */
export function startSession() {
  byId('who-name').textContent = state.handle;
  byId('who').hidden = false;
  byId('change-language').hidden = true;
  const { idleSeconds, idleWarningSeconds } = document.body.dataset;
  stopIdle?.();
  stopIdle = watchIdle({
    seconds: Number(idleSeconds),
    warningSeconds: Number(idleWarningSeconds),
    onTimeout: () => leave(),
  });
}

// What the screens fill with the wallet's contents: lists, previews, sheets.
const FILLED = [
  'preview', 'view-title', 'view-details', 'view-status', 'pdf-page', 'document-list',
  'add-chosen', 'add-pages', 'session-list', 'sheet-handle', 'sheet-code', 'sheet-qr',
  'sheet-words', 'sheet-words-shown', 'share-documents', 'share-list', 'share-qr', 'share-link',
  'share-sheet-recipient', 'share-sheet-purpose', 'share-sheet-expiry', 'share-sheet-documents',
  'share-pin-big',
];

/**
 * Empty every screen of what it showed (forms, lists, previews, counts, search),
 * on leaving and on entering meeting mode, where no screen may still hold another document.
 */
export function forgetScreens() {
  for (const form of document.querySelectorAll('form')) form.reset();
  for (const id of FILLED) byId(id)?.replaceChildren();
  for (const count of document.querySelectorAll('#filters [data-count]')) count.textContent = '';
  byId('search').value = '';
}

/** Log out, wipe everything on the page, and go back to the language picker. */
export async function leave() {
  stopIdle?.();
  stopIdle = null;
  document.body.classList.add('leaving');
  const lettingGo = leaveScreen(); // e.g. a link sheet empties the clipboard, while the page is here
  forgetScreens();
  await Promise.all([logOut(), lettingGo]);
  window.location.replace('/');
}
