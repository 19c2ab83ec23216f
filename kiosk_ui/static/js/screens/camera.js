// The camera screen ("Take a photo" on the add screen): registered here, its
// behaviour (camera-screen.js, ../camera.js) and its stylesheet loaded when it
// first opens, to keep the first visit light. Leaving the screen, by any way,
// stops the camera (camera-screen.js leave()).
import { t } from '/static/kit/strings.js';
import { currentScreen, go, onLeaving, register } from '../nav.js';
import { notify } from '../ui.js';

/** The screen's module, once loaded. */
let screen = null;

function stylesheet(href) {
  const link = Object.assign(document.createElement('link'), { rel: 'stylesheet', href });
  const loaded = new Promise((resolve) => {
    link.addEventListener('load', resolve, { once: true });
    link.addEventListener('error', resolve, { once: true }); // unstyled is still usable
  });
  document.head.append(link);
  return loaded;
}

let loading = null;
const load = () => {
  loading ??= Promise.all([import('./camera-screen.js'), stylesheet('/static/css/camera.css')]);
  return loading;
};

register('camera', async () => {
  let module;
  try {
    [module] = await load();
  } catch {
    loading = null; // asked again next time
    await go('add', { photos: [] });
    notify(t('No connection. Please try again.'));
    return;
  }
  screen = module;
  // Left while it loaded (Cancel, "Leave now"): the camera is not started at all.
  if (currentScreen() === 'camera') await screen.show();
});

onLeaving('camera', () => screen?.leave());
