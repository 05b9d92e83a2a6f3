// Chromium applies a JPEG's EXIF orientation when it decodes, even when asked
// not to (createImageBitmap's imageOrientation 'none' behaves as 'from-image'
// in Chromium 156, measured by the agreement test). Meta's reference hashes
// the pixels as stored, so before decoding we hand the browser a copy of the
// bytes whose Orientation tag says 1 ("as stored"). The MD5 is always of the
// file's own bytes.

const ORIENTATION_TAG = 0x0112;

/** The JPEG with its EXIF Orientation set to 1, or the same array when there is none to change. */
export function jpegWithoutOrientation(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return bytes;
    const marker = bytes[i + 1]!;
    // Start of scan or end of image: no EXIF block before the pixels.
    if (marker === 0xda || marker === 0xd9) return bytes;
    const length = view.getUint16(i + 2);
    if (length < 2) return bytes;
    if (marker === 0xe1 && i + 10 <= bytes.length && String.fromCharCode(...bytes.subarray(i + 4, i + 10)) === 'Exif\0\0') {
      const found = orientationOffset(view, i + 10, Math.min(bytes.length, i + 2 + length));
      if (found === null || view.getUint16(found.offset, found.little) === 1) return bytes;
      const copy = bytes.slice();
      new DataView(copy.buffer).setUint16(found.offset, 1, found.little);
      return copy;
    }
    i += 2 + length;
  }
  return bytes;
}

function orientationOffset(view: DataView, tiff: number, end: number): { offset: number; little: boolean } | null {
  if (tiff + 8 > end) return null;
  const order = view.getUint16(tiff);
  const little = order === 0x4949;
  if (!little && order !== 0x4d4d) return null;
  const ifd = tiff + view.getUint32(tiff + 4, little);
  if (ifd + 2 > end) return null;
  const count = view.getUint16(ifd, little);
  for (let k = 0; k < count; k++) {
    const entry = ifd + 2 + k * 12;
    if (entry + 12 > end) return null;
    // A SHORT value sits in the first two bytes of the entry's value field.
    if (view.getUint16(entry, little) === ORIENTATION_TAG) return { offset: entry + 8, little };
  }
  return null;
}
