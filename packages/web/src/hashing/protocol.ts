// Messages between the page and its hashing workers. Files cross as File
// objects (a handle, not a copy); video frames cross as transferred
// VideoFrames. Results carry fingerprints only, never pixels or names.

import type { Md5Hash, PdqHash } from '@disrupt/hashing';

export type HashTask =
  | { readonly type: 'photo'; readonly file: Blob }
  | { readonly type: 'md5'; readonly file: Blob }
  | { readonly type: 'frame'; readonly frame: VideoFrame; readonly frameNumber: number; readonly fps: number; readonly thumbnail: boolean };

/** Why a file could not be fingerprinted: a closed set the page explains in words. */
export const HASH_FAILURES = ['unsupported_format', 'undecodable', 'too_many_pixels', 'too_large', 'too_long', 'video_unreadable', 'internal'] as const;
export type HashFailure = (typeof HASH_FAILURES)[number];

export interface PhotoFingerprint {
  readonly pdq: PdqHash;
  readonly quality: number;
  readonly md5: Md5Hash;
  readonly width: number;
  readonly height: number;
  /** A small preview made in the worker, shown on this page only (never sent, never stored). */
  readonly thumbnail: Blob | null;
}

export interface FrameFingerprint {
  readonly frame: number;
  readonly quality: number;
  readonly pdq: PdqHash;
  readonly timestamp: number;
  readonly thumbnail: Blob | null;
}

export type TaskResult =
  | { readonly type: 'photo'; readonly value: PhotoFingerprint }
  | { readonly type: 'md5'; readonly value: Md5Hash }
  | { readonly type: 'frame'; readonly value: FrameFingerprint };

export type WorkerRequest = { readonly id: number; readonly task: HashTask };
export type WorkerResponse =
  | { readonly id: number; readonly ok: true; readonly result: TaskResult }
  | { readonly id: number; readonly ok: false; readonly reason: HashFailure };

/** Photos above this are refused, as `disrupt hash` refuses them. */
export const MAX_PHOTO_PIXELS = 50_000_000;
export const MAX_PHOTO_BYTES = 100 * 1024 * 1024;
export const MAX_VIDEO_BYTES = 4 * 1024 * 1024 * 1024;
export const MAX_VIDEO_SECONDS = 4 * 3600;
