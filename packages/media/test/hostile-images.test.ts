// Hostile and unusual image files: every one gets a clear reason, none crashes
// the process, and supported formats decode to the pixels the reference sees.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { hammingDistance, pdq } from '@disrupt/hashing';
import { DEFAULT_IMAGE_LIMITS, decodeImage, hashFile } from '@disrupt/media';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { PDQ_DIR } from '../../../test/reference.ts';

const dir = mkdtempSync(join(tmpdir(), 'disrupt-hostile-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const bridge = readFileSync(join(PDQ_DIR, 'data/bridge-mods/aaa-orig.jpg'));

function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A tiny PNG whose header claims width × height pixels: the classic decompression bomb. */
function bombPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const idat = deflateSync(Buffer.alloc(64 * 1024)); // far fewer bytes than the header promises
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', new Uint8Array())]);
}

async function reasonOf(bytes: Uint8Array, limits = DEFAULT_IMAGE_LIMITS): Promise<string> {
  const result = await decodeImage(bytes, limits);
  return result.ok ? 'ok' : result.reason;
}

describe('refused images', () => {
  it('refuses SVG, even with an XML prolog or a misleading name', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><script>alert(1)</script><rect width="100" height="100"/></svg>');
    expect(await reasonOf(svg)).toBe('unsupported_format');
    expect(await reasonOf(Buffer.concat([Buffer.from('<?xml version="1.0"?>\n'), svg]))).toBe('unsupported_format');
    const path = join(dir, 'photo.jpg');
    writeFileSync(path, svg);
    const result = await hashFile(path);
    expect(result.ok ? 'ok' : result.reason).toBe('unsupported_format');
  });

  it('refuses text, PDF and random bytes', async () => {
    expect(await reasonOf(Buffer.from('hello, this is not an image'))).toBe('unsupported_format');
    expect(await reasonOf(Buffer.from('%PDF-1.7\n1 0 obj\n'))).toBe('unsupported_format');
    const random = Buffer.alloc(4096);
    for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;
    expect(await reasonOf(random)).toBe('unsupported_format');
  });

  it('refuses an empty file', async () => {
    expect(await reasonOf(new Uint8Array())).toBe('empty_file');
    const path = join(dir, 'empty.png');
    writeFileSync(path, '');
    const result = await hashFile(path);
    expect(result.ok ? 'ok' : result.reason).toBe('empty_file');
  });

  it('refuses a truncated JPEG instead of hashing half a picture', async () => {
    expect(await reasonOf(bridge.subarray(0, Math.floor(bridge.length / 2)))).toBe('corrupt_file');
    expect(await reasonOf(bridge.subarray(0, 200))).toBe('corrupt_file');
  });

  it('refuses a JPEG whose data is garbage', async () => {
    const garbage = Buffer.from(bridge);
    for (let i = 600; i < garbage.length - 2; i += 7) garbage[i] = 0xff;
    expect(await reasonOf(garbage)).toBe('corrupt_file');
  });

  it('refuses a decompression bomb from its header, before decoding', async () => {
    const bomb = bombPng(60_000, 60_000);
    expect(bomb.length).toBeLessThan(1024);
    expect(await reasonOf(bomb)).toBe('too_many_pixels');
    expect(await reasonOf(bombPng(1 << 30, 1 << 30))).not.toBe('ok');
  });

  it('enforces the pixel and byte limits it is given', async () => {
    const png = await sharp({ create: { width: 2000, height: 1000, channels: 3, background: '#808080' } }).png().toBuffer();
    expect(await reasonOf(png, { ...DEFAULT_IMAGE_LIMITS, maxPixels: 1_000_000 })).toBe('too_many_pixels');
    expect(await reasonOf(png, { ...DEFAULT_IMAGE_LIMITS, maxBytes: 100 })).toBe('too_large');
    expect(await reasonOf(png)).toBe('ok');
  });

  it('says which format a JPEG-named PNG really is, by content', async () => {
    const png = await sharp(bridge).png().toBuffer();
    const decoded = await decodeImage(png);
    expect(decoded.ok && decoded.value.format).toBe('png');
  });
});

describe('supported formats', () => {
  async function referencePixels() {
    const decoded = await decodeImage(bridge);
    if (!decoded.ok) throw new Error(decoded.message);
    return decoded.value;
  }

  it('decodes lossless re-encodings (PNG, WebP, TIFF) to the same hash as the JPEG', async () => {
    const original = await referencePixels();
    const expected = pdq(original).hash;
    const raw = { raw: { width: original.width, height: original.height, channels: original.channels } } as const;
    for (const bytes of [
      await sharp(original.data, raw).png().toBuffer(),
      await sharp(original.data, raw).webp({ lossless: true }).toBuffer(),
      await sharp(original.data, raw).tiff({ compression: 'lzw' }).toBuffer(),
    ]) {
      const decoded = await decodeImage(bytes);
      if (!decoded.ok) throw new Error(decoded.message);
      expect(pdq(decoded.value).hash).toBe(expected);
    }
  });

  it('decodes AVIF and GIF (first frame only) close to the original', async () => {
    // A smaller picture: AVIF encoding is slow.
    const small = await decodeImage(await sharp(bridge).resize(400).png().toBuffer());
    if (!small.ok) throw new Error(small.message);
    const original = small.value;
    const expected = pdq(original).hash;
    const raw = { raw: { width: original.width, height: original.height, channels: original.channels } } as const;
    const avif = await decodeImage(await sharp(original.data, raw).avif({ quality: 80 }).toBuffer());
    if (!avif.ok) throw new Error(avif.message);
    expect(avif.value.format).toBe('avif');
    expect(hammingDistance(pdq(avif.value).hash, expected)).toBeLessThanOrEqual(31);

    // Two frames stacked: the photo, then its negative. Only the first counts.
    const negative = Buffer.from(original.data.map((v) => 255 - v));
    const stacked = Buffer.concat([Buffer.from(original.data), negative]);
    const gifBytes = await sharp(stacked, { raw: { ...raw.raw, height: original.height * 2, pageHeight: original.height } })
      .gif()
      .toBuffer();
    const gif = await decodeImage(gifBytes);
    if (!gif.ok) throw new Error(gif.message);
    expect([gif.value.width, gif.value.height]).toEqual([original.width, original.height]);
    expect(hammingDistance(pdq(gif.value).hash, expected)).toBeLessThanOrEqual(31);
  });

  it('decodes 16-bit PNG to 8-bit pixels', async () => {
    const original = await referencePixels();
    const raw = { raw: { width: original.width, height: original.height, channels: original.channels } } as const;
    const png16 = await sharp(original.data, raw).toColourspace('rgb16').png().toBuffer();
    const decoded = await decodeImage(png16);
    if (!decoded.ok) throw new Error(decoded.message);
    expect(decoded.value.data.length).toBe(original.width * original.height * 3);
    expect(pdq(decoded.value).hash).toBe(pdq(original).hash);
  });

  it('decodes HEIC through libheif when sharp cannot', async () => {
    const jpeg = join(PDQ_DIR, 'data/misc-images/wee.jpg');
    const heic = join(dir, 'wee.heic');
    execFileSync('heif-enc', ['-q', '90', '-o', heic, jpeg], { stdio: 'ignore' });
    const decoded = await decodeImage(readFileSync(heic));
    if (!decoded.ok) throw new Error(decoded.message);
    expect(decoded.value.format).toBe('heic');
    const fromJpeg = await decodeImage(readFileSync(jpeg));
    if (!fromJpeg.ok) throw new Error(fromJpeg.message);
    expect(hammingDistance(pdq(decoded.value).hash, pdq(fromJpeg.value).hash)).toBeLessThanOrEqual(31);
  });
});
