// vPDQ, Meta's video hash: the PDQ hash of one frame per `secondsPerHash`
// (default: one a second), each with its quality, frame number and time.
//
// Sampling follows Meta's `vpdq`: with frameMod = int(secondsPerHash × fps)
// (0 becomes 1), frame n (0-based, in decoding order) is hashed when
// n % frameMod == 0, and its timestamp is n / fps. Frames are hashed at their
// full size (the `full` pipeline): the reference never pre-resizes them.
// Decoding frames is an adapter's job (ffmpeg in Node, <video> in a browser).

import { type PdqHash, parsePdqHash } from './pdq-hash.ts';
import { type Pixels, pdq } from './pdq.ts';
import { type Result, err, ok } from './result.ts';

export interface VpdqFrame {
  /** 0-based frame number in decoding order. */
  readonly frame: number;
  readonly quality: number;
  readonly pdq: PdqHash;
  /** Seconds: frame / fps. */
  readonly timestamp: number;
}

export const DEFAULT_SECONDS_PER_HASH = 1;

/** Every how many frames one is hashed. */
export function vpdqFrameMod(fps: number, secondsPerHash: number = DEFAULT_SECONDS_PER_HASH): number {
  if (!(fps > 0) || !Number.isFinite(fps)) throw new RangeError('fps must be a positive number');
  if (!(secondsPerHash >= 0) || !Number.isFinite(secondsPerHash)) throw new RangeError('secondsPerHash must be ≥ 0');
  return Math.max(1, Math.trunc(secondsPerHash * fps));
}

/** Hashes one decoded frame, as vPDQ does. */
export function vpdqHashFrame(pixels: Pixels, frame: number, fps: number): VpdqFrame {
  const { hash, quality } = pdq(pixels, { pipeline: 'full' });
  return { frame, quality, pdq: hash, timestamp: frame / fps };
}

/** The reference's text line: `frame,quality,hash,timestamp` (3 decimals). */
export function formatVpdqLine(f: VpdqFrame): string {
  return `${f.frame},${f.quality},${f.pdq},${f.timestamp.toFixed(3)}`;
}

export function parseVpdqLine(line: string): Result<VpdqFrame, 'malformed_vpdq'> {
  const parts = line.trim().split(',');
  if (parts.length !== 4) return err('malformed_vpdq');
  const [frameText, qualityText, hashText, timeText] = parts as [string, string, string, string];
  const frame = Number(frameText);
  const quality = Number(qualityText);
  const timestamp = Number(timeText);
  const hash = parsePdqHash(hashText);
  if (!hash.ok || !Number.isSafeInteger(frame) || frame < 0) return err('malformed_vpdq');
  if (!Number.isInteger(quality) || quality < 0 || quality > 100) return err('malformed_vpdq');
  if (timeText === '' || !Number.isFinite(timestamp) || timestamp < 0) return err('malformed_vpdq');
  return ok({ frame, quality, pdq: hash.value, timestamp });
}
