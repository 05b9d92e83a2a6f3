// vPDQ matching, as Meta's vPDQ and python-threatexchange define it: drop
// frames under quality 50, keep each distinct frame hash once, and count a
// frame as matching when some frame of the other video is within distance 31.
// Two percentages follow: of the query's unique frames that match the
// compared video, and of the compared video's unique frames that match the
// query. Our rule: either percentage ≥ 80 % — so a clip cut from a longer
// video (query side) and a compilation that contains a known video (compared
// side) both match — and at least 3 matching unique frames on each side, so
// that a short shared intro cannot match everything.
//
// Built on the PDQ index: every unique frame of every banked video is one
// entry, so a query costs one radius search per query frame, not one
// comparison per pair of videos.

import type { PdqHash, VpdqFrame } from '@disrupt/hashing';
import { pdqHashToWords } from '@disrupt/hashing';
import { MihPdqIndex } from './mih-index.ts';
import type { PdqIndex } from './pdq-index.ts';

export interface VpdqMatchOptions {
  readonly frameDistance?: number;
  readonly minQuality?: number;
  /** Percent of the query's unique frames that must match. */
  readonly queryThreshold?: number;
  /** Percent of the compared video's unique frames that must match. */
  readonly compareThreshold?: number;
  readonly minMatchingFrames?: number;
}

export const VPDQ_DEFAULTS: Required<VpdqMatchOptions> = {
  frameDistance: 31,
  minQuality: 50,
  queryThreshold: 80,
  compareThreshold: 80,
  minMatchingFrames: 3,
};

export interface VpdqMatch {
  readonly videoId: number;
  readonly queryMatchPercent: number;
  readonly compareMatchPercent: number;
  readonly matchingQueryFrames: number;
  readonly matchingCompareFrames: number;
}

/** Distinct frame hashes of a video with quality ≥ minQuality. */
export function uniqueFrames(frames: readonly VpdqFrame[], minQuality: number = VPDQ_DEFAULTS.minQuality): PdqHash[] {
  const seen = new Set<PdqHash>();
  for (const f of frames) if (f.quality >= minQuality) seen.add(f.pdq);
  return [...seen];
}

export class VpdqIndex {
  private readonly frames: PdqIndex;
  /** frame entry id → video id, and each video's unique frame count. */
  private readonly videoOfFrame: number[] = [];
  private readonly framesOfVideo = new Map<number, { entries: number[]; hashes: PdqHash[] }>();
  private readonly options: Required<VpdqMatchOptions>;

  constructor(options: VpdqMatchOptions = {}, index: PdqIndex = new MihPdqIndex()) {
    this.options = { ...VPDQ_DEFAULTS, ...options };
    this.frames = index;
  }

  get size(): number {
    return this.framesOfVideo.size;
  }

  /** Adds a video; a video with no usable frame is not added (returns false). */
  add(videoId: number, frames: readonly VpdqFrame[]): boolean {
    if (this.framesOfVideo.has(videoId)) this.remove(videoId);
    const hashes = uniqueFrames(frames, this.options.minQuality);
    if (hashes.length === 0) return false;
    const entries: number[] = [];
    for (const hash of hashes) {
      const entry = this.videoOfFrame.length;
      this.videoOfFrame.push(videoId);
      this.frames.add(pdqHashToWords(hash), entry);
      entries.push(entry);
    }
    this.framesOfVideo.set(videoId, { entries, hashes });
    return true;
  }

  remove(videoId: number): boolean {
    const video = this.framesOfVideo.get(videoId);
    if (!video) return false;
    video.entries.forEach((entry, i) => this.frames.remove(video.hashes[i]!, entry));
    this.framesOfVideo.delete(videoId);
    return true;
  }

  /** Banked videos that match the query video, best first; `options` override the index's thresholds for this query. */
  search(frames: readonly VpdqFrame[], options: VpdqMatchOptions = {}): VpdqMatch[] {
    const o = { ...this.options, ...options };
    const query = uniqueFrames(frames, o.minQuality);
    if (query.length === 0) return [];
    const queryFramesMatching = new Map<number, number>();
    const compareFramesMatched = new Map<number, Set<number>>();
    for (const hash of query) {
      const videosHit = new Set<number>();
      for (const { id: entry } of this.frames.search(hash, o.frameDistance)) {
        const videoId = this.videoOfFrame[entry]!;
        videosHit.add(videoId);
        let matched = compareFramesMatched.get(videoId);
        if (!matched) compareFramesMatched.set(videoId, (matched = new Set()));
        matched.add(entry);
      }
      for (const videoId of videosHit) queryFramesMatching.set(videoId, (queryFramesMatching.get(videoId) ?? 0) + 1);
    }
    const matches: VpdqMatch[] = [];
    for (const [videoId, matchingQueryFrames] of queryFramesMatching) {
      const matchingCompareFrames = compareFramesMatched.get(videoId)!.size;
      const compareTotal = this.framesOfVideo.get(videoId)!.entries.length;
      const queryMatchPercent = (100 * matchingQueryFrames) / query.length;
      const compareMatchPercent = (100 * matchingCompareFrames) / compareTotal;
      const enoughFrames = matchingQueryFrames >= o.minMatchingFrames && matchingCompareFrames >= o.minMatchingFrames;
      if (enoughFrames && (queryMatchPercent >= o.queryThreshold || compareMatchPercent >= o.compareThreshold)) {
        matches.push({ videoId, queryMatchPercent, compareMatchPercent, matchingQueryFrames, matchingCompareFrames });
      }
    }
    // Best first: the larger percentage decides, then the smaller one (a full
    // copy ranks above a clip that merely covers the query), then the id.
    const larger = (m: VpdqMatch) => Math.max(m.queryMatchPercent, m.compareMatchPercent);
    const smaller = (m: VpdqMatch) => Math.min(m.queryMatchPercent, m.compareMatchPercent);
    return matches.sort((a, b) => larger(b) - larger(a) || smaller(b) - smaller(a) || a.videoId - b.videoId);
  }
}
