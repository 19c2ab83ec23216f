// Idle logout for shared terminals: after `seconds` without a touch, a key or
// a click, the page leaves; during the last `warningSeconds` a dialog counts
// down and offers "I'm still here", and the wallet behind it (the list, an open
// document, the wallet's name) is hidden from whoever walks up to the screen.
import { t } from '/static/kit/strings.js';
import { byId } from './ui.js';

const ACTIVITY = ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart'];

/**
 * Start watching; returns a function that stops it.
 * @param {{seconds: number, warningSeconds: number, onTimeout: () => void}} options
 */
export function watchIdle({ seconds, warningSeconds, onTimeout }) {
  const dialog = byId('idle-dialog');
  const count = byId('idle-count');
  let lastActivity = Date.now();
  let stopped = false;

  const warning = () => dialog.open;
  // Hidden behind the countdown, not wiped: "I'm still here" brings it back as it was.
  const hideWallet = (hidden) => document.body.classList.toggle('idle-warning', hidden);
  const openWarning = () => {
    hideWallet(true);
    dialog.showModal();
  };
  const closeWarning = () => {
    if (dialog.open) dialog.close();
    hideWallet(false);
  };
  const active = () => {
    if (!warning()) lastActivity = Date.now();
  };
  const stillHere = () => {
    lastActivity = Date.now();
    closeWarning();
  };

  const tick = () => {
    if (stopped) return;
    const left = Math.ceil(seconds - (Date.now() - lastActivity) / 1000);
    if (left <= 0) {
      stop({ timedOut: true }); // the wallet stays hidden while the page leaves
      onTimeout();
      return;
    }
    if (left <= warningSeconds) {
      count.textContent = t('You will be logged out in {seconds} seconds.', { seconds: left });
      if (!warning()) openWarning();
    } else {
      closeWarning();
    }
  };

  for (const name of ACTIVITY) document.addEventListener(name, active, { capture: true });
  const stillHereButton = byId('still-here');
  stillHereButton.addEventListener('click', stillHere);
  dialog.addEventListener('cancel', stillHere); // Escape also means "I'm still here"
  const timer = setInterval(tick, 250);

  function stop({ timedOut = false } = {}) {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    for (const name of ACTIVITY) document.removeEventListener(name, active, { capture: true });
    stillHereButton.removeEventListener('click', stillHere);
    dialog.removeEventListener('cancel', stillHere);
    if (dialog.open) dialog.close();
    if (!timedOut) hideWallet(false);
  }
  return () => stop();
}
