// npm run bench:partner -- [--hashes N] [--batches B] [--concurrency C] [--match-workers W] [--postgres ADMIN_URL] [--stopncii] [--profile DIR]
//
// The partner API under load, over HTTP on loopback, against a bank of N PDQ
// hashes (default 1 million): the server runs as its own process (`disrupt
// serve`, roles api, log level warn), the client here.
//  1. Match throughput: batches of 1,000 PDQ hashes (half near a bank hash,
//     half random) to POST /api/partner/v1/match, C requests in flight, the
//     server matching on W threads (DISRUPT_MATCH_WORKERS, --match-workers, default 2).
//     Baselines in the same run: the same queries against a MIH index in this
//     process, no HTTP, no JSON, no audit — what the wire and the service
//     cost — one query at a time and in batches (searchEach, as the match
//     threads search).
//  2. Full sync: GET /api/partner/v1/feed/full (NDJSON) of every record.
//     Baseline in the same run: the bank's own export (bank-admin
//     exportEntries) of the same rows, straight from the database.
//  3. With --stopncii: a full StopNCII FetchHashes sync at pageSize 800, as
//     python-threatexchange pages it.
// Goals (issue #6): ≥ 20,000 hashes/s; full sync of 1 M records < 20 s.
// --profile DIR writes the server's CPU profiles there (.cpuprofile, for
// Chrome's DevTools or speedscope). The last line is one JSON object.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type PdqHash, parsePdqHash } from '@disrupt/hashing';
import { MihPdqIndex } from '@disrupt/matching';
import { PartnerService, exportEntries, loadConfig, openStorage } from '@disrupt/server';
import { createScratchDatabase } from '../packages/server/test/databases.ts';

const { values } = parseArgs({
  options: {
    hashes: { type: 'string', default: '1000000' },
    batches: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '3' },
    'match-workers': { type: 'string', default: '2' },
    postgres: { type: 'string' },
    stopncii: { type: 'boolean', default: false },
    profile: { type: 'string' },
  },
});
const N = Number(values.hashes);
const BATCHES = Number(values.batches);
const CONCURRENCY = Number(values.concurrency);
const BATCH = 1000;
const ROOT = resolve(fileURLToPath(import.meta.url), '../..');

let state = 1;
const next = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
};

/** The i-th bank hash, as the SQL below makes it: md5(i||'a') || md5(i||'b'). */
const bankHash = (i: number) => createHash('md5').update(`${i}a`).digest('hex') + createHash('md5').update(`${i}b`).digest('hex');

function flip(hex: string, bits: number): string {
  const chars = hex.split('');
  for (let b = 0; b < bits; b++) {
    const bit = next() % 256;
    const i = bit >> 2;
    chars[i] = (parseInt(chars[i]!, 16) ^ (1 << (bit & 3))).toString(16);
  }
  return chars.join('');
}

const dir = mkdtempSync(join(tmpdir(), 'disrupt-bench-partner-'));
let scratch: { url: string; drop: () => Promise<void> } | null = null;
let server: ChildProcess | null = null;


try {
  if (values.postgres) scratch = await createScratchDatabase(values.postgres);
  const env = { DISRUPT_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn', DISRUPT_ROLES: 'api', DISRUPT_MATCH_WORKERS: values['match-workers'], ...(scratch ? { DATABASE_URL: scratch.url } : {}) };
  const config = loadConfig(env);
  if (!config.ok) throw new Error(config.errors.join('; '));
  console.log(`Bank of ${N.toLocaleString('en')} PDQ hashes on ${scratch ? 'PostgreSQL' : 'PGlite (embedded)'}; ${availableParallelism()} cores`);

  // The bank, straight in SQL (the import path is not what is measured here).
  let apiKey = '';
  let stopncii = { subscriptionKey: '', fetchKey: '' };
  let exportMs = 0;
  {
    const storage = await openStorage(config.config, 'bench');
    try {
      const t0 = performance.now();
      const CHUNK = 100_000;
      for (let from = 1; from <= N; from += CHUNK) {
        const to = Math.min(N, from + CHUNK - 1);
        await storage.database.raw(
          `insert into bank_entries (signal_type, value, value_digest, quality, verified, status, seq)
           select 'pdq', v, encode(sha256(convert_to('pdq:' || v, 'UTF8')), 'hex'), 90, i % 2 = 0, 'active', nextval('bank_seq')
           from (select i, md5(i::text || 'a') || md5(i::text || 'b') as v from generate_series(${from}, ${to}) as i) s`,
        );
      }
      await storage.database.raw('analyze bank_entries');
      console.log(`Loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const created = await new PartnerService(storage.database).create('Bench Platform', { rateLimitPerMinute: 1_000_000 }, 'operator:bench');
      if (!created.ok) throw new Error(created.reason);
      apiKey = created.credentials.apiKey;
      stopncii = { subscriptionKey: created.credentials.stopncii.subscriptionKey, fetchKey: created.credentials.stopncii.functionKeys.FetchHashes };
      // Baseline for the full sync: the bank's own export of the same rows, no HTTP.
      const e0 = performance.now();
      let exported = 0;
      for await (const record of exportEntries(storage.database, 5000)) if (record.value.length > 0) exported++;
      exportMs = performance.now() - e0;
      console.log(`Baseline: bank export of ${exported.toLocaleString('en')} rows from the database in ${(exportMs / 1000).toFixed(1)} s`);
    } finally {
      await storage.close();
    }
  }

  // The server, as its own process.
  const s0 = performance.now();
  const profile = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${resolve(values.profile)}`] : [];
  server = spawn(process.execPath, [...profile, join(ROOT, 'packages/cli/bin/disrupt.js'), 'serve', '--port', '0', '--data', env.DISRUPT_DATA_DIR], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env, DATABASE_URL: scratch?.url ?? '' },
  });
  const child = server;
  const base = await new Promise<string>((resolvePromise, reject) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      const match = /serving on (http:\/\/\S+)/.exec(line);
      if (match) resolvePromise(match[1]!);
    });
    child.once('exit', (code) => { reject(new Error(`server exited with ${code}`)); });
  });
  const startMs = performance.now() - s0;
  console.log(`Server up at ${base} in ${(startMs / 1000).toFixed(1)} s (bank loaded into its index)`);

  // Queries: half a bank hash with 0–16 bits flipped, half random.
  const batches: string[][] = [];
  for (let b = 0; b < BATCHES + 2; b++) {
    const batch: string[] = [];
    for (let q = 0; q < BATCH; q++) batch.push(q % 2 === 0 ? flip(bankHash(1 + (next() % N)), next() % 17) : randomBytes(32).toString('hex'));
    batches.push(batch);
  }
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  let matched = 0;
  // Bodies are written before the clock starts: the client shares the cores with the server, and its own JSON is not what is measured.
  const bodies = new Map(batches.map((batch) => [batch, JSON.stringify({ hashes: batch.map((value) => ({ signalType: 'pdq', value })) })]));
  const post = async (batch: string[]) => {
    const response = await fetch(`${base}/api/partner/v1/match`, { method: 'POST', headers, body: bodies.get(batch)! });
    if (response.status !== 200) throw new Error(`match answered ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as { results: { ok: boolean; matches?: unknown[] }[] };
    for (const r of body.results) if (r.matches && r.matches.length > 0) matched++;
  };
  await post(batches[0]!);
  await post(batches[1]!);
  matched = 0;
  const m0 = performance.now();
  let nextBatch = 2;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (nextBatch < batches.length) await post(batches[nextBatch++]!);
    }),
  );
  const matchMs = performance.now() - m0;
  const httpRate = (BATCHES * BATCH) / (matchMs / 1000);
  console.log(`Match over HTTP: ${Math.round(httpRate).toLocaleString('en')} hashes/s (${BATCHES} batches of ${BATCH}, ${CONCURRENCY} in flight, ${values['match-workers']} match threads; ${matched} with a match)`);

  // Baseline: the same queries on a MIH index in this process.
  const index = new MihPdqIndex();
  for (let i = 1; i <= N; i++) index.add(bankHash(i) as PdqHash, i);
  const queries = batches.slice(2).flat().map((h) => {
    const parsed = parsePdqHash(h);
    if (!parsed.ok) throw new Error('bad query');
    return parsed.value;
  });
  for (let q = 0; q < 2000; q++) index.search(queries[q]!);
  const b0 = performance.now();
  for (const q of queries) index.search(q);
  const baseRate = queries.length / ((performance.now() - b0) / 1000);
  console.log(`Baseline: in-process MIH, no HTTP, one query at a time: ${Math.round(baseRate).toLocaleString('en')} hashes/s`);
  // The same, a batch at a time, as the match threads search.
  index.searchEach(queries.slice(0, BATCH));
  const e0 = performance.now();
  for (let from = 0; from < queries.length; from += BATCH) index.searchEach(queries.slice(from, from + BATCH));
  const batchRate = queries.length / ((performance.now() - e0) / 1000);
  console.log(`Baseline: in-process MIH, no HTTP, in batches of ${BATCH} (searchEach): ${Math.round(batchRate).toLocaleString('en')} hashes/s`);

  // Full sync, NDJSON.
  const f0 = performance.now();
  const response = await fetch(`${base}/api/partner/v1/feed/full`, { headers: { authorization: `Bearer ${apiKey}` } });
  if (response.status !== 200 || !response.body) throw new Error(`full sync answered ${response.status}`);
  let lines = 0;
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const text = decoder.decode(value, { stream: true });
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  }
  const syncMs = performance.now() - f0;
  if (lines < N) throw new Error(`full sync gave ${lines} records, expected ${N}`);
  console.log(`Full sync (NDJSON) of ${lines.toLocaleString('en')} records: ${(syncMs / 1000).toFixed(1)} s (bank export baseline ${(exportMs / 1000).toFixed(1)} s)`);

  let stopnciiMs: number | null = null;
  if (values.stopncii) {
    const t0 = performance.now();
    let token = '';
    let records = 0;
    for (;;) {
      const url = `${base}/stopncii/v1/FetchHashes?startTimestamp=10&pageSize=800${token ? `&nextPageToken=${encodeURIComponent(token)}` : ''}`;
      const page = await fetch(url, { headers: { 'Ocp-Apim-Subscription-Key': stopncii.subscriptionKey, 'x-functions-key': stopncii.fetchKey } });
      const body = (await page.json()) as { hashRecords: unknown[]; hasMoreRecords: boolean; nextPageToken: string | null };
      records += body.hashRecords.length;
      if (!body.hasMoreRecords) break;
      token = body.nextPageToken ?? '';
    }
    stopnciiMs = performance.now() - t0;
    console.log(`StopNCII FetchHashes sync (pageSize 800) of ${records.toLocaleString('en')} records: ${(stopnciiMs / 1000).toFixed(1)} s`);
  }

  const goals = { match_hashes_per_s: 20_000, full_sync_s: 20 };
  console.log(
    `Goals: match ≥ ${goals.match_hashes_per_s.toLocaleString('en')} hashes/s: ${httpRate >= goals.match_hashes_per_s ? 'met' : 'NOT met'}; full sync < ${goals.full_sync_s} s: ${syncMs / 1000 < goals.full_sync_s ? 'met' : 'NOT met'}`,
  );
  console.log(
    JSON.stringify({
      hashes: N,
      match_workers: Number(values['match-workers']),
      database: scratch ? 'postgres' : 'pglite',
      server_start_ms: Math.round(startMs),
      match_hashes_per_s: Math.round(httpRate),
      match_baseline_in_process_per_s: Math.round(baseRate),
      match_baseline_in_process_batched_per_s: Math.round(batchRate),
      http_share_of_baseline: Math.round((httpRate / baseRate) * 1000) / 1000,
      full_sync_ms: Math.round(syncMs),
      export_baseline_ms: Math.round(exportMs),
      ...(stopnciiMs === null ? {} : { stopncii_sync_ms: Math.round(stopnciiMs) }),
    }),
  );
} finally {
  server?.kill('SIGTERM');
  if (server) await new Promise((r) => server!.once('exit', r));
  await scratch?.drop();
  rmSync(dir, { recursive: true, force: true });
}
