// The camera screen's behaviour, loaded when the screen first opens
// (screens/camera.js registers the screen and loads this): take photos with the
// terminal's camera (docs/design.md journey 3): a live
// picture, one large button, the photos taken as numbered pages that can be
// taken again or removed, a card's front and back put together on one page,
// and a choice of camera when the computer has several (a webcam, a document
// camera), kept in page memory for this session only. "Use these photos" hands
// the pictures to the add screen, where two or more become one PDF
// (pdf-writer.js). The camera stops whenever this screen is left: by "Use
// these photos", "Cancel", "Leave now" or the idle logout (leave(), called by
// nav.js when the screen gives way).
// Where there is no camera, or it is refused, the file chooser takes its place
// with a message that says why.
import { t } from '/static/kit/strings.js';
import * as camera from '../camera.js';
import { go } from '../nav.js';
import { state } from '../state.js';
import { byId, el, icon, setError } from '../ui.js';

const video = byId('camera-video');
const live = byId('camera-live');
const fallback = byId('camera-fallback');
const starting = byId('camera-starting');
const pageList = byId('camera-pages');
const said = byId('camera-said');
const choice = byId('camera-choice');
const shoot = byId('camera-shoot');

/** The live stream, or null. */
let stream = null;
/** Counts openings: a stream that arrives after the screen was left is stopped at once. */
let opening = 0;
/** The camera chosen in this session ('' for the browser's choice); forgotten with the page. */
let chosenCamera = '';
/** Photos in page order. @type {{file: File, url: string}[]} */
let shots = [];
/** The page the next photo replaces, or -1 to add one. */
let retaking = -1;
/** A card's front, while its back is awaited. @type {Blob|null} */
let cardFront = null;
let taken = 0;

const FAILURES = {
  none: () => t('No camera was found. You can choose photos from a file instead.'),
  refused: () => t('The camera may not be used: permission was refused. You can choose photos from a file instead.'),
  busy: () => t('The camera does not answer. It may be in use by another program. Try again, or choose photos from a file.'),
};

const kind = () => (document.querySelector('input[name=camera-kind]:checked')?.value === 'card' ? 'card' : 'pages');

function stopCamera() {
  opening += 1;
  camera.stopStream(stream);
  stream = null;
  video.srcObject = null;
  shoot.disabled = true; // until the next camera shows a picture
}

video.addEventListener('playing', () => {
  shoot.disabled = !stream;
});

function forgetShots() {
  for (const { url } of shots) {
    URL.revokeObjectURL(url);
    state.objectUrls.delete(url);
  }
  shots = [];
  cardFront = null;
  retaking = -1;
}

/** What to do now, said beside the button. */
function showStep() {
  const number = retaking >= 0 ? retaking + 1 : shots.length + 1;
  let step;
  if (kind() === 'card') {
    step = cardFront
      ? t('Now turn the card over: hold the back in front of the camera.')
      : t('Hold the front of the card in front of the camera.');
  } else if (retaking >= 0) {
    step = t('Hold page {number} in front of the camera again.', { number });
  } else {
    step = t('Hold page {number} in front of the camera.', { number });
  }
  byId('camera-step').textContent = step;
}

function pageButton(action, name, labelText) {
  return el('button', {
    className: 'btn btn-small btn-icon',
    attrs: { type: 'button', 'data-action': action, 'aria-label': labelText, title: labelText },
  }, [icon(name)]);
}

function showShots(news = '') {
  pageList.replaceChildren(...shots.map(({ url }, index) => {
    const number = index + 1;
    const item = el('li', { className: 'page-thumb', attrs: { 'data-page': String(number) } }, [
      el('img', { attrs: { src: url, alt: '' } }),
      el('span', { className: 'page-number', text: t('Page {number}', { number }) }),
      el('span', { className: 'page-actions' }, [
        pageButton('retake', 'camera', t('Take page {number} again', { number })),
        pageButton('remove', 'delete', t('Remove page {number}', { number })),
      ]),
    ]);
    if (index === retaking) item.classList.add('page-retaking');
    return item;
  }));
  pageList.hidden = shots.length === 0;
  said.textContent = news;
  showStep();
}

/** Show the live camera, or the file chooser with `failure`'s message. */
function showState(failure) {
  starting.hidden = true;
  live.hidden = Boolean(failure);
  fallback.hidden = !failure;
  byId('camera-leave').hidden = !failure;
  byId('camera-fallback-message').textContent = failure ? FAILURES[failure]() : '';
}

async function fillCameraChoice() {
  const cameras = await camera.listCameras().catch(() => []);
  const current = camera.streamCamera(stream);
  choice.replaceChildren(...cameras.map(({ deviceId, label }, index) =>
    el('option', { text: label || t('Camera {number}', { number: index + 1 }), attrs: { value: deviceId } })));
  choice.value = current;
  byId('camera-choice-field').hidden = cameras.length < 2;
}

async function start() {
  stopCamera();
  const mine = opening;
  starting.hidden = false;
  live.hidden = true;
  fallback.hidden = true;
  byId('camera-leave').hidden = false;
  if (!camera.cameraAvailable()) {
    showState('none');
    return;
  }
  let opened;
  try {
    opened = await camera.openCamera(chosenCamera);
  } catch (error) {
    if (mine !== opening) return;
    if (chosenCamera && camera.failureKind(error) === 'none') {
      chosenCamera = ''; // the camera chosen earlier was unplugged: take another one
      start();
      return;
    }
    showState(camera.failureKind(error));
    return;
  }
  if (mine !== opening) {
    camera.stopStream(opened); // the screen was left while the camera was opening
    return;
  }
  stream = opened;
  video.srcObject = stream;
  showState('');
  await fillCameraChoice();
}

/** The picture taken now: added as a page, or put in place of the page taken again. */
function keep(blob) {
  taken += 1;
  const file = new File([blob], `photo-${taken}.jpg`, { type: 'image/jpeg' });
  const url = URL.createObjectURL(file);
  state.objectUrls.add(url);
  if (retaking >= 0) {
    const number = retaking + 1;
    URL.revokeObjectURL(shots[retaking].url);
    state.objectUrls.delete(shots[retaking].url);
    shots[retaking] = { file, url };
    retaking = -1;
    showShots(t('Page {number} taken again.', { number }));
  } else {
    shots.push({ file, url });
    showShots(t('Page {number} taken.', { number: shots.length }));
  }
}

// While a photo is being taken the button stays enabled (disabling it would drop the
// keyboard's focus): it is marked busy, and a press meanwhile is ignored.
shoot.addEventListener('click', async () => {
  if (!stream || shoot.getAttribute('aria-busy') === 'true') return;
  setError('camera-error', '');
  shoot.setAttribute('aria-busy', 'true');
  try {
    const picture = await camera.takePicture(video);
    if (kind() !== 'card') {
      keep(picture);
    } else if (!cardFront) {
      cardFront = picture;
      said.textContent = t('Front taken.');
      showStep();
    } else {
      const front = cardFront;
      cardFront = null;
      keep(await camera.cardPicture(front, picture));
    }
  } catch {
    setError('camera-error', t('The photo could not be taken. Please try again.'));
  } finally {
    shoot.removeAttribute('aria-busy');
  }
});

for (const radio of document.querySelectorAll('input[name=camera-kind]')) {
  radio.addEventListener('change', () => {
    cardFront = null;
    showStep();
  });
}

choice.addEventListener('change', () => {
  chosenCamera = choice.value;
  start();
});

pageList.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const index = Number(button.closest('li').dataset.page) - 1;
  const number = index + 1;
  if (button.dataset.action === 'retake') {
    retaking = index;
    cardFront = null;
    showShots(t('Take page {number} again: press “{button}”.', { number, button: shoot.textContent.trim() }));
    shoot.focus();
    return;
  }
  const [removed] = shots.splice(index, 1);
  URL.revokeObjectURL(removed.url);
  state.objectUrls.delete(removed.url);
  if (retaking === index) retaking = -1;
  else if (retaking > index) retaking -= 1;
  showShots(t('Page {number} removed.', { number }));
  const next = pageList.children[Math.min(index, shots.length - 1)];
  (next?.querySelector('[data-action=remove]') ?? shoot).focus();
});

byId('camera-done').addEventListener('click', () => {
  if (!shots.length) {
    setError('camera-error', t('Take a photo first.'));
    shoot.focus();
    return;
  }
  go('add', { photos: shots.map(({ file }) => file) });
});

const cancel = () => go('add', { photos: [] });
byId('camera-cancel').addEventListener('click', cancel);
byId('camera-back').addEventListener('click', cancel);
byId('camera-retry').addEventListener('click', () => start());
byId('camera-file').addEventListener('change', (event) => {
  const files = [...event.target.files];
  event.target.value = '';
  if (files.length) go('add', { photos: files, named: true });
});

/** The screen is shown: no photo yet, pages of a paper, and the camera starts. */
export function show() {
  forgetShots();
  for (const radio of document.querySelectorAll('input[name=camera-kind]')) radio.checked = radio.value === 'pages';
  setError('camera-error', '');
  showShots();
  return start();
}

/** The screen gives way (to another one, or the page is left): the camera stops. */
export function leave() {
  stopCamera();
  forgetShots();
  pageList.replaceChildren();
  said.textContent = '';
}
