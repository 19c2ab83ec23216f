// PDF previews with the PDF.js that kiosk_ui vendors (/static/vendor/pdfjs),
// imported only when a PDF is shown. Pages are drawn on canvases: no links,
// forms, scripts, XFA or text layer, nothing of the PDF that could act. The
// CSP has no 'wasm-unsafe-eval', so PDF.js runs with its JavaScript decoders.
const VENDOR = '/static/vendor/pdfjs/';
const SCALE = 2; // sharp on screen and on paper (144 dpi)
const MAX_PAGES = 200;
let library = null;

function pdfjs() {
  library ??= import(`${VENDOR}pdf.min.mjs`).then((module) => {
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
 * Every page of a decrypted PDF drawn on its own canvas, in a <div class="pdf-pages">.
 * @param {Blob} blob
 * @param {(page: number) => string} label accessible name of each page's picture
 * @returns {Promise<HTMLElement>}
 */
export async function pdfPages(blob, label) {
  const { getDocument } = await pdfjs();
  const task = getDocument({
    data: new Uint8Array(await blob.arrayBuffer()),
    useWasm: false,
    wasmUrl: `${VENDOR}wasm/`,
    standardFontDataUrl: `${VENDOR}standard_fonts/`,
    isEvalSupported: false,
    enableXfa: false,
  });
  const pdf = await task.promise;
  const pages = document.createElement('div');
  pages.className = 'pdf-pages';
  try {
    for (let number = 1; number <= Math.min(pdf.numPages, MAX_PAGES); number += 1) {
      const page = await pdf.getPage(number);
      const viewport = page.getViewport({ scale: SCALE });
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.floor(viewport.width));
      canvas.height = Math.max(1, Math.floor(viewport.height));
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', label(number));
      await page.render({ canvas, canvasContext: canvas.getContext('2d'), viewport }).promise;
      page.cleanup();
      pages.append(canvas);
    }
  } finally {
    await task.destroy();
  }
  return pages;
}
