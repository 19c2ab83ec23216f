// PDF previews with Mozilla's PDF.js (vendored in /static/vendor/pdfjs), which
// is large: it is imported only when a PDF is shown. Pages are drawn on a
// canvas, with nothing of the PDF that could act: no links, forms, scripts,
// XFA or text layer. The page's CSP has no 'wasm-unsafe-eval', so PDF.js runs
// with its plain JavaScript image decoders (useWasm: false).

const VENDOR = '/static/vendor/pdfjs/';
const PRINT_SCALE = 2; // 144 dpi on paper
let library = null;

function pdfjs() {
  library ??= import(`${VENDOR}pdf.min.mjs`).then((module) => {
    module.GlobalWorkerOptions.workerSrc = `${VENDOR}pdf.worker.min.mjs`;
    return module;
  });
  return library;
}

/**
 * Open a decrypted PDF held in this page; resolves to PDF.js's document
 * (`numPages`, `getPage`, `destroy`).
 * @param {Blob} blob
 */
export async function openPdf(blob) {
  const { getDocument } = await pdfjs();
  const task = getDocument({
    data: new Uint8Array(await blob.arrayBuffer()),
    useWasm: false,
    wasmUrl: `${VENDOR}wasm/`,
    standardFontDataUrl: `${VENDOR}standard_fonts/`,
    isEvalSupported: false, // older PDF.js versions compiled fonts with eval
    enableXfa: false,
  });
  return task.promise;
}

// Annotations (filled-in form fields, stamps) are drawn into the picture, never as live elements.
async function render(pdf, pageNumber, canvas, scaleFor, intent = 'display') {
  const page = await pdf.getPage(pageNumber);
  try {
    const viewport = page.getViewport({ scale: scaleFor(page.getViewport({ scale: 1 })) });
    canvas.width = Math.max(1, Math.floor(viewport.width));
    canvas.height = Math.max(1, Math.floor(viewport.height));
    await page.render({ canvas, canvasContext: canvas.getContext('2d'), viewport, intent }).promise;
  } finally {
    page.cleanup();
  }
}

/** Draw page `pageNumber` (from 1) on `canvas`, `cssWidth` pixels wide on screen. */
export function drawPage(pdf, pageNumber, canvas, cssWidth) {
  const ratio = window.devicePixelRatio || 1;
  return render(pdf, pageNumber, canvas, (unit) => (cssWidth / unit.width) * ratio);
}

/** Every page as a PNG Blob at print resolution, for the printer. */
export async function printImages(pdf) {
  const images = [];
  for (let number = 1; number <= pdf.numPages; number += 1) {
    const canvas = document.createElement('canvas');
    await render(pdf, number, canvas, () => PRINT_SCALE, 'print');
    images.push(await new Promise((resolve) => canvas.toBlob(resolve, 'image/png')));
    canvas.width = 0;
    canvas.height = 0;
  }
  return images;
}
