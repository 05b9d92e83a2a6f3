// One conformance suite for every PDQ index implementation. Each case builds
// the same entries in the index under test and in the linear reference, and
// demands exactly the same answers.

import { type PdqHash, hammingDistance, pdqHashToWords, pdqWordsToHash } from '@disrupt/hashing';
import { describe, expect, it } from 'vitest';
import { LinearPdqIndex, type PdqIndex } from './pdq-index.ts';
import { loadSnapshot, saveSnapshot, snapshotEntries } from './snapshot.ts';

/** A seeded PRNG (mulberry32): the same cases on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

export function randomHash(next: () => number): PdqHash {
  const words = new Uint32Array(8);
  for (let m = 0; m < 8; m++) words[m] = next();
  return pdqWordsToHash(words);
}

/** `hash` with exactly `bits` distinct random bits flipped. */
export function flipBits(hash: PdqHash, bits: number, next: () => number): PdqHash {
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(next() % 256);
  const words = pdqHashToWords(hash);
  // Bit k of the hash text is bit k % 32 of word 7 − k / 32 (word 0 is the first 8 digits).
  for (const bit of chosen) words[7 - (bit >> 5)]! ^= 1 << (bit & 31);
  return pdqWordsToHash(words);
}

export interface IndexFactory {
  create(): PdqIndex;
  /** Builds an index from many entries at once, when the implementation has a faster path. */
  bulk?(entries: { hash: PdqHash; id: number }[]): PdqIndex;
}

export function pdqIndexConformance(name: string, factory: IndexFactory): void {
  const build = (entries: { hash: PdqHash; id: number }[]): PdqIndex => {
    if (factory.bulk) return factory.bulk(entries);
    const index = factory.create();
    for (const e of entries) index.add(e.hash, e.id);
    return index;
  };
  const reference = (entries: { hash: PdqHash; id: number }[]): LinearPdqIndex => {
    const index = new LinearPdqIndex();
    for (const e of entries) index.add(e.hash, e.id);
    return index;
  };

  describe(`${name}: PDQ index conformance`, () => {
    it('answers nothing when empty', () => {
      const index = factory.create();
      expect(index.size).toBe(0);
      expect(index.search(randomHash(prng(1)))).toEqual([]);
      expect(index.search(randomHash(prng(1)), 256)).toEqual([]);
    });

    it('finds near copies with 0–40 flipped bits exactly as the linear scan does', () => {
      const next = prng(42);
      const bases = Array.from({ length: 300 }, () => randomHash(next));
      const entries = bases.flatMap((hash, i) => [
        { hash, id: i * 10 },
        { hash: flipBits(hash, next() % 41, next), id: i * 10 + 1 },
      ]);
      const index = build(entries);
      const linear = reference(entries);
      expect(index.size).toBe(entries.length);
      for (let q = 0; q < 400; q++) {
        const query = flipBits(bases[q % bases.length]!, next() % 41, next);
        for (const radius of [0, 8, 31, 32, 40]) expect(index.search(query, radius)).toEqual(linear.search(query, radius));
      }
    });

    it('draws the radius line exactly: distance 31 is in, 32 is out', () => {
      const next = prng(7);
      const base = randomHash(next);
      const at31 = flipBits(base, 31, next);
      const at32 = flipBits(base, 32, next);
      const index = build([
        { hash: at31, id: 31 },
        { hash: at32, id: 32 },
      ]);
      expect(hammingDistance(base, at31)).toBe(31);
      expect(index.search(base)).toEqual([{ id: 31, distance: 31 }]);
      expect(index.search(base, 32)).toEqual([
        { id: 31, distance: 31 },
        { id: 32, distance: 32 },
      ]);
      expect(index.search(base, 30)).toEqual([]);
    });

    it('keeps every entry of a duplicated hash', () => {
      const hash = randomHash(prng(3));
      const index = build([
        { hash, id: 5 },
        { hash, id: 6 },
        { hash, id: 5 },
      ]);
      expect(index.search(hash)).toEqual([
        { id: 5, distance: 0 },
        { id: 5, distance: 0 },
        { id: 6, distance: 0 },
      ]);
    });

    it('stops matching a removed entry at once, and only that one', () => {
      const next = prng(9);
      const hashes = Array.from({ length: 200 }, () => randomHash(next));
      const index = build(hashes.map((hash, id) => ({ hash, id })));
      index.add(hashes[0]!, 1000);
      expect(index.remove(hashes[0]!, 0)).toBe(1);
      expect(index.search(hashes[0]!, 0)).toEqual([{ id: 1000, distance: 0 }]);
      expect(index.remove(hashes[0]!, 0)).toBe(0);
      expect(index.remove(hashes[1]!, 999)).toBe(0);
      expect(index.size).toBe(200);
      const near = flipBits(hashes[5]!, 10, next);
      index.remove(hashes[5]!, 5);
      expect(index.search(near).map((m) => m.id)).not.toContain(5);
    });

    it('adds after a build and still answers exactly', () => {
      const next = prng(11);
      const first = Array.from({ length: 5000 }, (_, id) => ({ hash: randomHash(next), id }));
      const index = build(first);
      const later = Array.from({ length: 6000 }, (_, i) => ({ hash: flipBits(first[i % 5000]!.hash, next() % 33, next), id: 10_000 + i }));
      for (const e of later) index.add(e.hash, e.id);
      const linear = reference([...first, ...later]);
      for (let q = 0; q < 200; q++) {
        const query = flipBits(first[q * 7]!.hash, next() % 20, next);
        expect(index.search(query)).toEqual(linear.search(query));
      }
    });

    it('matches any of several queries (dihedral variants) at the best distance', () => {
      const next = prng(13);
      const a = randomHash(next);
      const b = randomHash(next);
      const index = build([
        { hash: a, id: 1 },
        { hash: b, id: 2 },
      ]);
      const nearA = flipBits(a, 4, next);
      const nearB = flipBits(b, 9, next);
      expect(index.search([nearA, nearB, flipBits(a, 2, next)])).toEqual([
        { id: 1, distance: 2 },
        { id: 2, distance: 9 },
      ]);
    });

    it('answers radii up to 63 exactly (and a full scan beyond)', () => {
      const next = prng(17);
      const base = randomHash(next);
      const entries = Array.from({ length: 500 }, (_, id) => ({ hash: flipBits(base, 20 + (id % 60), next), id }));
      const index = build(entries);
      const linear = reference(entries);
      for (const radius of [45, 47, 48, 63, 64, 128, 256]) expect(index.search(base, radius)).toEqual(linear.search(base, radius));
    });

    it('survives a snapshot round-trip', () => {
      const next = prng(19);
      const entries = Array.from({ length: 1000 }, (_, id) => ({ hash: randomHash(next), id: id * 3 }));
      const index = build(entries);
      index.remove(entries[10]!.hash, entries[10]!.id);
      const loaded = loadSnapshot(saveSnapshot(index.entries()));
      if (!loaded.ok) throw new Error(loaded.reason);
      const copy = factory.create();
      for (const { words, id } of snapshotEntries(loaded.value)) copy.add(words, id);
      expect(copy.size).toBe(999);
      for (const e of entries.slice(0, 50)) expect(copy.search(e.hash)).toEqual(index.search(e.hash));
    });

    it('refuses ids and radii it cannot hold', () => {
      const index = factory.create();
      const hash = randomHash(prng(23));
      expect(() => {
        index.add(hash, -1);
      }).toThrow(RangeError);
      expect(() => {
        index.add(hash, 2 ** 32);
      }).toThrow(RangeError);
      expect(() => index.search(hash, 257)).toThrow(RangeError);
      expect(() => index.search(hash, 1.5)).toThrow(RangeError);
    });
  });
}
