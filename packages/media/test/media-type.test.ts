// mediaType: the MIME type the console gives a revealed original, from its
// first bytes only; real files for the common formats, headers for the rest.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SNIFF_BYTES, mediaType } from '@disrupt/media';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { PDQ_DIR, VPDQ_DIR } from '../../../test/reference.ts';

const head = (bytes: Uint8Array) => bytes.subarray(0, SNIFF_BYTES);
const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

/** An ISO BMFF file's first box: ftyp with a major brand and compatible brands. */
const ftyp = (major: string, ...compatible: string[]) => {
  const body = ascii(`ftyp${major}\0\0\0\0${compatible.join('')}`);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(body.length + 4);
  return new Uint8Array(Buffer.concat([size, body]));
};
/** The start of an EBML (Matroska) file with its DocType, as muxers write it. */
const ebml = (docType: string) => new Uint8Array(Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01, 0x42, 0x82, 0x80 | docType.length]), Buffer.from(docType, 'latin1')]));

describe('mediaType', () => {
  it('names the image formats from real files', async () => {
    const jpeg = readFileSync(join(PDQ_DIR, 'data/bridge-mods/aaa-orig.jpg'));
    expect(mediaType(head(jpeg))).toBe('image/jpeg');
    const image = sharp(jpeg).resize(32, 32);
    expect(mediaType(head(await image.clone().png().toBuffer()))).toBe('image/png');
    expect(mediaType(head(await image.clone().webp().toBuffer()))).toBe('image/webp');
    expect(mediaType(head(await image.clone().gif().toBuffer()))).toBe('image/gif');
    expect(mediaType(head(await image.clone().tiff().toBuffer()))).toBe('image/tiff');
  });

  it('names mp4 (a real file), QuickTime, 3GPP, WebM and Matroska videos', () => {
    expect(mediaType(head(readFileSync(join(VPDQ_DIR, 'sample-videos/chair-19-sd-bar.mp4'))))).toBe('video/mp4');
    expect(mediaType(ftyp('isom', 'isom', 'iso2', 'mp41'))).toBe('video/mp4');
    expect(mediaType(ftyp('qt  ', 'qt  '))).toBe('video/quicktime');
    expect(mediaType(ftyp('3gp5', '3gp5', 'isom'))).toBe('video/3gpp');
    expect(mediaType(ebml('webm'))).toBe('video/webm');
    expect(mediaType(ebml('matroska'))).toBe('video/x-matroska');
    // Still images in an ISO BMFF box are images, not videos.
    expect(mediaType(ftyp('heic', 'mif1', 'heic'))).toBe('image/heic');
    expect(mediaType(ftyp('avif', 'mif1', 'avif'))).toBe('image/avif');
  });

  it('never gives a scriptable type: SVG, HTML, PDF and the unknown are octet-stream', () => {
    for (const text of ['<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', '<?xml version="1.0"?><svg/>', '<!doctype html><script>x</script>', '%PDF-1.7', '']) {
      expect(mediaType(ascii(text))).toBe('application/octet-stream');
    }
  });
});
