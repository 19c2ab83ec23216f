// The start and end of a session on this terminal: the idle watch, the
// wallet name in the top bar, and "Leave now", which ends the server session,
// wipes the page and goes back to the language picker.
import { watchIdle } from './idle.js';
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

/** Log out, wipe everything on the page, and go back to the language picker. */
export async function leave() {
  stopIdle?.();
  stopIdle = null;
  document.body.classList.add('leaving');
  for (const form of document.querySelectorAll('form')) form.reset();
  byId('preview').replaceChildren();
  byId('document-list').replaceChildren();
  byId('session-list').replaceChildren();
  byId('sheet-code').textContent = '';
  byId('sheet-qr').replaceChildren();
  await logOut();
  window.location.replace('/');
}
