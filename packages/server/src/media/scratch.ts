// Media that only a file-reading tool can decode (ffmpeg for videos) passes
// through a scratch file: in RAM-backed /dev/shm when there is one, readable
// by this user only, and removed whatever happens. One place for it, so that
// uploads, partner matches and previews leave nothing behind the same way.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FileHash, type HashFileOptions, type HashPool, type MediaFailure, type MediaResult, mediaFailure, sniff } from '@disrupt/media';
import { AppError } from '../errors.ts';

/** Runs `use` on a private scratch copy of `bytes`, then removes it. */
export async function withScratchFile<T>(bytes: Uint8Array, use: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join('/dev/shm', 'disrupt-')).catch(() => mkdtemp(join(tmpdir(), 'disrupt-')));
  try {
    const path = join(dir, 'media');
    await writeFile(path, bytes, { mode: 0o600 });
    return await use(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Fingerprints uploaded bytes, judged by their content: photos in memory (with `photoOptions`), videos through a scratch file. */
export async function hashBytes(pool: HashPool, bytes: Uint8Array, photoOptions: HashFileOptions = {}): Promise<MediaResult<FileHash>> {
  const kind = sniff(bytes.subarray(0, 64)).kind;
  if (kind === 'image') return pool.hashImageBytes(bytes, photoOptions);
  if (kind === 'unknown') return mediaFailure('unsupported_format');
  return withScratchFile(bytes, (path) => pool.hashFile(path));
}

/** The HTTP error for media that could not be fingerprinted. */
export function mediaError(failure: MediaFailure): AppError {
  switch (failure.reason) {
    case 'unsupported_format':
    case 'no_video_stream':
      return new AppError('unsupported_media_type', failure.message);
    case 'too_large':
    case 'too_many_pixels':
    case 'too_long':
      return new AppError('payload_too_large', failure.message);
    case 'decoder_unavailable':
    case 'timeout':
      return new AppError('unavailable', failure.message);
    case 'empty_file':
    case 'corrupt_file':
      return new AppError('bad_request', failure.message);
  }
}
