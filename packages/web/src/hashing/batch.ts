// Fingerprinting a batch of files chosen by the victim: photos go straight to
// the worker pool (as many at once as it has workers); videos are opened one
// at a time on the page, which seeks a <video> element and hands each sampled
// frame to the pool, while a worker computes the file's MD5.

import type { Md5Hash, PdqHash } from '@disrupt/hashing';
import { HashPool } from './pool.ts';
import { type FrameFingerprint, type HashFailure, MAX_VIDEO_BYTES, type PhotoFingerprint } from './protocol.ts';
import { sniffFile } from './sniff.ts';
import { openVideo } from './video.ts';

/** PDQ hashes under this quality carry too little of the picture: the server refuses them. */
export const MIN_QUALITY = 50;

export type Fingerprint =
  | ({ readonly kind: 'photo' } & PhotoFingerprint)
  | {
      readonly kind: 'video';
      readonly md5: Md5Hash;
      readonly vpdq: readonly { readonly frame: number; readonly quality: number; readonly pdq: PdqHash; readonly timestamp: number }[];
      readonly fps: number;
      readonly duration: number;
      readonly thumbnail: Blob | null;
    };

export type FileFailure = HashFailure | 'heic' | 'low_quality';

export type FileProgress =
  | { readonly state: 'waiting' }
  | { readonly state: 'hashing'; readonly fraction: number }
  | { readonly state: 'done'; readonly fingerprint: Fingerprint }
  | { readonly state: 'failed'; readonly reason: FileFailure; readonly fingerprint?: Fingerprint };

export type ProgressListener = (index: number, progress: FileProgress) => void;

let shared: HashPool | null = null;
/** One pool per page, made on first use. */
export function hashPool(): HashPool {
  shared ??= new HashPool();
  return shared;
}

function judged(fingerprint: Fingerprint): FileProgress {
  const quality = fingerprint.kind === 'photo' ? fingerprint.quality : Math.max(0, ...fingerprint.vpdq.map((f) => f.quality));
  return quality < MIN_QUALITY ? { state: 'failed', reason: 'low_quality', fingerprint } : { state: 'done', fingerprint };
}

async function hashPhotoFile(pool: HashPool, file: Blob): Promise<FileProgress> {
  const outcome = await pool.run({ type: 'photo', file });
  if (!outcome.ok) return { state: 'failed', reason: outcome.reason };
  if (outcome.result.type !== 'photo') return { state: 'failed', reason: 'internal' };
  return judged({ kind: 'photo', ...outcome.result.value });
}

async function hashVideoFile(pool: HashPool, file: Blob, report: (p: FileProgress) => void): Promise<FileProgress> {
  if (file.size > MAX_VIDEO_BYTES) return { state: 'failed', reason: 'too_large' };
  const md5 = pool.run({ type: 'md5', file });
  const opened = await openVideo(file);
  if (!opened.ok) {
    await md5;
    return { state: 'failed', reason: opened.reason };
  }
  const { source } = opened;
  try {
    const total = source.frameNumbers.length;
    let done = 0;
    const pending: Promise<FrameFingerprint | null>[] = [];
    // Decoded frames are large: only a few in flight. (Counting this video's
    // own frames, not the pool's queue, which photos may fill for a long time.)
    const inFlight = new Set<Promise<unknown>>();
    const limit = pool.size * 2;
    for (const n of source.frameNumbers) {
      while (inFlight.size >= limit) await Promise.race(inFlight);
      const frame = await source.frameAt(n);
      if (frame === null) return { state: 'failed', reason: 'video_unreadable' };
      const task = pool.run({ type: 'frame', frame, frameNumber: n, fps: source.fps, thumbnail: n === 0 }).then((outcome) => {
        done++;
        report({ state: 'hashing', fraction: done / (total + 1) });
        return outcome.ok && outcome.result.type === 'frame' ? outcome.result.value : null;
      });
      const tracked = task.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      pending.push(task);
    }
    const frames = await Promise.all(pending);
    const digest = await md5;
    if (frames.some((f) => f === null) || !digest.ok || digest.result.type !== 'md5') return { state: 'failed', reason: 'video_unreadable' };
    const list = frames as FrameFingerprint[];
    return judged({
      kind: 'video',
      md5: digest.result.value,
      vpdq: list.map(({ frame, quality, pdq, timestamp }) => ({ frame, quality, pdq, timestamp })),
      fps: source.fps,
      duration: source.duration,
      thumbnail: list[0]?.thumbnail ?? null,
    });
  } finally {
    source.close();
  }
}

/** Fingerprints `files`, reporting each file's progress by its index; resolves when all are done. */
export async function hashFiles(files: readonly Blob[], onProgress: ProgressListener, pool: HashPool = hashPool()): Promise<void> {
  const kinds = await Promise.all(files.map((file) => sniffFile(file).catch(() => 'unknown' as const)));
  const photos: number[] = [];
  const videos: number[] = [];
  kinds.forEach((kind, i) => {
    switch (kind) {
      case 'photo':
        photos.push(i);
        break;
      case 'video':
        videos.push(i);
        break;
      case 'heic':
        onProgress(i, { state: 'failed', reason: 'heic' });
        break;
      case 'unknown':
        onProgress(i, { state: 'failed', reason: 'unsupported_format' });
        break;
    }
  });
  const photoWork = Promise.all(
    photos.map(async (i) => {
      onProgress(i, { state: 'hashing', fraction: 0 });
      onProgress(i, await hashPhotoFile(pool, files[i]!));
    }),
  );
  const videoWork = (async () => {
    for (const i of videos) {
      onProgress(i, { state: 'hashing', fraction: 0 });
      onProgress(i, await hashVideoFile(pool, files[i]!, (p) => {
        onProgress(i, p);
      }));
    }
  })();
  await Promise.all([photoWork, videoWork]);
}
