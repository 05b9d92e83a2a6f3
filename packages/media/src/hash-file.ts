// File → fingerprints: what `disrupt hash` prints and what the server stores
// for an uploaded file. Photos get PDQ (and optionally the 8 dihedral hashes);
// videos get vPDQ; every file gets MD5 and SHA-256 of its bytes.

import { createHash } from 'node:crypto';
import { fstat, read } from 'node:fs';
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';
import {
  type DihedralName,
  type Md5Hash,
  type PdqHash,
  type PdqPipeline,
  type VpdqFrame,
  pdq,
  pdqDihedral,
} from '@disrupt/hashing';
import { DEFAULT_IMAGE_LIMITS, type ImageLimits, decodeImage } from './image.ts';
import { type MediaResult, mediaFailure } from './media-error.ts';
import { SNIFF_BYTES, type ImageFormat, sniff } from './sniff.ts';
import { type MediaInput, type OpenFile } from './unlinked-file.ts';
import { DEFAULT_VIDEO_LIMITS, type VideoLimits, hashVideo } from './video.ts';

const fstatAsync = promisify(fstat);
const readAsync = promisify(read);

export interface PhotoHash {
  readonly kind: 'photo';
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
  readonly pdq: PdqHash;
  readonly quality: number;
  readonly md5: Md5Hash;
  readonly sha256: string;
  readonly dihedral?: Readonly<Record<DihedralName, PdqHash>>;
}

export interface VideoFileHash {
  readonly kind: 'video';
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly durationSeconds: number | null;
  readonly md5: Md5Hash;
  readonly sha256: string;
  readonly vpdq: readonly VpdqFrame[];
}

export type FileHash = PhotoHash | VideoFileHash;

export interface HashFileOptions {
  readonly pipeline?: PdqPipeline;
  readonly dihedral?: boolean;
  readonly secondsPerHash?: number;
  readonly imageLimits?: ImageLimits;
  readonly videoLimits?: VideoLimits;
}

function digests(bytes: Uint8Array): { md5: Md5Hash; sha256: string } {
  return {
    md5: createHash('md5').update(bytes).digest('hex') as Md5Hash,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** Up to `length` bytes of `fd` from `position`, whatever its offset (the descriptor may be the caller's, and is never moved). */
async function readAt(fd: number, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await readAsync(fd, buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

async function streamDigests(fd: number, size: number): Promise<{ md5: Md5Hash; sha256: string }> {
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  const chunkBytes = 1024 * 1024;
  for (let position = 0; position < size; position += chunkBytes) {
    const chunk = await readAt(fd, position, Math.min(chunkBytes, size - position));
    if (chunk.length === 0) break; // it shrank: the decoder will say so
    md5.update(chunk);
    sha256.update(chunk);
  }
  return { md5: md5.digest('hex') as Md5Hash, sha256: sha256.digest('hex') };
}

/** Runs `use` on an open file: `input` itself, or `input` opened (and closed after). */
async function withOpenFile<T>(input: MediaInput, use: (file: OpenFile) => Promise<T>): Promise<T> {
  if (typeof input !== 'string') return use(input);
  const handle = await open(input, 'r');
  try {
    return await use({ fd: handle.fd });
  } finally {
    await handle.close();
  }
}

/** PDQ (+ digests) of an image held in memory, e.g. an upload. */
export async function hashImageBytes(bytes: Uint8Array, options: HashFileOptions = {}): Promise<MediaResult<PhotoHash>> {
  const decoded = await decodeImage(bytes, options.imageLimits ?? DEFAULT_IMAGE_LIMITS);
  if (!decoded.ok) return decoded;
  const image = decoded.value;
  const pipeline = options.pipeline ?? 'reference';
  const { hash, quality } = pdq(image, { pipeline });
  const base = { kind: 'photo' as const, format: image.format, width: image.width, height: image.height, pdq: hash, quality, ...digests(bytes) };
  if (options.dihedral !== true) return { ok: true, value: base };
  return { ok: true, value: { ...base, dihedral: pdqDihedral(image, { pipeline }).hashes } };
}

/**
 * Fingerprints of a photo or video file, judged by its content. The file is
 * opened once: its size, its content and the decoder's input are the same
 * file, even if the path changes meanwhile. A path is never handed to ffmpeg,
 * so a name like `concat:…` or `http:…` is only ever a file.
 */
export async function hashFile(input: MediaInput, options: HashFileOptions = {}): Promise<MediaResult<FileHash>> {
  const imageLimits = options.imageLimits ?? DEFAULT_IMAGE_LIMITS;
  const videoLimits = options.videoLimits ?? DEFAULT_VIDEO_LIMITS;
  return withOpenFile(input, async (file) => {
    const size = (await fstatAsync(file.fd)).size;
    if (size === 0) return mediaFailure('empty_file');
    const sniffed = sniff(await readAt(file.fd, 0, Math.min(SNIFF_BYTES, size)));
    switch (sniffed.kind) {
      case 'image':
        if (size > imageLimits.maxBytes) return mediaFailure('too_large');
        return hashImageBytes(await readAt(file.fd, 0, size), { ...options, imageLimits });
      case 'video-candidate': {
        if (size > videoLimits.maxBytes) return mediaFailure('too_large');
        const [video, sums] = await Promise.all([hashVideo(file, { limits: videoLimits, ...optionalSeconds(options) }), streamDigests(file.fd, size)]);
        if (!video.ok) return video;
        const { info, frames } = video.value;
        return {
          ok: true,
          value: { kind: 'video', width: info.width, height: info.height, fps: info.fps, durationSeconds: info.durationSeconds, ...sums, vpdq: frames },
        };
      }
      case 'unknown':
        return mediaFailure('unsupported_format');
    }
  });
}

function optionalSeconds(options: HashFileOptions): { secondsPerHash?: number } {
  return options.secondsPerHash === undefined ? {} : { secondsPerHash: options.secondsPerHash };
}
