// The vPDQ match rule on synthetic frame hashes, where every percentage is
// known in advance: what counts as a frame match (distance ≤ 31, quality ≥ 50,
// each distinct hash once) and when two videos match (query % ≥ 80 OR
// compared % ≥ 80, with at least 3 matching unique frames).
import type { PdqHash, VpdqFrame } from '@disrupt/hashing';
import { describe, expect, it } from 'vitest';
import { flipBits, prng, randomHash } from './pdq-index.conformance.ts';
import { VpdqIndex } from './vpdq-matcher.ts';

const next = prng(77);
const frames = (hashes: readonly PdqHash[], quality = 90): VpdqFrame[] => hashes.map((pdq, i) => ({ frame: i * 30, quality, pdq, timestamp: i }));
const near = (hash: PdqHash, bits = 20) => flipBits(hash, bits, next);
const bank = Array.from({ length: 10 }, () => randomHash(next));
const unrelated = (count: number) => Array.from({ length: count }, () => randomHash(next));

describe('vPDQ match rule', () => {
  const index = new VpdqIndex();
  // Duplicates and low-quality frames of the banked video count for nothing.
  index.add(1, [...frames(bank), ...frames(bank.slice(0, 4)), ...frames(unrelated(5), 10)]);
  index.add(2, frames(unrelated(10)));

  it('matches a clip on the query side: all of the query, half of the video', () => {
    expect(index.search(frames(bank.slice(0, 5).map((h) => near(h))))).toEqual([
      { videoId: 1, queryMatchPercent: 100, compareMatchPercent: 50, matchingQueryFrames: 5, matchingCompareFrames: 5 },
    ]);
  });

  it('matches a compilation on the compared side: all of the video, 10 of 13 query frames', () => {
    const [match, ...rest] = index.search(frames([...bank.map((h) => near(h)), ...unrelated(3)]));
    expect(rest).toEqual([]);
    expect(match).toMatchObject({ videoId: 1, compareMatchPercent: 100, matchingQueryFrames: 10, matchingCompareFrames: 10 });
    expect(match!.queryMatchPercent).toBeCloseTo(1000 / 13, 10);
  });

  it('does not match at 70 % on both sides, unless the thresholds say so', () => {
    const query = frames([...bank.slice(0, 7).map((h) => near(h)), ...unrelated(3)]);
    expect(index.search(query)).toEqual([]);
    expect(index.search(query, { queryThreshold: 70 }).map((m) => [m.videoId, m.queryMatchPercent, m.compareMatchPercent])).toEqual([[1, 70, 70]]);
    expect(index.search(query, { compareThreshold: 70 }).map((m) => m.videoId)).toEqual([1]);
    const strict = new VpdqIndex({ queryThreshold: 100, compareThreshold: 100 });
    strict.add(1, frames(bank));
    expect(strict.search(frames([...bank.slice(0, 9), ...unrelated(1)]))).toEqual([]); // 90 % and 90 %
    expect(strict.search(frames(bank)).map((m) => m.videoId)).toEqual([1]);
  });

  it('counts a frame within 31 bits, and not one 32 bits away', () => {
    expect(index.search(frames(bank.map((h) => near(h, 31))))).toHaveLength(1);
    expect(index.search(frames(bank.map((h) => near(h, 32))))).toEqual([]);
    expect(index.search(frames(bank.map((h) => near(h, 32))), { frameDistance: 32 })).toHaveLength(1);
  });

  it('ignores query frames under quality 50 and counts repeated query frames once', () => {
    const query = [...frames(bank.slice(0, 5)), ...frames(bank.slice(0, 5)), ...frames(unrelated(20), 49)];
    expect(index.search(query)).toEqual([{ videoId: 1, queryMatchPercent: 100, compareMatchPercent: 50, matchingQueryFrames: 5, matchingCompareFrames: 5 }]);
    expect(index.search(frames(bank, 49))).toEqual([]);
  });

  it('needs 3 matching unique frames (configurable)', () => {
    expect(index.search(frames(bank.slice(0, 2)))).toEqual([]);
    expect(index.search(frames(bank.slice(0, 3))).map((m) => m.videoId)).toEqual([1]);
    expect(index.search(frames(bank.slice(0, 3)), { minMatchingFrames: 4 })).toEqual([]);
  });

  it('answers every banked video that matches, best first, and forgets a removed one', () => {
    const both = new VpdqIndex();
    both.add(5, frames(bank));
    both.add(6, frames(bank.slice(0, 6)));
    expect(both.search(frames(bank.slice(0, 6))).map((m) => [m.videoId, m.compareMatchPercent])).toEqual([
      [6, 100],
      [5, 60],
    ]);
    expect(both.remove(6)).toBe(true);
    expect(both.search(frames(bank.slice(0, 6))).map((m) => m.videoId)).toEqual([5]);
    expect(both.size).toBe(1);
  });
});
