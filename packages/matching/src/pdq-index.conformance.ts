// One conformance suite for every PDQ index implementation. Each case builds
// the same entries in the index under test and in the linear reference, and
// demands exactly the same answers — the fast index may not miss a match nor
// add one, in any order of adds, removals, rebuilds and snapshot round-trips.

import { type PdqHash, hammingDistance, pdqHashToWords, pdqWordsToHash } from '@disrupt/hashing';
import { describe, expect, it } from 'vitest';
import { type PdqEntries, type PdqIndex, LinearPdqIndex, searchDihedral } from './pdq-index.ts';
import { loadSnapshot, saveSnapshot } from './snapshot.ts';

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

/**
 * `hash` with `bits` flips concentrated in one 32-bit word where possible: the
 * hardest case for a multi-index (every chunk but one far from the query).
 */
export function flipBitsClustered(hash: PdqHash, bits: number, next: () => number): PdqHash {
  const words = pdqHashToWords(hash);
  const first = next() % 8;
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(chosen.size < 32 ? first * 32 + (next() % 32) : next() % 256);
  for (const bit of chosen) words[bit >> 5]! ^= 1 << (bit & 31);
  return pdqWordsToHash(words);
}

/**
 * A hash at distance exactly 8P + 7 from `base` that only one chunk can
 * reveal: word `word` differs by P bits (`keyBits` of them in the half
 * `half`, 0 = high, 1 = low), every other word by P + 1. The worst case for a
 * multi-index: miss that one chunk's table and the match is lost.
 */
export function loneChunkNeighbour(base: PdqHash, word: number, half: number, pairBudget: number, keyBits: number, next: () => number): PdqHash {
  const words = pdqHashToWords(base);
  const flipIn = (m: number, lowest: number, width: number, count: number) => {
    const chosen = new Set<number>();
    while (chosen.size < count) chosen.add(lowest + (next() % width));
    for (const bit of chosen) words[m]! ^= 1 << bit;
  };
  const keyLowest = half === 0 ? 16 : 0;
  flipIn(word, keyLowest, 16, keyBits);
  flipIn(word, 16 - keyLowest, 16, pairBudget - keyBits);
  for (let m = 0; m < 8; m++) if (m !== word) flipIn(m, 0, 32, pairBudget + 1);
  return pdqWordsToHash(words);
}

export interface IndexFactory {
  create(): PdqIndex;
}

type Entry = { hash: PdqHash; id: number };

function asEntries(entries: readonly Entry[]): PdqEntries {
  const words = new Uint32Array(entries.length * 8);
  const ids = new Uint32Array(entries.length);
  entries.forEach((e, i) => {
    pdqHashToWords(e.hash, words, i * 8);
    ids[i] = e.id;
  });
  return { words, ids };
}

export function pdqIndexConformance(name: string, factory: IndexFactory): void {
  const reference = (entries: readonly Entry[]): LinearPdqIndex => {
    const index = new LinearPdqIndex();
    for (const e of entries) index.add(e.hash, e.id);
    return index;
  };

  // Every case runs on an index filled one `add` at a time and on one filled by `addMany`.
  for (const fill of ['add', 'addMany'] as const) {
    const build = (entries: readonly Entry[]): PdqIndex => {
      const index = factory.create();
      if (fill === 'addMany') index.addMany(asEntries(entries));
      else for (const e of entries) index.add(e.hash, e.id);
      return index;
    };

    describe(`${name} (filled by ${fill}): PDQ index conformance`, () => {
      it('answers nothing when empty', () => {
        const index = build([]);
        expect(index.size).toBe(0);
        expect(index.search(randomHash(prng(1)))).toEqual([]);
        expect(index.search(randomHash(prng(1)), 256)).toEqual([]);
        expect(index.searchMany([])).toEqual([]);
        expect(index.searchEach([])).toEqual([]);
        expect(index.searchEach([randomHash(prng(1))])).toEqual([[]]);
        expect(index.toEntries().ids.length).toBe(0);
      });

      it('finds near copies with 0–40 flipped bits exactly as the linear scan does', () => {
        const next = prng(42);
        const bases = Array.from({ length: 3000 }, () => randomHash(next));
        const entries = bases.flatMap((hash, i) => [
          { hash, id: i * 10 },
          { hash: flipBits(hash, next() % 41, next), id: i * 10 + 1 },
          { hash: flipBitsClustered(hash, next() % 41, next), id: i * 10 + 2 },
        ]);
        const index = build(entries);
        const linear = reference(entries);
        expect(index.size).toBe(entries.length);
        let found = 0;
        for (let q = 0; q < 600; q++) {
          const base = bases[next() % bases.length]!;
          const query = q % 2 ? flipBits(base, next() % 41, next) : flipBitsClustered(base, next() % 41, next);
          // The reference at the widest radius, filtered: the same answers as one scan per radius.
          const widest = linear.search(query, 40);
          for (const radius of [0, 1, 8, 15, 16, 31, 32, 40]) {
            const expected = widest.filter((m) => m.distance <= radius);
            found += expected.length;
            expect(index.search(query, radius)).toEqual(expected);
          }
        }
        expect(found).toBeGreaterThan(2000); // the queries really land near stored hashes
      });

      it('finds hashes that only one of the sixteen chunks can reveal, at every chunk and radius', () => {
        const next = prng(31);
        const base = randomHash(next);
        const entries: Entry[] = [];
        for (const pairBudget of [0, 1, 2, 3, 4, 5, 6, 7]) {
          for (let table = 0; table < 16; table++) {
            const keyBits = pairBudget >> 1;
            const at = loneChunkNeighbour(base, table >> 1, table & 1, pairBudget, keyBits, next);
            entries.push({ hash: at, id: pairBudget * 100 + table });
          }
        }
        // Padding, so that an index with a size threshold builds its tables.
        for (let i = 0; i < 10_000; i++) entries.push({ hash: randomHash(next), id: 1_000_000 + i });
        const index = build(entries);
        for (const pairBudget of [0, 1, 2, 3, 4, 5, 6, 7]) {
          const radius = 8 * pairBudget + 7;
          const found = index.search(base, radius).map((m) => m.id);
          for (let table = 0; table < 16; table++) expect(found).toContain(pairBudget * 100 + table);
          expect(index.search(base, radius)).toEqual(reference(entries).search(base, radius));
          expect(index.searchEach([randomHash(next), base, base], radius)).toEqual([[], index.search(base, radius), index.search(base, radius)]);
          // One bit short of the radius, every one of them drops out.
          const tighter = index.search(base, radius - 1).map((m) => m.id);
          for (let table = 0; table < 16; table++) expect(tighter).not.toContain(pairBudget * 100 + table);
        }
      });

      it('draws the radius line exactly: distance 31 is in, 32 is out', () => {
        const next = prng(7);
        for (let round = 0; round < 20; round++) {
          const base = randomHash(next);
          const flip = round % 2 ? flipBits : flipBitsClustered;
          const at31 = flip(base, 31, next);
          const at32 = flip(base, 32, next);
          const index = build([
            { hash: at31, id: 31 },
            { hash: at32, id: 32 },
          ]);
          expect(hammingDistance(base, at31)).toBe(31);
          expect(hammingDistance(base, at32)).toBe(32);
          expect(index.search(base)).toEqual([{ id: 31, distance: 31 }]);
          expect(index.search(base, 32)).toEqual([
            { id: 31, distance: 31 },
            { id: 32, distance: 32 },
          ]);
          expect(index.search(base, 30)).toEqual([]);
        }
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
        expect(index.searchEach([hash])).toEqual([index.search(hash)]);
        expect(index.remove(hash, 5)).toBe(2);
        expect(index.search(hash)).toEqual([{ id: 6, distance: 0 }]);
        expect(index.searchEach([hash, hash])).toEqual([[{ id: 6, distance: 0 }], [{ id: 6, distance: 0 }]]);
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
        expect(index.remove(flipBits(hashes[1]!, 1, next), 1)).toBe(0); // a near hash is not the entry
        expect(index.size).toBe(200);
        const near = flipBits(hashes[5]!, 10, next);
        expect(index.search(near).map((m) => m.id)).toContain(5);
        index.remove(hashes[5]!, 5);
        expect(index.search(near).map((m) => m.id)).not.toContain(5);
      });

      it('stays exact through interleaved adds and removals on a large index', () => {
        const next = prng(11);
        const first = Array.from({ length: 20_000 }, (_, id) => ({ hash: randomHash(next), id }));
        const index = build(first);
        const linear = reference(first);
        // Enough later adds to fill any tail or delta structure, near the first ones so they match.
        for (let i = 0; i < 10_000; i++) {
          const e = { hash: flipBits(first[next() % first.length]!.hash, next() % 33, next), id: 100_000 + i };
          index.add(e.hash, e.id);
          linear.add(e.hash, e.id);
          if (i % 5 === 0) {
            const victim = i % 2 ? first[next() % first.length]! : e;
            expect(index.remove(victim.hash, victim.id)).toBe(linear.remove(victim.hash, victim.id));
          }
        }
        expect(index.size).toBe(linear.size);
        for (let q = 0; q < 300; q++) {
          const query = flipBits(first[next() % first.length]!.hash, next() % 41, next);
          const widest = linear.search(query, 63);
          for (const radius of [31, 32, 47, 63]) expect(index.search(query, radius)).toEqual(widest.filter((m) => m.distance <= radius));
        }
      });

      it('answers a batch query by query exactly as the linear scan does, through adds and removals', () => {
        const next = prng(37);
        const first = Array.from({ length: 12_000 }, (_, id) => ({ hash: randomHash(next), id }));
        const index = build(first);
        const linear = reference(first);
        const queriesNear = (count: number) =>
          Array.from({ length: count }, (_, q) => {
            const base = first[next() % first.length]!.hash;
            return q % 3 === 0 ? randomHash(next) : q % 3 === 1 ? flipBits(base, next() % 41, next) : flipBitsClustered(base, next() % 41, next);
          });
        // Enough queries that every table is probed thousands of times (a batch index may sort its probes).
        const queries = queriesNear(400);
        const check = (batch: readonly PdqHash[], radii: readonly number[]) => {
          // The reference at the widest radius, filtered: the same answers as one scan per radius.
          const widest = batch.map((query) => linear.search(query, Math.max(...radii)));
          for (const radius of radii) expect(index.searchEach(batch, radius)).toEqual(widest.map((matches) => matches.filter((m) => m.distance <= radius)));
        };
        check(queries, [0, 8, 16, 31, 32, 47, 63]);
        // Later adds (in whatever tail or delta structure the index keeps: the MIH ends with both), near stored hashes and duplicating some, and removals.
        for (let i = 0; i < 7000; i++) {
          const e = i % 100 === 0 ? first[next() % first.length]! : { hash: flipBits(first[next() % first.length]!.hash, next() % 33, next), id: 100_000 + i };
          index.add(e.hash, e.id);
          linear.add(e.hash, e.id);
          if (i % 7 === 0) {
            const victim = first[next() % first.length]!;
            expect(index.remove(victim.hash, victim.id)).toBe(linear.remove(victim.hash, victim.id));
          }
        }
        check(queries.slice(0, 250), [31, 63]);
        check(queries.slice(0, 30), [64, 80]);
        // The same query several times in one batch: each answered in full.
        const twice = [queries[1]!, queries[1]!, queries[2]!, queries[1]!];
        check(twice, [31]);
      });

      it('matches any of several queries at the best distance, naming the query', () => {
        const next = prng(13);
        const a = randomHash(next);
        const b = randomHash(next);
        const index = build([
          { hash: a, id: 1 },
          { hash: b, id: 2 },
        ]);
        const nearA = flipBits(a, 4, next);
        const nearB = flipBits(b, 9, next);
        expect(index.searchMany([nearA, nearB, flipBits(a, 2, next), a])).toEqual([
          { id: 1, distance: 0, query: 3 },
          { id: 2, distance: 9, query: 1 },
        ]);
        // On a tie the first query wins.
        expect(index.searchMany([nearB, nearB])).toEqual([{ id: 2, distance: 0 + 9, query: 0 }]);
      });

      it('matches a rotated or flipped photo through its dihedral hashes, naming the variant', () => {
        const next = prng(29);
        const stored = randomHash(next);
        const other = randomHash(next);
        const index = build([
          { hash: stored, id: 7 },
          { hash: other, id: 8 },
        ]);
        // A query photo whose 90° rotation is a near copy of the stored one.
        const variants = {
          orig: randomHash(next),
          rot90: flipBits(stored, 5, next),
          rot180: randomHash(next),
          rot270: flipBits(stored, 12, next),
          flipx: randomHash(next),
          flipy: randomHash(next),
          flipplus1: randomHash(next),
          flipminus1: randomHash(next),
        };
        expect(searchDihedral(index, variants)).toEqual([{ id: 7, distance: 5, variant: 'rot90' }]);
        expect(searchDihedral(index, { orig: variants.orig })).toEqual([]);
        expect(searchDihedral(index, { flipy: other })).toEqual([{ id: 8, distance: 0, variant: 'flipy' }]);
      });

      it('answers radii up to 63 exactly (and a full scan beyond)', () => {
        const next = prng(17);
        const base = randomHash(next);
        const entries = Array.from({ length: 12_000 }, (_, id) => ({
          hash: id % 3 ? flipBits(base, 20 + (id % 60), next) : id % 2 ? flipBitsClustered(base, 20 + (id % 60), next) : randomHash(next),
          id,
        }));
        const index = build(entries);
        const linear = reference(entries);
        for (const radius of [39, 40, 45, 47, 48, 55, 56, 63, 64, 128, 256]) {
          const query = radius % 2 ? base : flipBits(base, 3, next);
          expect(index.search(query, radius)).toEqual(linear.search(query, radius));
        }
      });

      it('survives a snapshot round-trip', () => {
        const next = prng(19);
        const entries = Array.from({ length: 10_000 }, (_, id) => ({ hash: randomHash(next), id: id * 3 }));
        const index = build(entries);
        index.remove(entries[10]!.hash, entries[10]!.id);
        const loaded = loadSnapshot(saveSnapshot(index.toEntries()));
        if (!loaded.ok) throw new Error(loaded.reason);
        const copy = factory.create();
        copy.addMany(loaded.value);
        expect(copy.size).toBe(9999);
        expect(Array.from(copy.toEntries().ids)).toEqual(Array.from(index.toEntries().ids));
        for (const e of entries.slice(0, 100)) {
          const query = flipBits(e.hash, next() % 41, next);
          expect(copy.search(query)).toEqual(index.search(query));
        }
        expect(copy.search(entries[10]!.hash, 0)).toEqual([]);
      });

      it('refuses ids, radii and entry arrays it cannot hold', () => {
        const index = build([]);
        const hash = randomHash(prng(23));
        expect(() => {
          index.add(hash, -1);
        }).toThrow(RangeError);
        expect(() => {
          index.add(hash, 2 ** 32);
        }).toThrow(RangeError);
        expect(() => {
          index.addMany({ words: new Uint32Array(7), ids: new Uint32Array(1) });
        }).toThrow(RangeError);
        expect(() => index.search(hash, 257)).toThrow(RangeError);
        expect(() => index.search(hash, -1)).toThrow(RangeError);
        expect(() => index.search(hash, 1.5)).toThrow(RangeError);
        expect(() => index.searchEach([hash], 257)).toThrow(RangeError);
        expect(() => index.searchEach(Array.from({ length: 65537 }, () => hash))).toThrow(RangeError);
        index.add(hash, 2 ** 32 - 1);
        expect(index.search(hash)).toEqual([{ id: 2 ** 32 - 1, distance: 0 }]);
      });
    });
  }
}
