// Read the text of a QR code in a photo, in this page: nothing is sent
// anywhere. The browser's own BarcodeDetector when it has one for QR codes,
// else the vendored jsQR (scripts/vendor-browser-libs.sh), loaded only now.
// Imported only when a person reads their wallet card from a photo.

const MAX_SIDE = 1600; // a phone photo is scaled down: a card's QR code stays readable

async function detectNatively(bitmap) {
  if (!('BarcodeDetector' in globalThis)) return null;
  try {
    const formats = await globalThis.BarcodeDetector.getSupportedFormats();
    if (!formats.includes('qr_code')) return null;
    const [found] = await new globalThis.BarcodeDetector({ formats: ['qr_code'] }).detect(bitmap);
    return found ? found.rawValue : null;
  } catch {
    return null; // the platform's detector failed: the fallback decides
  }
}

function pixels(bitmap) {
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.fillStyle = '#fff'; // a transparent PNG reads as white paper, not black
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0, width, height);
  return context.getImageData(0, 0, width, height);
}

async function detectWithJsQr(bitmap) {
  // jsQR's UMD build, imported as a module, sets globalThis.jsQR.
  await import('/static/vendor/jsqr/jsQR.js');
  const image = pixels(bitmap);
  const found = globalThis.jsQR(image.data, image.width, image.height);
  return found ? found.data : null;
}

/**
 * The text of the first QR code found in an image file, or null when there is none.
 * @param {Blob} file a photo or picture (JPEG, PNG, …)
 * @returns {Promise<string|null>}
 */
export async function readQrCode(file) {
  const bitmap = await createImageBitmap(file);
  try {
    return (await detectNatively(bitmap)) ?? (await detectWithJsQr(bitmap));
  } finally {
    bitmap.close();
  }
}
