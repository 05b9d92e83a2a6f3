import { describe, expect, it } from 'vitest';
import { prng } from './pdq-index.conformance.ts';
import { loadSnapshot, saveSnapshot } from './snapshot.ts';

describe('snapshots', () => {
  const next = prng(3);
  const n = 50;
  const words = new Uint32Array(n * 8).map(() => next());
  const ids = new Uint32Array(n).map(() => next());
  const bytes = saveSnapshot({ words, ids });

  it('load exactly what they saved', () => {
    const loaded = loadSnapshot(bytes);
    if (!loaded.ok) throw new Error(loaded.reason);
    expect(Array.from(loaded.value.ids)).toEqual(Array.from(ids));
    expect(Array.from(loaded.value.words)).toEqual(Array.from(words));
    expect(loadSnapshot(saveSnapshot({ words: new Uint32Array(0), ids: new Uint32Array(0) }))).toEqual({ ok: true, value: { words: new Uint32Array(0), ids: new Uint32Array(0) } });
  });

  it('load from a view into a larger buffer (as a file read gives)', () => {
    const padded = new Uint8Array(bytes.length + 7);
    padded.set(bytes, 3);
    const loaded = loadSnapshot(padded.subarray(3, 3 + bytes.length));
    expect(loaded.ok && Array.from(loaded.value.ids)).toEqual(Array.from(ids));
  });

  it('refuse other files, other versions, truncation and corruption, as values', () => {
    expect(loadSnapshot(new TextEncoder().encode('not a snapshot at all'))).toEqual({ ok: false, reason: 'not_a_snapshot' });
    expect(loadSnapshot(new Uint8Array())).toEqual({ ok: false, reason: 'not_a_snapshot' });
    const otherVersion = Uint8Array.from(bytes);
    otherVersion[8] = 2;
    expect(loadSnapshot(otherVersion)).toEqual({ ok: false, reason: 'unsupported_version' });
    expect(loadSnapshot(bytes.subarray(0, bytes.length - 3))).toEqual({ ok: false, reason: 'truncated' });
    expect(loadSnapshot(Uint8Array.from([...bytes, 0]))).toEqual({ ok: false, reason: 'truncated' });
    const hugeCount = Uint8Array.from(bytes);
    hugeCount.set([0xff, 0xff, 0xff, 0xff], 12);
    expect(loadSnapshot(hugeCount)).toEqual({ ok: false, reason: 'truncated' });
    // FNV-1a changes with any single changed byte, so every one-byte corruption of the payload is caught.
    for (let at = 20; at < bytes.length; at += 7) {
      const flipped = Uint8Array.from(bytes);
      flipped[at] = flipped[at]! ^ (1 + (next() % 255));
      expect(loadSnapshot(flipped)).toEqual({ ok: false, reason: 'corrupt' });
    }
  });

  it('never throw, whatever the bytes', () => {
    for (let round = 0; round < 500; round++) {
      const garbled = Uint8Array.from(bytes.subarray(0, next() % (bytes.length + 1)));
      for (let k = next() % 4; k > 0; k--) if (garbled.length > 0) garbled[next() % garbled.length] = next() & 0xff;
      expect(() => loadSnapshot(garbled)).not.toThrow();
      const random = new Uint8Array(next() % 64).map(() => next() & 0xff);
      expect(loadSnapshot(random).ok).toBe(false);
    }
  });
});
