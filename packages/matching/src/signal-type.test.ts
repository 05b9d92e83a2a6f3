import { md5Hex, pdqHash } from '@disrupt/hashing';
import { describe, expect, it } from 'vitest';
import { ExactIndex } from './exact-index.ts';
import { SignalTypeRegistry, defaultSignalTypes, md5Signal, pdqSignal, vpdqSignal } from './signal-type.ts';
import { flipBits, prng, randomHash } from './pdq-index.conformance.ts';

describe('signal type registry', () => {
  it('holds pdq, md5 and vpdq under their stable names', () => {
    expect(defaultSignalTypes().names()).toEqual(['pdq', 'md5', 'vpdq']);
  });

  it('refuses a duplicate or a non-literal name', () => {
    const registry = new SignalTypeRegistry([md5Signal]);
    expect(() => {
      registry.register({ ...md5Signal });
    }).toThrow(/duplicate signal type name: md5/);
    expect(() => {
      registry.register({ ...md5Signal, name: 'MD5 Hash' });
    }).toThrow(/lowercase literal/);
  });

  it('parses, compares and indexes PDQ within the radius', () => {
    const pdq = pdqSignal();
    expect(pdq.parse('zz')).toEqual({ ok: false, reason: 'malformed_pdq' });
    const next = prng(1);
    const a = randomHash(next);
    expect(pdq.matches(a, flipBits(a, 31, next))).toBe(true);
    expect(pdq.matches(a, flipBits(a, 32, next))).toBe(false);
    const index = pdq.createIndex();
    index.add(a, 4);
    expect(index.search(flipBits(a, 3, next))).toEqual([{ id: 4, distance: 3 }]);
    index.remove(a, 4);
    expect(index.size).toBe(0);
  });

  it('matches MD5 exactly', () => {
    const value = md5Hex(new Uint8Array([1, 2, 3]));
    const index = md5Signal.createIndex();
    index.add(value, 1);
    index.add(value, 2);
    index.add(value, 2);
    expect(index.size).toBe(2);
    expect(index.search(value)).toEqual([
      { id: 1, distance: 0 },
      { id: 2, distance: 0 },
    ]);
    expect(index.search(md5Hex(new Uint8Array([1, 2])))).toEqual([]);
  });

  it('round-trips vPDQ text and refuses malformed lines', () => {
    const vpdq = vpdqSignal();
    const hash = pdqHash('d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22');
    const text = `0,100,${hash},0.000\n30,90,${hash},1.000`;
    const parsed = vpdq.parse(text);
    expect(parsed.ok && vpdq.format(parsed.value)).toBe(text);
    expect(vpdq.parse(`0,100,${hash}`)).toEqual({ ok: false, reason: 'malformed_vpdq' });
    expect(vpdq.parse('')).toEqual({ ok: false, reason: 'malformed_vpdq' });
  });
});

describe('ExactIndex', () => {
  it('adds, finds and removes by value and id', () => {
    const index = new ExactIndex();
    index.add('a', 3);
    index.add('a', 1);
    expect(index.search('a')).toEqual([1, 3]);
    expect(index.remove('a', 3)).toBe(1);
    expect(index.remove('a', 3)).toBe(0);
    expect(index.search('a')).toEqual([1]);
    expect(index.size).toBe(1);
  });
});
