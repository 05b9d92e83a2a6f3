// Uploaded bytes (a victim's file, a partner's query) → fingerprints. Photos
// are decoded from memory; videos, which ffmpeg must read as a file (MP4
// seeks), from an unlinked file that this call owns: it stays open while the
// worker decodes and is closed whatever happens, and a crash leaves nothing
// on any disk (see @disrupt/media's unlinked-file.ts).

import { type FileHash, type HashFileOptions, type HashPool, type MediaFailure, type MediaResult, mediaFailure, sniff, withUnlinkedFile } from '@disrupt/media';
import { AppError } from '../errors.ts';

/** Fingerprints uploaded bytes, judged by their content: photos in memory (with `photoOptions`), videos through an unlinked file. */
export async function hashBytes(pool: HashPool, bytes: Uint8Array, photoOptions: HashFileOptions = {}): Promise<MediaResult<FileHash>> {
  const kind = sniff(bytes.subarray(0, 64)).kind;
  if (kind === 'image') return pool.hashImageBytes(bytes, photoOptions);
  if (kind === 'unknown') return mediaFailure('unsupported_format');
  return withUnlinkedFile(bytes, (file) => pool.hashFile(file));
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
