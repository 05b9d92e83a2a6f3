// The PDQ hash as a value: 256 bits written as 64 lowercase hex digits.
//
// The text form is the reference's: sixteen 16-bit words, the most significant
// word (bits 240–255) first. Bit k of the hash is bit (k % 16) of word k / 16;
// PDQ sets bit k = 16·i + j when DCT coefficient (i, j) is above the median.
//
// For matching, a hash is also eight 32-bit words (`PdqWords`), word m being
// hex digits 8m..8m+7. Hamming distance does not care about bit order, so the
// matcher works on words and never on text.

import { type Result, err, ok } from './result.ts';

declare const pdqHashBrand: unique symbol;
/** 64 lowercase hex digits, validated. Only `parsePdqHash` and the hasher make one. */
export type PdqHash = string & { readonly [pdqHashBrand]: true };

/** A PDQ hash as eight 32-bit words (see the file comment for the order). */
export type PdqWords = Uint32Array;

export const PDQ_HASH_BITS = 256;
export const PDQ_HEX_LENGTH = 64;

const HEX_64 = /^[0-9a-f]{64}$/;

/**
 * Validates hash text. Upper-case digits are accepted and folded to lower case
 * (partners send both); anything else is refused with a reason, never thrown.
 */
export function parsePdqHash(text: unknown): Result<PdqHash, 'malformed_pdq'> {
  if (typeof text !== 'string') return err('malformed_pdq');
  const lower = text.toLowerCase();
  if (lower.length !== PDQ_HEX_LENGTH || !HEX_64.test(lower)) return err('malformed_pdq');
  return ok(lower as PdqHash);
}

/** Same as `parsePdqHash`, for values that must already be valid (tests, constants). */
export function pdqHash(text: string): PdqHash {
  const parsed = parsePdqHash(text);
  if (!parsed.ok) throw new TypeError('not a PDQ hash: expected 64 hex digits');
  return parsed.value;
}

// Digit by digit from the character codes, without a substring and a parseInt
// per word: a partner batch parses 1,000 hashes on the event loop. A PdqHash
// is 64 hex digits (checked by parsePdqHash); `| 32` reads A–F as a–f.
export function pdqHashToWords(hash: PdqHash, out: PdqWords = new Uint32Array(8), offset = 0): PdqWords {
  for (let m = 0; m < 8; m++) {
    let word = 0;
    for (let i = 8 * m; i < 8 * m + 8; i++) {
      const c = hash.charCodeAt(i);
      word = (word << 4) | (c <= 57 ? c - 48 : (c | 32) - 87);
    }
    out[offset + m] = word;
  }
  return out;
}

export function pdqWordsToHash(words: PdqWords, offset = 0): PdqHash {
  let text = '';
  for (let m = 0; m < 8; m++) text += (words[offset + m]! >>> 0).toString(16).padStart(8, '0');
  return text as PdqHash;
}

/** Bits set in a 32-bit integer (SWAR; JavaScript has no popcount instruction). */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Hamming distance between two hashes stored as words, at the given word offsets. */
export function hammingDistanceWords(a: PdqWords, aOffset: number, b: PdqWords, bOffset: number): number {
  let d = 0;
  for (let m = 0; m < 8; m++) d += popcount32(a[aOffset + m]! ^ b[bOffset + m]!);
  return d;
}

/** Hamming distance between two hashes (0–256). */
export function hammingDistance(a: PdqHash, b: PdqHash): number {
  return hammingDistanceWords(pdqHashToWords(a), 0, pdqHashToWords(b), 0);
}

/** Builds the hash text from the reference's sixteen 16-bit words (word 0 = bits 0–15). */
export function pdqHashFromBitWords(words16: Uint16Array): PdqHash {
  let text = '';
  for (let w = 15; w >= 0; w--) text += words16[w]!.toString(16).padStart(4, '0');
  return text as PdqHash;
}
