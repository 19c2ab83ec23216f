// PDF previews with Mozilla's PDF.js (vendored in /static/kit/vendor/pdfjs by
// scripts/vendor-browser-libs.sh), the one loader of every page. It is large, so
// it is imported only when a PDF is shown. Pages are drawn on canvases, with
// nothing of the PDF that could act: no links, forms, scripts, XFA or text
// layer; annotations (filled-in fields, stamps) are drawn into the picture. The
// pages' CSP has no 'wasm-unsafe-eval', so PDF.js runs with its plain
// JavaScript image decoders (useWasm: false).
const VENDOR = '/static/kit/vendor/pdfjs/';
const PRINT_SCALE = 2; // 144 dpi on paper, and sharp on screen
const MAX_PAGES = 200; // every page at once: a bound on the canvases a PDF can ask for
let library = null;

function pdfjs() {
  // Written out, not built from VENDOR, so that tests/unit/test_es_modules.py can follow it.
  library ??= import('/static/kit/vendor/pdfjs/pdf.min.mjs').then((module) => {
    module.GlobalWorkerOptions.workerSrc = `${VENDOR}pdf.worker.min.mjs`;
    return module;
  });
  return library;
}

/** Whether PDF.js is served here (else the caller falls back to the browser's viewer). */
export async function pdfjsAvailable() {
  try {
    await pdfjs();
    return true;
  } catch {
    library = null;
    return false;
  }
}

/**
 * Open a decrypted PDF held in this page; resolves to PDF.js's document
 * (`numPages`, `getPage`), to let go of with `closePdf`.
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

/** Let go of an open PDF: PDF.js keeps it in its worker until then. (Its document
 * has no destroy() of its own since PDF.js 5: the task that loaded it does.) */
export function closePdf(pdf) {
  return pdf.loadingTask.destroy();
}

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

/** Draw page `pageNumber` (from 1) of an open PDF on `canvas`, `cssWidth` pixels wide on screen. */
export function drawPage(pdf, pageNumber, canvas, cssWidth) {
  const ratio = window.devicePixelRatio || 1;
  return render(pdf, pageNumber, canvas, (unit) => (cssWidth / unit.width) * ratio);
}

/** Every page of an open PDF as a PNG Blob at print resolution, for the printer. */
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

/**
 * Every page of a decrypted PDF drawn on its own canvas, in a <div class="pdf-pages">
 * (the first MAX_PAGES), for a page that shows and prints them all at once.
 * @param {Blob} blob
 * @param {(page: number) => string} label accessible name of each page's picture
 * @returns {Promise<HTMLElement>}
 */
export async function pdfPages(blob, label) {
  const pdf = await openPdf(blob);
  const pages = document.createElement('div');
  pages.className = 'pdf-pages';
  try {
    for (let number = 1; number <= Math.min(pdf.numPages, MAX_PAGES); number += 1) {
      const canvas = document.createElement('canvas');
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', label(number));
      await render(pdf, number, canvas, () => PRINT_SCALE);
      pages.append(canvas);
    }
  } finally {
    await closePdf(pdf);
  }
  return pages;
}
