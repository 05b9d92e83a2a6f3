// File → fingerprints: what `disrupt hash` prints and what the server stores
// for an uploaded file. Photos get PDQ (and optionally the 8 dihedral hashes);
// videos get vPDQ; every file gets MD5 and SHA-256 of its bytes.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
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
import { DEFAULT_VIDEO_LIMITS, type VideoLimits, hashVideo } from './video.ts';

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

async function streamDigests(path: string): Promise<{ md5: Md5Hash; sha256: string }> {
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    md5.update(chunk);
    sha256.update(chunk);
  }
  return { md5: md5.digest('hex') as Md5Hash, sha256: sha256.digest('hex') };
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

/** Fingerprints of a photo or video file, judged by its content. */
export async function hashFile(path: string, options: HashFileOptions = {}): Promise<MediaResult<FileHash>> {
  const imageLimits = options.imageLimits ?? DEFAULT_IMAGE_LIMITS;
  const videoLimits = options.videoLimits ?? DEFAULT_VIDEO_LIMITS;
  let size: number;
  const head = new Uint8Array(SNIFF_BYTES);
  let headLength: number;
  const handle = await open(path, 'r');
  try {
    size = (await handle.stat()).size;
    headLength = (await handle.read(head, 0, SNIFF_BYTES, 0)).bytesRead;
  } finally {
    await handle.close();
  }
  if (size === 0) return mediaFailure('empty_file');
  const sniffed = sniff(head.subarray(0, headLength));
  switch (sniffed.kind) {
    case 'image':
      if (size > imageLimits.maxBytes) return mediaFailure('too_large');
      return hashImageBytes(await readFile(path), { ...options, imageLimits });
    case 'video-candidate': {
      if (size > videoLimits.maxBytes) return mediaFailure('too_large');
      const [video, sums] = await Promise.all([hashVideo(path, { limits: videoLimits, ...optionalSeconds(options) }), streamDigests(path)]);
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
}

function optionalSeconds(options: HashFileOptions): { secondsPerHash?: number } {
  return options.secondsPerHash === undefined ? {} : { secondsPerHash: options.secondsPerHash };
}
