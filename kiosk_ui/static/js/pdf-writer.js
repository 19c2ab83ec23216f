// Several photos of a paper document become one PDF, made in this page. Each
// photo is one A4 page (landscape when the photo is wider than high), the
// picture fitted inside a margin. A JPEG goes in as it is (DCTDecode); other
// images, phone photos taken sideways (EXIF orientation), CMYK and very large
// pictures are drawn on a canvas and encoded as JPEG first. The file is a
// hand-written PDF 1.4: catalogue, page tree, and per page an image and a
// content stream that draws it.

const A4 = [595.28, 841.89]; // points
const MARGIN = 18; // points, a quarter of an inch
const MAX_SIDE = 3000; // pixels: larger photos are scaled down
const JPEG_QUALITY = 0.9;
const EMBEDDABLE_FRAMES = new Set([0xc0, 0xc1, 0xc2]); // baseline, extended, progressive

/** A chosen file that no image decoder of this browser can read. */
export class UnreadableImage extends Error {
  constructor(name) {
    super(`unreadable image: ${name}`);
    this.name = 'UnreadableImage';
    this.fileName = name;
  }
}

function exifOrientation(bytes, start, length) {
  const end = Math.min(start + length, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, Math.max(0, end - start));
  if (view.byteLength < 14 || view.getUint32(0) !== 0x45786966) return null; // "Exif"
  const tiff = 6;
  const little = view.getUint16(tiff) === 0x4949; // "II"
  const ifd = tiff + view.getUint32(tiff + 4, little);
  if (ifd + 2 > view.byteLength) return null;
  const count = view.getUint16(ifd, little);
  for (let index = 0; index < count; index += 1) {
    const entry = ifd + 2 + index * 12;
    if (entry + 12 > view.byteLength) return null;
    if (view.getUint16(entry, little) === 0x0112) return view.getUint16(entry + 8, little);
  }
  return null;
}

/**
 * The frame of a JPEG: {width, height, components, orientation, frame}, or
 * null when the bytes are not a JPEG whose frame header can be found.
 * @param {Uint8Array} bytes
 */
export function jpegInfo(bytes) {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let orientation = 1;
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return null;
    const marker = bytes[offset + 1];
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    const length = (bytes[offset + 2] << 8) | bytes[offset + 3];
    const start = offset + 4;
    if (marker === 0xe1) orientation = exifOrientation(bytes, start, length - 2) ?? orientation;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrame && start + 6 <= bytes.length) {
      return {
        frame: marker,
        height: (bytes[start + 1] << 8) | bytes[start + 2],
        width: (bytes[start + 3] << 8) | bytes[start + 4],
        components: bytes[start + 5],
        orientation,
      };
    }
    if (marker === 0xda) return null; // image data before any frame header
    offset = start + length - 2;
  }
  return null;
}

function embeddable(info) {
  return (
    info !== null &&
    EMBEDDABLE_FRAMES.has(info.frame) &&
    (info.components === 1 || info.components === 3) &&
    info.orientation === 1 &&
    info.width > 0 &&
    info.height > 0 &&
    Math.max(info.width, info.height) <= MAX_SIDE
  );
}

/** Draw any image the browser reads (upright, on white) and encode it as JPEG. */
async function reencode(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw new UnreadableImage(file.name);
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff'; // transparent pixels become paper, not black
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY));
  canvas.width = 0;
  canvas.height = 0;
  if (!blob) throw new UnreadableImage(file.name);
  return { bytes: new Uint8Array(await blob.arrayBuffer()), width, height, components: 3 };
}

/** One page's picture as JPEG bytes with its size and colour components. */
async function pagePicture(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const info = jpegInfo(bytes);
  if (embeddable(info)) return { bytes, width: info.width, height: info.height, components: info.components };
  return reencode(file);
}

const number = (value) => value.toFixed(2).replace(/\.?0+$/, '');

/** Where the picture goes on its A4 page: [pageWidth, pageHeight, x, y, w, h] in points. */
function placement(width, height) {
  const [pageWidth, pageHeight] = width > height ? [A4[1], A4[0]] : A4;
  const scale = Math.min((pageWidth - 2 * MARGIN) / width, (pageHeight - 2 * MARGIN) / height);
  const w = width * scale;
  const h = height * scale;
  return [pageWidth, pageHeight, (pageWidth - w) / 2, (pageHeight - h) / 2, w, h];
}

/**
 * A PDF with one page per picture, as a Blob.
 * @param {{bytes: Uint8Array, width: number, height: number, components: number}[]} pictures
 */
export function writePdf(pictures) {
  const encoder = new TextEncoder();
  const parts = [];
  const offsets = [0]; // object 0 is the free-list head
  let position = 0;
  const bytes = (part) => {
    parts.push(part);
    position += part.byteLength;
  };
  const text = (ascii) => bytes(encoder.encode(ascii));
  const object = (id, body, stream = null) => {
    offsets[id] = position;
    if (stream === null) {
      text(`${id} 0 obj\n${body}\nendobj\n`);
      return;
    }
    text(`${id} 0 obj\n${body}\nstream\n`);
    bytes(stream);
    text('\nendstream\nendobj\n');
  };

  bytes(new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x34, 0x0a, 0x25, 0xe2, 0xe3, 0xcf, 0xd3, 0x0a])); // %PDF-1.4, binary marker
  const kids = pictures.map((_, index) => `${3 + 3 * index} 0 R`).join(' ');
  object(1, '<< /Type /Catalog /Pages 2 0 R >>');
  object(2, `<< /Type /Pages /Kids [${kids}] /Count ${pictures.length} >>`);
  pictures.forEach((picture, index) => {
    const [page, contents, image] = [3, 4, 5].map((first) => first + 3 * index);
    const [pageWidth, pageHeight, x, y, w, h] = placement(picture.width, picture.height);
    const draw = encoder.encode(`q ${number(w)} 0 0 ${number(h)} ${number(x)} ${number(y)} cm /Im0 Do Q\n`);
    object(
      page,
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${number(pageWidth)} ${number(pageHeight)}] ` +
        `/Resources << /XObject << /Im0 ${image} 0 R >> >> /Contents ${contents} 0 R >>`,
    );
    object(contents, `<< /Length ${draw.byteLength} >>`, draw);
    const colours = picture.components === 1 ? '/DeviceGray' : '/DeviceRGB';
    object(
      image,
      `<< /Type /XObject /Subtype /Image /Width ${picture.width} /Height ${picture.height} ` +
        `/ColorSpace ${colours} /BitsPerComponent 8 /Filter /DCTDecode /Length ${picture.bytes.byteLength} >>`,
      picture.bytes,
    );
  });
  const size = offsets.length;
  const xref = position;
  const entries = offsets.map((offset, id) =>
    id === 0 ? '0000000000 65535 f \n' : `${String(offset).padStart(10, '0')} 00000 n \n`,
  );
  text(`xref\n0 ${size}\n${entries.join('')}trailer\n<< /Size ${size} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return new Blob(parts, { type: 'application/pdf' });
}

/**
 * One PDF document from photos, in the order given; `onPage(done, total)` after each page.
 * Throws UnreadableImage for a file that is not a picture this browser reads.
 * @param {File[]} photos
 */
export async function photosToPdf(photos, onPage = () => {}) {
  const pictures = [];
  for (const photo of photos) {
    pictures.push(await pagePicture(photo));
    onPage(pictures.length, photos.length);
  }
  return writePdf(pictures);
}
