// Decoding photos into pixels for PDQ, with the reference's pixel policy:
// no EXIF auto-rotation, no ICC colour conversion, alpha dropped (not
// composited), grey kept as grey (used as luma). With this policy and sharp's
// libjpeg-turbo decoder, our hashes equal Meta's reference tool's.
//
// Hostile input is expected: the format is judged by content (allow-list),
// the pixel count is checked from the header before anything is decoded
// (decompression bombs), decoding warnings count as corruption (truncated
// JPEG), and decoding has a time limit.

import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pixels } from '@disrupt/hashing';
import sharp from 'sharp';
import { runDecoder } from './decoder-process.ts';
import { type MediaResult, mediaFailure } from './media-error.ts';
import { type ImageFormat, sniff } from './sniff.ts';
import { createUnlinkedFile, withUnlinkedFile } from './unlinked-file.ts';

export interface ImageLimits {
  /** Width × height above which an image is refused before decoding. */
  readonly maxPixels: number;
  readonly maxBytes: number;
  readonly timeoutSeconds: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxPixels: 50_000_000,
  maxBytes: 100 * 1024 * 1024,
  timeoutSeconds: 30,
};

export interface DecodedImage extends Pixels {
  readonly format: ImageFormat;
}

// sharp keeps a cache of operations and open files; a hashing service sees
// each file once, so caching only holds memory.
sharp.cache(false);

export async function decodeImage(bytes: Uint8Array, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): Promise<MediaResult<DecodedImage>> {
  if (bytes.length === 0) return mediaFailure('empty_file');
  if (bytes.length > limits.maxBytes) return mediaFailure('too_large');
  const sniffed = sniff(bytes.subarray(0, 64));
  if (sniffed.kind !== 'image') return mediaFailure('unsupported_format');
  const decoded = await decodeWithSharp(bytes, sniffed.format, limits);
  if (!decoded.ok && decoded.reason === 'decoder_unavailable' && sniffed.format === 'heic') {
    return decodeHeicWithLibheif(bytes, limits);
  }
  return decoded;
}

async function decodeWithSharp(bytes: Uint8Array, format: ImageFormat, limits: ImageLimits): Promise<MediaResult<DecodedImage>> {
  const open = () =>
    sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'warning', pages: 1, page: 0 }).timeout({ seconds: limits.timeoutSeconds });
  try {
    const meta = await open().metadata();
    if (meta.width * meta.height > limits.maxPixels) return mediaFailure('too_many_pixels');
    // A PNG header that says "SVG" inside, or any mismatch between what the
    // bytes start with and what libvips finds, is refused.
    if (!sharpFormatMatches(meta.format, format)) return mediaFailure('unsupported_format');

    if (meta.space === 'cmyk') {
      // ImageMagick (behind the reference tool) converts CMYK without a
      // colour profile: each channel is (255 − C)(255 − K) / 255. sharp
      // would apply a CMYK ICC profile; we take the raw channels instead.
      const { data, info } = await open().pipelineColourspace('cmyk').toColourspace('cmyk').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
      if (info.channels < 4) return mediaFailure('corrupt_file');
      return { ok: true, value: { format, width: info.width, height: info.height, channels: 3, data: cmykToRgb(data, info.channels) } };
    }

    const { data, info } = await open().keepIccProfile().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    const pixels = new Uint8Array(data.buffer, data.byteOffset, data.length);
    return { ok: true, value: { format, width: info.width, height: info.height, channels: info.channels, data: pixels } };
  } catch (error) {
    return classifySharpError(error);
  }
}

function sharpFormatMatches(found: string, sniffed: ImageFormat): boolean {
  switch (sniffed) {
    case 'avif':
    case 'heic':
      return found === 'heif';
    case 'jpeg':
    case 'png':
    case 'webp':
    case 'gif':
    case 'tiff':
      return found === sniffed;
  }
}

function cmykToRgb(cmyk: Uint8Array, channels: number): Uint8Array {
  const pixels = cmyk.length / channels;
  const rgb = new Uint8Array(pixels * 3);
  for (let i = 0, o = 0; i < cmyk.length; i += channels, o += 3) {
    const white = 255 - cmyk[i + 3]!;
    rgb[o] = Math.round(((255 - cmyk[i]!) * white) / 255);
    rgb[o + 1] = Math.round(((255 - cmyk[i + 1]!) * white) / 255);
    rgb[o + 2] = Math.round(((255 - cmyk[i + 2]!) * white) / 255);
  }
  return rgb;
}

function classifySharpError(error: unknown): MediaResult<never> {
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) return mediaFailure('too_many_pixels');
  if (/timeout/i.test(message)) return mediaFailure('timeout');
  if (/unsupported (image format|codec|feature)|No decoding plugin|compression format has not been built in/i.test(message)) {
    return mediaFailure('decoder_unavailable');
  }
  return mediaFailure('corrupt_file');
}

// HEIC photos (iPhones) need an HEVC decoder that sharp's prebuilt libvips
// does not ship; Debian's libheif-examples has one (`heif-convert`). Its input
// and its output (the decoded pixels, as PNG) are both plaintext, so both are
// unlinked files (unlinked-file.ts) it inherits as fd 3 and 4. It cannot write
// to standard output and picks the output format from the name's suffix, so
// it is given a name, `out.png`, that is only a symbolic link to /dev/fd/4:
// the link holds no pixels, and a crash leaves at most that dangling link.
async function decodeHeicWithLibheif(bytes: Uint8Array, limits: ImageLimits): Promise<MediaResult<DecodedImage>> {
  return withUnlinkedFile(bytes, async (input) => {
    const output = await createUnlinkedFile();
    let dir: string | null = null;
    try {
      dir = await mkdtemp(join('/dev/shm', 'disrupt-heic-')).catch(() => mkdtemp(join(tmpdir(), 'disrupt-heic-')));
      const outputName = join(dir, 'out.png');
      await symlink('/dev/fd/4', outputName);
      const result = await runDecoder('heif-convert', ['--quiet', '/dev/fd/3', outputName], {
        timeoutMs: limits.timeoutSeconds * 1000,
        maxStdoutBytes: 1_000_000,
        inherit: [input.fd, output.fd],
      });
      if (result === 'missing') return mediaFailure('decoder_unavailable', 'HEIC needs heif-convert (Debian package libheif-examples)');
      if (result.stopped === 'timeout') return mediaFailure('timeout');
      if (result.code !== 0 || result.stopped !== null) return mediaFailure('corrupt_file');
      const png = await output.readFile();
      const decoded = await decodeWithSharp(png, 'png', { ...limits, maxBytes: Number.MAX_SAFE_INTEGER });
      return decoded.ok ? { ok: true, value: { ...decoded.value, format: 'heic' } } : decoded;
    } finally {
      if (dir !== null) await rm(dir, { recursive: true, force: true });
      await output.close();
    }
  });
}
