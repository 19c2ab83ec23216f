// Moving between the screens of the one-page app. Screens are <section
// data-screen> elements rendered by the server; each screen's module
// registers what to do when it is shown, and may register what to do when it
// is left (for another screen, or with the page).
import { notify } from './ui.js';

const handlers = new Map();
const leaving = new Map();
let current = 'welcome';

/** Register `onShow(argument)` for screen `name`. */
export function register(name, onShow) {
  handlers.set(name, onShow);
}

/**
 * Register `onLeave()` for when screen `name` gives way to another one, or the
 * page is left from it (it may return a promise that leaving waits for).
 */
export function onLeaving(name, onLeave) {
  leaving.set(name, onLeave);
}

/** The page is being left (logout, idle, reload): the screen on show lets go; resolves when done. */
export async function leaveScreen() {
  await leaving.get(current)?.();
}

/** The name of the screen on show. */
export const currentScreen = () => current;

/** Show screen `name`, let its handler fill it, and focus its heading. */
export async function go(name, argument) {
  if (name !== current) leaving.get(current)?.();
  notify('');
  for (const screen of document.querySelectorAll('main > [data-screen]')) {
    screen.hidden = screen.dataset.screen !== name;
  }
  current = name;
  document.body.dataset.currentScreen = name;
  window.scrollTo(0, 0);
  const onShow = handlers.get(name);
  const filling = onShow ? onShow(argument) : null; // its synchronous part runs now
  const heading = document.querySelector(`[data-screen="${name}"] h1`);
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
  await filling;
}

/** Buttons with data-go="screen" go there. */
export function wireGoButtons(root = document) {
  for (const button of root.querySelectorAll('[data-go]')) {
    button.addEventListener('click', () => go(button.dataset.go));
  }
}
