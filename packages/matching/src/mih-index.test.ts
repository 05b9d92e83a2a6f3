import { pdqHashToWords } from '@disrupt/hashing';
import { describe, expect, it } from 'vitest';
import { MihPdqIndex } from './mih-index.ts';
import { LinearPdqIndex } from './pdq-index.ts';
import { flipBits, pdqIndexConformance, prng, randomHash } from './pdq-index.conformance.ts';

pdqIndexConformance('MihPdqIndex (one add at a time)', { create: () => new MihPdqIndex() });
pdqIndexConformance('MihPdqIndex (bulk build)', {
  create: () => new MihPdqIndex(),
  bulk: (entries) => {
    const index = new MihPdqIndex();
    index.addAll(entries.map((e) => ({ words: pdqHashToWords(e.hash), id: e.id })));
    return index;
  },
});

describe('MihPdqIndex against the linear scan at scale', () => {
  it('returns exactly the linear answer for 2,000 queries over 100,000 hashes', () => {
    const next = prng(2026);
    const hashes = Array.from({ length: 100_000 }, () => randomHash(next));
    const mih = new MihPdqIndex();
    mih.addAll(hashes.map((hash, id) => ({ words: pdqHashToWords(hash), id })));
    const linear = new LinearPdqIndex();
    hashes.forEach((hash, id) => {
      linear.add(hash, id);
    });
    let found = 0;
    for (let q = 0; q < 2000; q++) {
      const query = flipBits(hashes[next() % hashes.length]!, next() % 41, next);
      const expected = linear.search(query);
      found += expected.length;
      expect(mih.search(query)).toEqual(expected);
    }
    expect(found).toBeGreaterThan(1000); // the queries really land near stored hashes
  });

  it('compacts removed entries on rebuild', () => {
    const next = prng(5);
    const hashes = Array.from({ length: 10_000 }, () => randomHash(next));
    const mih = new MihPdqIndex();
    mih.addAll(hashes.map((hash, id) => ({ words: pdqHashToWords(hash), id })));
    const before = mih.bytes();
    for (let id = 0; id < 5000; id++) mih.remove(hashes[id]!, id);
    mih.rebuild();
    expect(mih.size).toBe(5000);
    expect(mih.search(hashes[10]!, 0)).toEqual([]);
    expect(mih.search(hashes[7000]!, 0)).toEqual([{ id: 7000, distance: 0 }]);
    expect(mih.bytes()).toBeLessThanOrEqual(before);
  });
});
