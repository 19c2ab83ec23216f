// The terminal's camera, through getUserMedia: desktop browsers ignore a file
// input's `capture`, so a webcam or a document camera at a day centre is read
// here instead. Opening, listing and stopping a camera, and taking a picture of
// what it shows as a JPEG. Nothing leaves the page: a picture is a Blob in
// memory until the add screen encrypts it. Loaded when the camera screen first
// opens (screens/camera.js).

const JPEG_QUALITY = 0.9;
// Asked for, not required: a document camera gives its best up to this, the
// browser gives what the camera has (the page follows the picture's shape).
const WANTED = { width: { ideal: 2048 }, height: { ideal: 1536 } };
const CARD_GAP = 24; // pixels of white between a card's front and its back

/** True when this browser can ask for a camera at all (a secure page with mediaDevices). */
export const cameraAvailable = () => Boolean(globalThis.navigator?.mediaDevices?.getUserMedia);

/**
 * Open a camera: the one with `deviceId` (chosen earlier in this session), else
 * the one facing away from the person (a phone's back camera), else any.
 * @param {string} deviceId
 * @returns {Promise<MediaStream>}
 */
export function openCamera(deviceId) {
  const video = deviceId ? { ...WANTED, deviceId: { exact: deviceId } } : { ...WANTED, facingMode: { ideal: 'environment' } };
  return navigator.mediaDevices.getUserMedia({ video, audio: false });
}

/** Stop every track of `stream`: the camera's light goes off. */
export function stopStream(stream) {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/** The id of the camera `stream` reads from, or ''. */
export const streamCamera = (stream) => stream?.getVideoTracks()[0]?.getSettings().deviceId ?? '';

/**
 * The cameras of this computer ({deviceId, label}; labels are known once the
 * person allowed one camera).
 * @returns {Promise<{deviceId: string, label: string}[]>}
 */
export async function listCameras() {
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices
    .filter((device) => device.kind === 'videoinput' && device.deviceId)
    .map(({ deviceId, label }) => ({ deviceId, label }));
}

/**
 * Why a camera could not be opened, for the words the person reads:
 * 'refused' (permission refused, by the person or the page's policy),
 * 'none' (no camera, or the chosen one is gone), or 'busy' (it does not answer).
 */
export function failureKind(error) {
  if (!error || error.name === 'NotAllowedError' || error.name === 'SecurityError') return 'refused';
  if (['NotFoundError', 'OverconstrainedError', 'TypeError'].includes(error.name)) return 'none';
  return 'busy';
}

function jpeg(canvas) {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('no picture'))), 'image/jpeg', JPEG_QUALITY);
  });
}

function canvasOf(width, height) {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  return [canvas, context];
}

/** What `video` shows now, at the camera's full size, as a JPEG Blob. */
export async function takePicture(video) {
  const { videoWidth: width, videoHeight: height } = video;
  if (!width || !height) throw new Error('the camera shows nothing yet');
  const [canvas, context] = canvasOf(width, height);
  context.drawImage(video, 0, 0, width, height);
  try {
    return await jpeg(canvas);
  } finally {
    canvas.width = 0;
    canvas.height = 0;
  }
}

/**
 * A card's two sides as one picture, the front above the back, as on a
 * photocopy of an identity card: one page that a worker prints on one sheet.
 * @param {Blob} front
 * @param {Blob} back
 */
export async function cardPicture(front, back) {
  const [top, bottom] = await Promise.all([createImageBitmap(front), createImageBitmap(back)]);
  const width = Math.max(top.width, bottom.width);
  const [canvas, context] = canvasOf(width, top.height + CARD_GAP + bottom.height);
  context.drawImage(top, (width - top.width) / 2, 0);
  context.drawImage(bottom, (width - bottom.width) / 2, top.height + CARD_GAP);
  top.close();
  bottom.close();
  try {
    return await jpeg(canvas);
  } finally {
    canvas.width = 0;
    canvas.height = 0;
  }
}
