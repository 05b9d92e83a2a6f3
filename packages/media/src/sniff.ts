// What a file is, judged by its first bytes, never by its name or by what the
// sender claims. Only formats on the allow-list are decoded: SVG (scriptable,
// a classic attack vector), PDF, and everything else are refused early.

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'avif' | 'heic' | 'tiff';
export type Sniffed = { kind: 'image'; format: ImageFormat } | { kind: 'video-candidate' } | { kind: 'unknown' };

/** How many leading bytes `sniff` needs. */
export const SNIFF_BYTES = 64;

const ISO_BMFF_AVIF = new Set(['avif', 'avis']);
const ISO_BMFF_HEIC = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs', 'mif1', 'msf1', 'mif2']);

function ascii(bytes: Uint8Array, start: number, length: number): string {
  let s = '';
  for (let i = start; i < start + length && i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + prefix.length) return false;
  return prefix.every((b, i) => bytes[offset + i] === b);
}

export function sniff(head: Uint8Array): Sniffed {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { kind: 'image', format: 'jpeg' };
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'image', format: 'png' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP') return { kind: 'image', format: 'webp' };
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return { kind: 'image', format: 'gif' };
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return { kind: 'image', format: 'tiff' };
  if (ascii(head, 4, 4) === 'ftyp') {
    // ISO base media: the major brand and the compatible brands say whether it
    // is a still image (AVIF, HEIF) or a movie (mp4, mov, 3gp…).
    const boxSize = ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0;
    const brands: string[] = [ascii(head, 8, 4)];
    for (let o = 16; o + 4 <= Math.min(boxSize, head.length); o += 4) brands.push(ascii(head, o, 4));
    if (brands.some((b) => ISO_BMFF_AVIF.has(b))) return { kind: 'image', format: 'avif' };
    if (brands.some((b) => ISO_BMFF_HEIC.has(b))) return { kind: 'image', format: 'heic' };
    return { kind: 'video-candidate' };
  }
  // Matroska/WebM (EBML), AVI (RIFF…AVI ), MPEG-TS / PS, FLV, Ogg, ASF: ffprobe decides.
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return { kind: 'video-candidate' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'AVI ') return { kind: 'video-candidate' };
  if (ascii(head, 0, 3) === 'FLV' || ascii(head, 0, 4) === 'OggS') return { kind: 'video-candidate' };
  if (head[0] === 0x47 && (head.length < 189 || head[188] === 0x47)) return { kind: 'video-candidate' };
  if (startsWith(head, [0x00, 0x00, 0x01, 0xba]) || startsWith(head, [0x00, 0x00, 0x01, 0xb3])) return { kind: 'video-candidate' };
  if (startsWith(head, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11])) return { kind: 'video-candidate' };
  return { kind: 'unknown' };
}

const IMAGE_TYPES: Readonly<Record<ImageFormat, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  heic: 'image/heic',
  tiff: 'image/tiff',
};

/**
 * The MIME type of a file on the allow-list, from its first bytes (SNIFF_BYTES),
 * for a browser to build a typed Blob; `application/octet-stream` for
 * anything else. Never a scriptable type (SVG, HTML): nothing that is not
 * positively recognised here gets a type a browser would render as a document.
 */
export function mediaType(head: Uint8Array): string {
  const sniffed = sniff(head);
  if (sniffed.kind === 'image') return IMAGE_TYPES[sniffed.format];
  if (sniffed.kind === 'unknown') return 'application/octet-stream';
  if (ascii(head, 4, 4) === 'ftyp') {
    const brand = ascii(head, 8, 4);
    if (brand === 'qt  ') return 'video/quicktime';
    if (brand.startsWith('3g2')) return 'video/3gpp2';
    if (brand.startsWith('3gp')) return 'video/3gpp';
    return 'video/mp4';
  }
  // EBML: the DocType element (0x42 0x82) says webm or matroska, within the first bytes.
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return ascii(head, 0, head.length).includes('webm') ? 'video/webm' : 'video/x-matroska';
  if (ascii(head, 0, 4) === 'RIFF') return 'video/x-msvideo';
  if (ascii(head, 0, 3) === 'FLV') return 'video/x-flv';
  if (ascii(head, 0, 4) === 'OggS') return 'video/ogg';
  if (head[0] === 0x47) return 'video/mp2t';
  if (startsWith(head, [0x00, 0x00, 0x01, 0xba]) || startsWith(head, [0x00, 0x00, 0x01, 0xb3])) return 'video/mpeg';
  return 'video/x-ms-asf';
}
