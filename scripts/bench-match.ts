// npm run bench:match -- --hashes N --queries Q
//
// Builds a MIH index of N random PDQ hashes, queries Q stored hashes with 0–40
// random bits flipped (radius 31), and checks every answer against a
// brute-force scan of the same hashes run in the same process: recall is
// measured, not assumed. Meta's C++ MIH on this kind of machine (quoted in
// issue 3, not measured here): 21.6 s to build over 1 M hashes, 1.67 ms per
// radius-31 query; its brute force 1.82 ms. The last line is one JSON object.
import { parseArgs } from 'node:util';
import { MihPdqIndex, loadSnapshot, saveSnapshot } from '@disrupt/matching';

const { values } = parseArgs({ options: { hashes: { type: 'string', default: '1000000' }, queries: { type: 'string', default: '1000' }, radius: { type: 'string', default: '31' }, seed: { type: 'string', default: '1' } } });
const N = Number(values.hashes);
const Q = Number(values.queries);
const RADIUS = Number(values.radius);

let state = Number(values.seed) >>> 0;
const next = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
};

console.log(`Generating ${N.toLocaleString('en')} random hashes…`);
const hashes = new Uint32Array(N * 8);
for (let i = 0; i < hashes.length; i++) hashes[i] = next();

const ids = new Uint32Array(N);
for (let id = 0; id < N; id++) ids[id] = id;

const t0 = performance.now();
const index = new MihPdqIndex();
index.addMany({ words: hashes, ids });
index.rebuild();
const buildMs = performance.now() - t0;
const bytesPerHash = index.bytes() / N;
console.log(`Built in ${(buildMs / 1000).toFixed(2)} s, ${bytesPerHash.toFixed(1)} bytes per hash`);

// A restart from a snapshot: save, then load and build a fresh index.
const s0 = performance.now();
const snapshot = saveSnapshot(index.toEntries());
const saveMs = performance.now() - s0;
const r0 = performance.now();
const loaded = loadSnapshot(snapshot);
if (!loaded.ok) throw new Error(`snapshot refused: ${loaded.reason}`);
const restarted = new MihPdqIndex();
restarted.addMany(loaded.value);
restarted.rebuild();
const restartMs = performance.now() - r0;
if (restarted.size !== N) throw new Error('snapshot lost entries');
console.log(`Snapshot: ${(snapshot.length / 2 ** 20).toFixed(0)} MiB, saved in ${(saveMs / 1000).toFixed(2)} s, loaded and rebuilt in ${(restartMs / 1000).toFixed(2)} s`);

// Each query: a stored hash with 0–40 random bits flipped.
const queries = Array.from({ length: Q }, () => new Uint32Array(8));
for (const query of queries) {
  const source = next() % N;
  query.set(hashes.subarray(source * 8, source * 8 + 8));
  const flips = next() % 41;
  const chosen = new Set<number>();
  while (chosen.size < flips) chosen.add(next() % 256);
  for (const bit of chosen) query[bit >> 5]! ^= 1 << (bit & 31);
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** The baseline: a flat scan of all N hashes with early exit. */
function brute(query: Uint32Array): number[] {
  const found: number[] = [];
  const [q0, q1, q2, q3, q4, q5, q6, q7] = query as unknown as [number, number, number, number, number, number, number, number];
  for (let id = 0, o = 0; id < N; id++, o += 8) {
    let d = popcount(hashes[o]! ^ q0) + popcount(hashes[o + 1]! ^ q1) + popcount(hashes[o + 2]! ^ q2) + popcount(hashes[o + 3]! ^ q3);
    if (d > RADIUS) continue;
    d += popcount(hashes[o + 4]! ^ q4) + popcount(hashes[o + 5]! ^ q5) + popcount(hashes[o + 6]! ^ q6) + popcount(hashes[o + 7]! ^ q7);
    if (d <= RADIUS) found.push(id);
  }
  return found;
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

// Warm-up, then the measured runs.
for (let q = 0; q < Math.min(200, Q); q++) index.search(queries[q]!, RADIUS);
const mihUs: number[] = [];
const mihAnswers: number[][] = [];
for (const query of queries) {
  const start = process.hrtime.bigint();
  const result = index.search(query, RADIUS);
  mihUs.push(Number(process.hrtime.bigint() - start) / 1000);
  mihAnswers.push(result.map((m) => m.id).sort((a, b) => a - b));
}
console.log(`MIH: p50 ${percentile(mihUs, 50).toFixed(1)} µs, p99 ${percentile(mihUs, 99).toFixed(1)} µs over ${Q} queries`);

// The same queries as batches (searchEach, as the partner API's match threads
// use it), timed back to back with one-at-a-time search in the same process,
// and held to the same answers.
const BATCH = 1000;
const timeAll = (run: () => void) => {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1000 / Q;
};
let batchedAnswers: number[][] = [];
index.searchEach(queries.slice(0, Math.min(BATCH, Q)), RADIUS);
const oneUs = timeAll(() => {
  for (const query of queries) index.search(query, RADIUS);
});
const batchUs = timeAll(() => {
  batchedAnswers = [];
  for (let from = 0; from < Q; from += BATCH) {
    for (const matches of index.searchEach(queries.slice(from, from + BATCH), RADIUS)) batchedAnswers.push(matches.map((m) => m.id).sort((a, b) => a - b));
  }
});
if (JSON.stringify(batchedAnswers) !== JSON.stringify(mihAnswers)) throw new Error('searchEach answered differently from search');
console.log(`MIH in batches of ${BATCH}: ${batchUs.toFixed(1)} µs per query; one at a time, same run: ${oneUs.toFixed(1)} µs (${(oneUs / batchUs).toFixed(1)}× faster)`);

console.log('Brute force on every query, for recall…');
const bruteUs: number[] = [];
let expected = 0;
let recalled = 0;
let extra = 0;
queries.forEach((query, q) => {
  const start = process.hrtime.bigint();
  const truth = brute(query);
  bruteUs.push(Number(process.hrtime.bigint() - start) / 1000);
  const got = new Set(mihAnswers[q]);
  expected += truth.length;
  for (const id of truth) if (got.has(id)) recalled++;
  extra += mihAnswers[q]!.length - truth.filter((id) => got.has(id)).length;
});
const recall = expected === 0 ? 1 : recalled / expected;
const p50 = percentile(mihUs, 50);
const bruteP50 = percentile(bruteUs, 50);
console.log(`Brute force: p50 ${bruteP50.toFixed(1)} µs; recall ${recall} (${recalled}/${expected}), ${extra} answers beyond the radius`);
console.log(
  JSON.stringify({
    hashes: N,
    queries: Q,
    radius: RADIUS,
    build_ms: Math.round(buildMs),
    snapshot_save_ms: Math.round(saveMs),
    snapshot_restart_ms: Math.round(restartMs),
    bytes_per_hash: Math.round(bytesPerHash * 10) / 10,
    p50_us: Math.round(p50 * 10) / 10,
    p99_us: Math.round(percentile(mihUs, 99) * 10) / 10,
    batched_us_per_query: Math.round(batchUs * 10) / 10,
    one_at_a_time_us_per_query: Math.round(oneUs * 10) / 10,
    recall,
    false_positives: extra,
    brute_p50_us: Math.round(bruteP50 * 10) / 10,
    speedup: Math.round((bruteP50 / p50) * 10) / 10,
  }),
);
