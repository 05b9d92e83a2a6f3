// The pure core on synthetic pixels. The reference vectors (real photos,
// Node and Chromium) are in packages/media/test and test/.
import { describe, expect, it } from 'vitest';
import { hammingDistance } from './pdq-hash.ts';
import { DIHEDRAL_NAMES, type Pixels, pdq, pdqDihedral } from './pdq.ts';

/** A deterministic, photo-like image: smooth low-frequency shapes, like the content PDQ sees. */
function synthetic(width: number, height: number, channels: 1 | 2 | 3 | 4 = 3): Pixels {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x / width;
      const v = y / height;
      const r = 128 + 90 * Math.sin(6.1 * u + 2.3 * v) * Math.cos(3.7 * v);
      const g = 128 + 80 * Math.cos(4.3 * u * v + 5.9 * v) + 30 * Math.sin(9.1 * u);
      const b = 128 + 100 * Math.sin(2.9 * u - 7.3 * v * v);
      const values = channels <= 2 ? [0.299 * r + 0.587 * g + 0.114 * b, 255] : [r, g, b, 255];
      for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = Math.round(values[c]!);
    }
  }
  return { width, height, channels, data };
}

function rotate90CounterClockwise(p: Pixels): Pixels {
  const { width, height, channels, data } = p;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const nx = y;
      const ny = width - 1 - x;
      for (let c = 0; c < channels; c++) out[(ny * height + nx) * channels + c] = data[(y * width + x) * channels + c]!;
    }
  }
  return { width: height, height: width, channels, data: out };
}

describe('pdq', () => {
  it('gives a zero hash and quality 0 under 5 pixels, as the reference', () => {
    for (const [w, h] of [[4, 100], [100, 4], [0, 0]] as const) {
      expect(pdq(synthetic(w, h))).toEqual({ hash: '0'.repeat(64), quality: 0 });
    }
    expect(pdq(synthetic(5, 5)).hash).not.toBe('0'.repeat(64));
  });

  it('is deterministic and gives a smooth, varied image a usable quality', () => {
    const image = synthetic(300, 200);
    const first = pdq(image);
    expect(pdq(image)).toEqual(first);
    expect(first.quality).toBeGreaterThanOrEqual(50);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives a flat image quality 0', () => {
    const flat = { width: 100, height: 80, channels: 3 as const, data: new Uint8Array(100 * 80 * 3).fill(128) };
    expect(pdq(flat).quality).toBe(0);
  });

  it('ignores alpha: RGBA hashes as its RGB', () => {
    const rgb = synthetic(120, 90, 3);
    const rgba = new Uint8Array(120 * 90 * 4);
    for (let i = 0; i < 120 * 90; i++) {
      rgba.set(rgb.data.subarray(i * 3, i * 3 + 3), i * 4);
      rgba[i * 4 + 3] = i % 256; // any alpha at all
    }
    expect(pdq({ ...rgb, channels: 4, data: rgba })).toEqual(pdq(rgb));
  });

  it('uses grey as luma, with or without alpha', () => {
    const grey = synthetic(120, 90, 1);
    const greyAlpha = synthetic(120, 90, 2);
    expect(pdq(greyAlpha)).toEqual(pdq(grey));
  });

  it('skips the blur for a 64×64 image, as the reference does', () => {
    // The dihedral path never skips it, so the two can differ on such an
    // image; on other sizes they agree.
    const big = synthetic(200, 150);
    expect(pdqDihedral(big).hashes.orig).toBe(pdq(big).hash);
    const small = synthetic(64, 64);
    expect(hammingDistance(pdqDihedral(small).hashes.orig, pdq(small).hash)).toBeLessThan(16);
  });

  it('resizes only images over 512 px in the reference pipeline', () => {
    const small = synthetic(512, 300);
    expect(pdq(small, { pipeline: 'reference' })).toEqual(pdq(small, { pipeline: 'full' }));
    const large = synthetic(1024, 700);
    expect(pdq(large, { pipeline: 'reference' }).hash).not.toBe(pdq(large, { pipeline: 'full' }).hash);
    expect(hammingDistance(pdq(large, { pipeline: 'reference' }).hash, pdq(large, { pipeline: 'full' }).hash)).toBeLessThan(32);
  });

  it('refuses inconsistent buffers with a RangeError', () => {
    expect(() => pdq({ width: 10, height: 10, channels: 3, data: new Uint8Array(299) })).toThrow(RangeError);
    expect(() => pdq({ width: -1, height: 10, channels: 3, data: new Uint8Array(0) })).toThrow(RangeError);
    expect(() => pdq({ width: 1.5, height: 10, channels: 3, data: new Uint8Array(100) })).toThrow(RangeError);
    expect(() => pdq({ width: 10, height: 10, channels: 5 as 3, data: new Uint8Array(500) })).toThrow(RangeError);
  });
});

describe('pdqDihedral', () => {
  it('names the eight transforms in the reference order', () => {
    expect(Object.keys(pdqDihedral(synthetic(100, 100)).hashes)).toEqual([...DIHEDRAL_NAMES]);
  });

  it('predicts the hash of the rotated image (rot90 is counter-clockwise)', () => {
    const image = synthetic(256, 256);
    const rotated = pdq(rotate90CounterClockwise(image)).hash;
    const predicted = pdqDihedral(image).hashes;
    // Decimation samples are not symmetric, so a few bits may differ; any other
    // transform is far away.
    expect(hammingDistance(predicted.rot90, rotated)).toBeLessThanOrEqual(16);
    expect(hammingDistance(predicted.rot270, rotated)).toBeGreaterThan(64);
  });

  it('gives zero hashes under 5 pixels', () => {
    const result = pdqDihedral(synthetic(3, 3));
    expect(result.quality).toBe(0);
    for (const name of DIHEDRAL_NAMES) expect(result.hashes[name]).toBe('0'.repeat(64));
  });
});
