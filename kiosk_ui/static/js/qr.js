// Draws a QR code as SVG elements (no innerHTML), with the vendored
// qrcode-generator (scripts/vendor-browser-libs.sh).
import { qrcode } from '/static/vendor/qrcode-generator/qrcode.mjs';

const SVG = 'http://www.w3.org/2000/svg';
const QUIET = 4;

/**
 * An <svg> QR code of `text`, with `label` as its accessible name.
 * @param {string} text
 * @param {string} label
 * @returns {SVGSVGElement}
 */
export function qrSvg(text, label) {
  const code = qrcode(0, 'M');
  // qrcode-generator keeps one byte per character: give it the UTF-8 bytes, so a
  // wallet name with accents or in another script reads back the same.
  code.addData(String.fromCharCode(...new TextEncoder().encode(text)));
  code.make();
  const count = code.getModuleCount();
  const size = count + 2 * QUIET;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('shape-rendering', 'crispEdges');
  const background = document.createElementNS(SVG, 'rect');
  background.setAttribute('width', String(size));
  background.setAttribute('height', String(size));
  background.setAttribute('fill', '#fff');
  let path = '';
  for (let row = 0; row < count; row += 1) {
    for (let col = 0; col < count; col += 1) {
      if (code.isDark(row, col)) path += `M${col + QUIET} ${row + QUIET}h1v1h-1z`;
    }
  }
  const modules = document.createElementNS(SVG, 'path');
  modules.setAttribute('d', path);
  modules.setAttribute('fill', '#000');
  svg.append(background, modules);
  return svg;
}
