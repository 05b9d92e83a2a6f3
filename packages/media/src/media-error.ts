// Why a file could not be hashed: a closed set, each with a sentence fit to
// show a victim, an analyst or a partner. Messages never carry file names,
// bytes or hashes; the caller knows which file it passed.

export type MediaErrorCode =
  | 'empty_file'
  | 'too_large'
  | 'unsupported_format'
  | 'corrupt_file'
  | 'too_many_pixels'
  | 'too_long'
  | 'no_video_stream'
  | 'decoder_unavailable'
  | 'timeout';

const MESSAGES: Record<MediaErrorCode, string> = {
  empty_file: 'the file is empty',
  too_large: 'the file is larger than allowed',
  unsupported_format: 'the file is not a supported image or video (JPEG, PNG, WebP, GIF, AVIF, HEIC, TIFF; MP4, MOV, WebM, MKV, AVI…)',
  corrupt_file: 'the file is damaged or truncated and cannot be decoded',
  too_many_pixels: 'the image has more pixels than allowed',
  too_long: 'the video is longer than allowed',
  no_video_stream: 'the file has no video stream',
  decoder_unavailable: 'no decoder for this format is installed on this server',
  timeout: 'decoding took longer than allowed',
};

export interface MediaFailure {
  readonly ok: false;
  readonly reason: MediaErrorCode;
  readonly message: string;
}

export function mediaFailure(reason: MediaErrorCode, detail?: string): MediaFailure {
  return { ok: false, reason, message: detail === undefined ? MESSAGES[reason] : `${MESSAGES[reason]} (${detail})` };
}

export type MediaResult<T> = { readonly ok: true; readonly value: T } | MediaFailure;
