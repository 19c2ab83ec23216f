// The kiosk app: wires the screens rendered by the server to their modules.
// Nothing is restored on load: a reload, or coming back with the browser's
// back button, starts logged out.
import './screens/create.js';
import './screens/recovery.js';
import './screens/login.js';
import './screens/recover.js';
import './screens/account.js';
import './screens/documents.js';
import './screens/add.js';
import './screens/camera.js';
import './screens/note.js';
import './screens/view.js';
import './screens/feedback.js';
import { go, wireGoButtons } from './nav.js';
import { leave } from './session.js';
import { logout } from './api.js';
import { state, wipeState } from './state.js';
import { byId, openFilesOnEnter } from './ui.js';
import { applyPrintingPolicy } from './terminal.js';

wireGoButtons();
openFilesOnEnter();
applyPrintingPolicy(); // an enrolled terminal whose centre does not print
byId('leave-now').addEventListener('click', () => leave());
// Leaving the page any other way (reload, back, closing) forgets the keys too,
// and the back-forward cache cannot bring a logged-in page back.
window.addEventListener('pagehide', () => {
  if (state.token) logout(state.token).catch(() => {}); // keepalive: sent even as the page goes
  wipeState();
  document.body.replaceChildren();
});
window.addEventListener('pageshow', (event) => {
  if (event.persisted) window.location.reload();
});
// /<lang>/#feedback (the language picker's link, after leaving) opens the feedback screen.
go(window.location.hash === '#feedback' ? 'feedback' : 'welcome');
document.body.dataset.ready = 'true';
