import { describe, expect, it } from 'vitest';
import {
  hammingDistance,
  hammingDistanceWords,
  parsePdqHash,
  pdqHash,
  pdqHashFromBitWords,
  pdqHashToWords,
  pdqWordsToHash,
  popcount32,
} from './pdq-hash.ts';

const A = 'd8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22';

function naivePopcount(x: number): number {
  let n = 0;
  for (let b = 0; b < 32; b++) n += (x >>> b) & 1;
  return n;
}

describe('parsePdqHash', () => {
  it('accepts 64 hex digits and folds upper case', () => {
    expect(parsePdqHash(A)).toEqual({ ok: true, value: A });
    expect(parsePdqHash(A.toUpperCase())).toEqual({ ok: true, value: A });
  });

  it.each([
    ['too short', A.slice(1)],
    ['too long', `${A}0`],
    ['not hex', `${A.slice(0, 63)}g`],
    ['with spaces', ` ${A.slice(1)}`],
    ['a 0x prefix', `0x${A.slice(2)}`],
    ['empty', ''],
    ['unicode digits', `${A.slice(0, 63)}٣`],
  ])('refuses %s as a value, without throwing', (_name, text) => {
    expect(parsePdqHash(text)).toEqual({ ok: false, reason: 'malformed_pdq' });
  });

  it.each([null, undefined, 42, {}, ['a']])('refuses non-strings (%j)', (value) => {
    expect(parsePdqHash(value)).toEqual({ ok: false, reason: 'malformed_pdq' });
  });

  it('pdqHash throws for code that passes constants, without echoing the input', () => {
    expect(() => pdqHash('nope-secret')).toThrow(/64 hex digits/);
    expect(() => pdqHash('nope-secret')).not.toThrow(/secret/);
  });
});

describe('words and distance', () => {
  it('round-trips through 32-bit words', () => {
    const words = pdqHashToWords(pdqHash(A));
    expect(words).toHaveLength(8);
    expect(words[0]).toBe(0xd8f8f0ce);
    expect(pdqWordsToHash(words)).toBe(A);
  });

  it('parses every digit in every position (all zeros, all ones, each digit value)', () => {
    for (const digit of '0123456789abcdef') {
      const text = pdqHash(digit.repeat(64));
      const value = Number.parseInt(digit.repeat(8), 16);
      expect(Array.from(pdqHashToWords(text))).toEqual(Array(8).fill(value));
      expect(pdqWordsToHash(pdqHashToWords(text))).toBe(text);
    }
    const mixed = pdqHash('0123456789abcdef'.repeat(4));
    expect(Array.from(pdqHashToWords(mixed))).toEqual([0x01234567, 0x89abcdef, 0x01234567, 0x89abcdef, 0x01234567, 0x89abcdef, 0x01234567, 0x89abcdef]);
  });

  it('writes and reads words at an offset', () => {
    const buffer = new Uint32Array(24);
    pdqHashToWords(pdqHash(A), buffer, 8);
    expect(pdqWordsToHash(buffer, 8)).toBe(A);
    expect(buffer[0]).toBe(0);
  });

  it('popcount32 agrees with a bit-by-bit count', () => {
    let x = 0x9e3779b9;
    for (let i = 0; i < 10_000; i++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      expect(popcount32(x)).toBe(naivePopcount(x));
    }
    expect(popcount32(0)).toBe(0);
    expect(popcount32(0xffffffff)).toBe(32);
    expect(popcount32(-1)).toBe(32);
  });

  it('measures Hamming distance in bits', () => {
    const a = pdqHash(A);
    expect(hammingDistance(a, a)).toBe(0);
    const inverted = pdqHash(A.replace(/./g, (c) => (15 - Number.parseInt(c, 16)).toString(16)));
    expect(hammingDistance(a, inverted)).toBe(256);
    // Flip bit 0 (last hex digit) and bit 255 (first hex digit).
    const flipped = pdqHash(`5${A.slice(1, 63)}3`);
    expect(hammingDistance(a, flipped)).toBe(2);
    expect(hammingDistanceWords(pdqHashToWords(a), 0, pdqHashToWords(flipped), 0)).toBe(2);
  });

  it('lays bits out as the reference does: word 15 first, bit k in word k/16', () => {
    const words = new Uint16Array(16);
    words[0] = 1; // bit 0
    words[15] = 0x8000; // bit 255
    expect(pdqHashFromBitWords(words)).toBe(`8${'0'.repeat(62)}1`);
  });
});
