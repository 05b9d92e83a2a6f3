// PDQ, Meta's perceptual photo hash, computed exactly as the C++ reference
// (ThreatExchange pdq/cpp) computes it, bit for bit and with the same quality.
//
// Why float32 everywhere: the reference works in `float`, in a fixed order.
// Most images hash the same in float64, but flat or synthetic images put DCT
// coefficients within a rounding error of the median, and then a bit flips.
// Every arithmetic step below is therefore rounded to float32: values stored
// in a Float32Array are rounded on store, and running sums go through
// Math.fround. One float64 operation followed by one rounding to float32 gives
// exactly the float32 result for + − × ÷, so this is an emulation, not an
// approximation.
//
// The steps: luma (0.299 R + 0.587 G + 0.114 B, or grey as is) → two passes of
// Jarosz box filters along rows then columns (window ceil(dim / 128)) → 64×64
// decimation at pixel centres → quality from neighbour gradients → the 16×16
// low-frequency block (frequencies 1–16) of the 64×64 DCT → one bit per
// coefficient: above the lower median or not.

import { type PdqHash, pdqHashFromBitWords } from './pdq-hash.ts';

/** A decoded image, row-major, `channels` bytes per pixel, rows packed without padding. */
export interface Pixels {
  readonly width: number;
  readonly height: number;
  /** 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. Alpha is ignored, as the reference ignores it. */
  readonly channels: 1 | 2 | 3 | 4;
  readonly data: Uint8Array | Uint8ClampedArray;
}

/**
 * `reference`: Meta's `pdq-photo-hasher` — an image wider or taller than 512 px
 *   is first resized to exactly 512×512 by nearest neighbour (as CImg does).
 * `full`: the full-resolution pixels, as pdqhash-python, HMA, the Java port and
 *   vPDQ frames compute it.
 */
export type PdqPipeline = 'reference' | 'full';

export interface PdqResult {
  readonly hash: PdqHash;
  /** 0–100; the bank refuses hashes under 50. */
  readonly quality: number;
}

/** The reference's names and order (`pdq-photo-hasher --pdqdih-across`); rot90 is counter-clockwise. */
export const DIHEDRAL_NAMES = ['orig', 'rot90', 'rot180', 'rot270', 'flipx', 'flipy', 'flipplus1', 'flipminus1'] as const;
export type DihedralName = (typeof DIHEDRAL_NAMES)[number];

export interface PdqDihedralResult {
  readonly quality: number;
  readonly hashes: Readonly<Record<DihedralName, PdqHash>>;
}

export interface PdqOptions {
  readonly pipeline?: PdqPipeline;
}

const MIN_HASHABLE_DIM = 5;
const REFERENCE_DOWNSAMPLE_DIM = 512;
const JAROSZ_PASSES = 2;

const f32 = Math.fround;
const LUMA_R = f32(0.299);
const LUMA_G = f32(0.587);
const LUMA_B = f32(0.114);

/**
 * Rows 1–16 of the 64-point DCT-II matrix, as the reference builds it: a float
 * scale factor times a double cosine, rounded to float.
 */
const DCT_MATRIX: Float32Array = (() => {
  const scale = f32(Math.sqrt(2 / 64));
  const matrix = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      matrix[i * 64 + j] = scale * Math.cos((Math.PI / 2 / 64) * (i + 1) * (2 * j + 1));
    }
  }
  return matrix;
})();

const ZERO_HASH = pdqHashFromBitWords(new Uint16Array(16));

/** PDQ hash and quality of decoded pixels. */
export function pdq(pixels: Pixels, options: PdqOptions = {}): PdqResult {
  const luma = lumaFor(pixels, options.pipeline ?? 'reference');
  if (luma === null) return { hash: ZERO_HASH, quality: 0 };
  // The reference skips the blur for a 64×64 input (video frames already
  // downsampled by ffmpeg): a width-1 box filter is not the identity in float.
  const skipBlur = luma.rows === 64 && luma.cols === 64;
  const { quality, dct } = dctOfLuma(luma, skipBlur);
  return { hash: hashFromDct(dct), quality };
}

/**
 * The eight dihedral hashes (every rotation and flip) from one DCT. As in the
 * reference's dihedral path, the blur is never skipped, so a 64×64 image's
 * `orig` may differ from `pdq()` by a bit or two.
 */
export function pdqDihedral(pixels: Pixels, options: PdqOptions = {}): PdqDihedralResult {
  const luma = lumaFor(pixels, options.pipeline ?? 'reference');
  if (luma === null) {
    const hashes = Object.fromEntries(DIHEDRAL_NAMES.map((name) => [name, ZERO_HASH])) as Record<DihedralName, PdqHash>;
    return { quality: 0, hashes };
  }
  const { quality, dct } = dctOfLuma(luma, false);
  const aux = new Float32Array(256);
  const hashes = {} as Record<DihedralName, PdqHash>;
  for (const name of DIHEDRAL_NAMES) {
    transformDct(dct, aux, name);
    hashes[name] = hashFromDct(aux);
  }
  return { quality, hashes };
}

// ---------------------------------------------------------------------------

interface Luma {
  readonly rows: number;
  readonly cols: number;
  /** rows × cols, row-major; also the output of the blur. */
  readonly buffer1: Float32Array;
  /** scratch of the same size for the blur. */
  readonly buffer2: Float32Array;
}

// Scratch buffers, reused across calls: hashing is synchronous, and a 12 MP
// photo would otherwise allocate 96 MB of garbage per hash.
let scratch1 = new Float32Array(0);
let scratch2 = new Float32Array(0);

function lumaFor(pixels: Pixels, pipeline: PdqPipeline): Luma | null {
  const { width, height, data } = pixels;
  // Checked at run time too: the browser's worker passes what a page gave it.
  const channels: number = pixels.channels;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new RangeError('pixels: width and height must be non-negative integers');
  }
  if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) {
    throw new RangeError('pixels: channels must be 1, 2, 3 or 4');
  }
  if (data.length < width * height * channels) throw new RangeError('pixels: buffer shorter than width × height × channels');

  let rows = height;
  let cols = width;
  if (pipeline === 'reference' && (width > REFERENCE_DOWNSAMPLE_DIM || height > REFERENCE_DOWNSAMPLE_DIM)) {
    rows = REFERENCE_DOWNSAMPLE_DIM;
    cols = REFERENCE_DOWNSAMPLE_DIM;
  }
  if (rows < MIN_HASHABLE_DIM || cols < MIN_HASHABLE_DIM) return null;

  const size = rows * cols;
  if (scratch1.length < size) {
    scratch1 = new Float32Array(size);
    scratch2 = new Float32Array(size);
  }
  const buffer1 = scratch1.subarray(0, size);
  const buffer2 = scratch2.subarray(0, size);

  // Nearest neighbour as CImg resizes: output x reads source x·W/512, floored.
  const sourceColumn = new Int32Array(cols);
  for (let x = 0; x < cols; x++) sourceColumn[x] = cols === width ? x : Math.floor((x * width) / cols);

  let k = 0;
  for (let y = 0; y < rows; y++) {
    const sourceRow = rows === height ? y : Math.floor((y * height) / rows);
    const rowStart = sourceRow * width;
    if (channels >= 3) {
      for (let x = 0; x < cols; x++) {
        const p = (rowStart + sourceColumn[x]!) * channels;
        buffer1[k++] = f32(f32(LUMA_R * data[p]!) + f32(LUMA_G * data[p + 1]!)) + f32(LUMA_B * data[p + 2]!);
      }
    } else {
      for (let x = 0; x < cols; x++) buffer1[k++] = data[(rowStart + sourceColumn[x]!) * channels]!;
    }
  }
  return { rows, cols, buffer1, buffer2 };
}

function dctOfLuma(luma: Luma, skipBlur: boolean): { quality: number; dct: Float32Array } {
  const { rows, cols, buffer1, buffer2 } = luma;
  const block = new Float32Array(64 * 64);
  if (skipBlur) {
    block.set(buffer1.subarray(0, 64 * 64));
  } else {
    const windowAlongRows = jaroszWindowSize(cols);
    const windowAlongCols = jaroszWindowSize(rows);
    for (let pass = 0; pass < JAROSZ_PASSES; pass++) {
      boxAlongRows(buffer1, buffer2, rows, cols, windowAlongRows);
      boxAlongColumns(buffer2, buffer1, rows, cols, windowAlongCols);
    }
    decimate(buffer1, rows, cols, block);
  }
  return { quality: qualityOf(block), dct: dct64To16(block) };
}

/** ceil(dimension / 128): two passes of this window cover one 64th of the image. */
function jaroszWindowSize(dimension: number): number {
  return Math.floor((dimension + 2 * 64 - 1) / (2 * 64));
}

// The reference's 1-D box filter runs in four phases over a vector: grow the
// window without writing, write while it grows, slide it, write while it
// shrinks. Its sums are running float sums, so each vector keeps exactly that
// sequence of operations. A running sum is a chain of dependent additions:
// one vector at a time leaves the processor waiting on each step, so several
// vectors advance together and their chains overlap.

/** Along rows, four rows at a time, their sums in locals. */
function boxAlongRows(input: Float32Array, output: Float32Array, rows: number, cols: number, window: number): void {
  const half = (window + 2) >> 1;
  const phase1 = half - 1;
  const phase2 = window - half + 1;
  const phase3 = cols - window;
  const phase4 = half - 1;
  let row = 0;
  for (; row + 4 <= rows; row += 4) {
    const r0 = row * cols;
    const r1 = r0 + cols;
    const r2 = r1 + cols;
    const r3 = r2 + cols;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let right = 0;
    let left = 0;
    let out = 0;
    let size = 0;
    for (let i = 0; i < phase1; i++, right++) {
      s0 = f32(s0 + input[r0 + right]!);
      s1 = f32(s1 + input[r1 + right]!);
      s2 = f32(s2 + input[r2 + right]!);
      s3 = f32(s3 + input[r3 + right]!);
      size++;
    }
    for (let i = 0; i < phase2; i++, right++, out++) {
      size++;
      s0 = f32(s0 + input[r0 + right]!);
      s1 = f32(s1 + input[r1 + right]!);
      s2 = f32(s2 + input[r2 + right]!);
      s3 = f32(s3 + input[r3 + right]!);
      output[r0 + out] = s0 / size;
      output[r1 + out] = s1 / size;
      output[r2 + out] = s2 / size;
      output[r3 + out] = s3 / size;
    }
    for (let i = 0; i < phase3; i++, right++, left++, out++) {
      s0 = f32(f32(s0 + input[r0 + right]!) - input[r0 + left]!);
      s1 = f32(f32(s1 + input[r1 + right]!) - input[r1 + left]!);
      s2 = f32(f32(s2 + input[r2 + right]!) - input[r2 + left]!);
      s3 = f32(f32(s3 + input[r3 + right]!) - input[r3 + left]!);
      output[r0 + out] = s0 / size;
      output[r1 + out] = s1 / size;
      output[r2 + out] = s2 / size;
      output[r3 + out] = s3 / size;
    }
    for (let i = 0; i < phase4; i++, left++, out++) {
      size--;
      s0 = f32(s0 - input[r0 + left]!);
      s1 = f32(s1 - input[r1 + left]!);
      s2 = f32(s2 - input[r2 + left]!);
      s3 = f32(s3 - input[r3 + left]!);
      output[r0 + out] = s0 / size;
      output[r1 + out] = s1 / size;
      output[r2 + out] = s2 / size;
      output[r3 + out] = s3 / size;
    }
  }
  for (; row < rows; row++) boxOneRow(input, output, row * cols, cols, window);
}

function boxOneRow(input: Float32Array, output: Float32Array, base: number, length: number, window: number): void {
  const half = (window + 2) >> 1;
  let left = base;
  let right = base;
  let out = base;
  let sum = 0;
  let size = 0;
  for (let i = 0; i < half - 1; i++) {
    sum = f32(sum + input[right++]!);
    size++;
  }
  for (let i = 0; i < window - half + 1; i++) {
    sum = f32(sum + input[right++]!);
    size++;
    output[out++] = sum / size;
  }
  for (let i = 0; i < length - window; i++) {
    sum = f32(f32(sum + input[right++]!) - input[left++]!);
    output[out++] = sum / size;
  }
  for (let i = 0; i < half - 1; i++) {
    sum = f32(sum - input[left++]!);
    size--;
    output[out++] = sum / size;
  }
}

// Along columns, every column advances together, sweeping rows: memory is
// read row by row instead of with a stride of a whole row.
let columnSums = new Float32Array(0);

function boxAlongColumns(input: Float32Array, output: Float32Array, rows: number, cols: number, window: number): void {
  const half = (window + 2) >> 1;
  const phase1 = half - 1;
  const phase2 = window - half + 1;
  const phase3 = rows - window;
  const phase4 = half - 1;
  if (columnSums.length < cols) columnSums = new Float32Array(cols);
  const sums = columnSums;
  sums.fill(0, 0, cols);
  let left = 0;
  let right = 0;
  let out = 0;
  let size = 0;
  for (let i = 0; i < phase1; i++, right += cols) {
    for (let j = 0; j < cols; j++) sums[j] = sums[j]! + input[right + j]!;
    size++;
  }
  for (let i = 0; i < phase2; i++, right += cols, out += cols) {
    size++;
    for (let j = 0; j < cols; j++) {
      const sum = f32(sums[j]! + input[right + j]!);
      sums[j] = sum;
      output[out + j] = sum / size;
    }
  }
  for (let i = 0; i < phase3; i++, right += cols, left += cols, out += cols) {
    for (let j = 0; j < cols; j++) {
      const sum = f32(f32(sums[j]! + input[right + j]!) - input[left + j]!);
      sums[j] = sum;
      output[out + j] = sum / size;
    }
  }
  for (let i = 0; i < phase4; i++, left += cols, out += cols) {
    size--;
    for (let j = 0; j < cols; j++) {
      const sum = f32(sums[j]! - input[left + j]!);
      sums[j] = sum;
      output[out + j] = sum / size;
    }
  }
}

/** Samples the blurred image at the centres of a 64×64 grid. */
function decimate(input: Float32Array, rows: number, cols: number, out: Float32Array): void {
  for (let i = 0; i < 64; i++) {
    const sourceRow = Math.trunc(((i + 0.5) * rows) / 64);
    for (let j = 0; j < 64; j++) {
      const sourceColumn = Math.trunc(((j + 0.5) * cols) / 64);
      out[i * 64 + j] = input[sourceRow * cols + sourceColumn]!;
    }
  }
}

/** The reference's heuristic: the sum of quantised neighbour gradients, scaled to 0–100. */
function qualityOf(block: Float32Array): number {
  let gradientSum = 0;
  for (let i = 0; i < 63; i++) {
    for (let j = 0; j < 64; j++) {
      const d = Math.trunc(f32(f32(f32(block[i * 64 + j]! - block[(i + 1) * 64 + j]!) * 100) / 255));
      gradientSum += Math.abs(d);
    }
  }
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 63; j++) {
      const d = Math.trunc(f32(f32(f32(block[i * 64 + j]! - block[i * 64 + j + 1]!) * 100) / 255));
      gradientSum += Math.abs(d);
    }
  }
  return Math.min(100, Math.trunc(gradientSum / 90));
}

/** B = D · A · Dᵀ for the 16 lowest non-constant frequencies, summed in the reference's order. */
function dct64To16(block: Float32Array): Float32Array {
  const d = DCT_MATRIX;
  const t = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    const tRow = i * 64;
    // T[i][j] = Σk D[i][k]·A[k][j], k ascending; all 64 sums of the row advance together.
    for (let k = 0; k < 64; k++) {
      const dik = d[i * 64 + k]!;
      const aRow = k * 64;
      for (let j = 0; j < 64; j++) t[tRow + j] = t[tRow + j]! + f32(dik * block[aRow + j]!);
    }
  }
  const b = new Float32Array(16 * 16);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      let sum = 0;
      for (let k = 0; k < 64; k++) sum = f32(sum + f32(t[i * 64 + k]! * d[j * 64 + k]!));
      b[i * 16 + j] = sum;
    }
  }
  return b;
}

/** Bit i·16 + j is set when coefficient (i, j) is above the lower median of all 256. */
function hashFromDct(dct: Float32Array): PdqHash {
  const median = Float32Array.from(dct).sort()[127]!;
  const words = new Uint16Array(16);
  for (let k = 0; k < 256; k++) {
    if (dct[k]! > median) words[k >> 4]! |= 1 << (k & 15);
  }
  return pdqHashFromBitWords(words);
}

// A rotation or flip of the image only transposes the DCT block and flips the
// sign of odd or even frequencies, so all eight hashes come from one DCT.
// Frequency index i stands for frequency i + 1: index parity is inverted.
function transformDct(a: Float32Array, b: Float32Array, name: DihedralName): void {
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      const v = a[i * 16 + j]!;
      switch (name) {
        case 'orig':
          b[i * 16 + j] = v;
          break;
        case 'rot90':
          b[j * 16 + i] = j & 1 ? v : -v;
          break;
        case 'rot180':
          b[i * 16 + j] = (i + j) & 1 ? -v : v;
          break;
        case 'rot270':
          b[j * 16 + i] = i & 1 ? v : -v;
          break;
        case 'flipx':
          b[i * 16 + j] = i & 1 ? v : -v;
          break;
        case 'flipy':
          b[i * 16 + j] = j & 1 ? v : -v;
          break;
        case 'flipplus1':
          b[j * 16 + i] = v;
          break;
        case 'flipminus1':
          b[j * 16 + i] = (i + j) & 1 ? -v : v;
          break;
      }
    }
  }
}
