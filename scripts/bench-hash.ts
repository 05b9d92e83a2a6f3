// npm run bench:hash — how fast we fingerprint, measured on this machine.
//
// 1. PDQ from already-decoded 1024×768 RGB pixels, both pipelines, one core.
// 2. File → hash for 200 generated 1024×768 JPEGs (decode with sharp + PDQ +
//    MD5 + SHA-256), one file at a time (the same-run baseline) and with 2 in
//    flight.
// 3. vPDQ frames per second on a reference sample video (every frame, and
//    the default one frame a second).
//
// Meta's C++ reference figures on this kind of machine (quoted in issue 2, not
// measured here): 226 hashes/s from pixels (reference pipeline), 61/s at full
// resolution, 137 files/s end to end. The last line is one JSON object.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type PdqPipeline, pdq } from '@disrupt/hashing';
import { type HashPool, createHashPool, hashFile, hashVideo } from '@disrupt/media';
import sharp from 'sharp';

const META = { pixelsReference: 226, pixelsFull: 61, filesEndToEnd: 137 } as const;
const { values } = parseArgs({ options: { files: { type: 'string', default: '200' }, seconds: { type: 'string', default: '3' } } });
const FILES = Number(values.files);
const SECONDS = Number(values.seconds);
const WIDTH = 1024;
const HEIGHT = 768;

function photoLike(seed: number): Uint8Array {
  const data = new Uint8Array(WIDTH * HEIGHT * 3);
  let s = seed >>> 0;
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const noise = (s >>> 24) / 16;
      const u = x / WIDTH;
      const v = y / HEIGHT;
      const i = (y * WIDTH + x) * 3;
      data[i] = 128 + 90 * Math.sin(6 * u + seed + 2 * v) + noise;
      data[i + 1] = 128 + 80 * Math.cos(4 * u * v + 5 * v + seed) + noise;
      data[i + 2] = 128 + 100 * Math.sin(3 * u - 7 * v * v + seed / 3) + noise;
    }
  }
  return data;
}

function pixelsPerSecond(pipeline: PdqPipeline): number {
  const pixels = { width: WIDTH, height: HEIGHT, channels: 3 as const, data: photoLike(1) };
  for (let i = 0; i < 10; i++) pdq(pixels, { pipeline });
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) {
    pdq(pixels, { pipeline });
    n++;
  }
  return (n * 1000) / (performance.now() - start);
}

async function filesPerSecond(paths: readonly string[], inFlight: number, pool?: HashPool): Promise<number> {
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const path = paths[next++]!;
      const result = await (pool ? pool.hashFile(path) : hashFile(path));
      if (!result.ok) throw new Error(result.message);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return (paths.length * 1000) / (performance.now() - start);
}

async function videoFramesPerSecond(path: string, secondsPerHash: number): Promise<number> {
  const start = performance.now();
  const result = await hashVideo(path, { secondsPerHash });
  if (!result.ok) throw new Error(result.message);
  return (result.value.frames.length * 1000) / (performance.now() - start);
}

const round = (x: number) => Math.round(x * 10) / 10;

console.log(`PDQ from decoded ${WIDTH}×${HEIGHT} pixels, one core, ${SECONDS} s each…`);
const reference = pixelsPerSecond('reference');
const full = pixelsPerSecond('full');
console.log(`  reference pipeline: ${round(reference)} hashes/s (${round(reference / META.pixelsReference)}× Meta's C++ ${META.pixelsReference}/s)`);
console.log(`  full resolution:    ${round(full)} hashes/s (${round(full / META.pixelsFull)}× Meta's C++ ${META.pixelsFull}/s)`);

const dir = mkdtempSync(join(tmpdir(), 'disrupt-bench-'));
try {
  console.log(`Generating ${FILES} ${WIDTH}×${HEIGHT} JPEGs…`);
  const paths: string[] = [];
  for (let i = 0; i < FILES; i++) {
    const path = join(dir, `${i}.jpg`);
    writeFileSync(path, await sharp(photoLike(i + 2), { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).jpeg({ quality: 85 }).toBuffer());
    paths.push(path);
  }
  await filesPerSecond(paths.slice(0, 10), 1); // warm-up
  const sequential = await filesPerSecond(paths, 1);
  const twoInFlight = await filesPerSecond(paths, 2);
  const pool = createHashPool({ size: 2 });
  let pooled: number;
  try {
    await filesPerSecond(paths.slice(0, 10), 4, pool); // workers start and warm up
    pooled = await filesPerSecond(paths, 4, pool);
  } finally {
    await pool.close();
  }
  console.log(`File → hash (decode + PDQ + MD5 + SHA-256):`);
  console.log(`  one at a time, one thread (baseline): ${round(sequential)} files/s`);
  console.log(`  2 in flight, one thread:              ${round(twoInFlight)} files/s (${round(twoInFlight / sequential)}× baseline)`);
  console.log(`  hash pool, 2 workers × 2 in flight:   ${round(pooled)} files/s (${round(pooled / sequential)}× baseline, ${round(pooled / META.filesEndToEnd)}× Meta's C++ ${META.filesEndToEnd}/s)`);

  const video = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/reference/vpdq/sample-videos/pattern-hd-no-bar.mp4');
  const everyFrame = await videoFramesPerSecond(video, 0);
  const oneASecond = await videoFramesPerSecond(video, 1);
  console.log(`vPDQ, 1280×720 H.264 (ffmpeg decode + PDQ per frame):`);
  console.log(`  every frame: ${round(everyFrame)} frames hashed/s; one a second: ${round(oneASecond)} frames hashed/s (${round(oneASecond * 30)} video frames decoded/s)`);

  console.log(
    JSON.stringify({
      pdq_pixels_reference_per_s: round(reference),
      pdq_pixels_full_per_s: round(full),
      vs_meta_pixels_reference: round(reference / META.pixelsReference),
      vs_meta_pixels_full: round(full / META.pixelsFull),
      files_per_s_sequential: round(sequential),
      files_per_s_2_in_flight: round(twoInFlight),
      files_per_s_pool: round(pooled),
      vs_meta_files: round(pooled / META.filesEndToEnd),
      vpdq_every_frame_per_s: round(everyFrame),
      vpdq_1fps_hashes_per_s: round(oneASecond),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
