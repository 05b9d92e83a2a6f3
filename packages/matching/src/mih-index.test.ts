import { describe, expect, it } from 'vitest';
import { MihPdqIndex } from './mih-index.ts';
import { LinearPdqIndex } from './pdq-index.ts';
import { flipBits, flipBitsClustered, pdqIndexConformance, prng, randomHash } from './pdq-index.conformance.ts';

pdqIndexConformance('MihPdqIndex', { create: () => new MihPdqIndex() });

describe('MihPdqIndex against the linear scan at scale', () => {
  it('returns exactly the linear answer for 2,000 queries over 100,000 hashes', () => {
    const next = prng(2026);
    const hashes = Array.from({ length: 100_000 }, () => randomHash(next));
    const mih = new MihPdqIndex();
    const linear = new LinearPdqIndex();
    hashes.forEach((hash, id) => {
      mih.add(hash, id);
      linear.add(hash, id);
    });
    let found = 0;
    for (let q = 0; q < 2000; q++) {
      const base = hashes[next() % hashes.length]!;
      const query = q % 2 ? flipBits(base, next() % 41, next) : flipBitsClustered(base, next() % 41, next);
      const expected = linear.search(query);
      found += expected.length;
      expect(mih.search(query)).toEqual(expected);
    }
    expect(found).toBeGreaterThan(1500);
  });

  it('compacts removed entries on rebuild', () => {
    const next = prng(5);
    const hashes = Array.from({ length: 20_000 }, () => randomHash(next));
    const mih = new MihPdqIndex();
    hashes.forEach((hash, id) => {
      mih.add(hash, id);
    });
    mih.rebuild();
    const before = mih.bytes();
    for (let id = 0; id < 10_000; id++) mih.remove(hashes[id]!, id);
    mih.rebuild();
    expect(mih.size).toBe(10_000);
    expect(mih.toEntries().ids.length).toBe(10_000);
    expect(mih.search(hashes[10]!, 0)).toEqual([]);
    expect(mih.search(hashes[17_000]!, 0)).toEqual([{ id: 17_000, distance: 0 }]);
    expect(mih.bytes()).toBeLessThan(before);
  });
});
