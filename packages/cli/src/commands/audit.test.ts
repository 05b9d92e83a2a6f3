import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OpenStorage, loadConfig, openStorage } from '@disrupt/server';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main.ts';
import { captureIo } from '../test-io.ts';

const dir = mkdtempSync(join(tmpdir(), 'disrupt-audit-cli-'));
const data = join(dir, 'data');
const anchors = join(data, 'audit-anchors');
// The commands use the embedded database in --data, whatever the test environment says.
delete process.env.DATABASE_URL;
delete process.env.DISRUPT_AUDIT_ANCHOR_DIR;
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function run(...args: string[]) {
  const io = captureIo('{"signalType":"md5","value":"' + 'c'.repeat(32) + '"}\n');
  const code = await main([...args, '--data', data], io);
  return { code, out: io.out(), err: io.err() };
}

interface Row {
  id: number;
  at: Date;
  actor: string;
  action: string;
  subject: string | null;
  detail: Record<string, unknown>;
  prev_hash: string;
  hash: string;
  key_version: string | null;
}

/** Opens the data folder as a database writer would, triggers and all. */
async function asWriter<T>(work: (storage: OpenStorage) => Promise<T>): Promise<T> {
  const config = loadConfig({ DISRUPT_DATA_DIR: data, LOG_LEVEL: 'silent' });
  if (!config.ok) throw new Error('config');
  const storage = await openStorage(config.config, 'test');
  try {
    return await work(storage);
  } finally {
    await storage.close();
  }
}

/**
 * Replaces the log with what `change` makes of it, runs `check`, and puts the
 * database back as it was (a copy of its folder: each opening of the embedded
 * database costs seconds).
 */
async function tampered(change: (rows: Row[]) => Row[], check: () => Promise<void>) {
  const saved = join(dir, 'saved');
  cpSync(join(data, 'pglite'), saved, { recursive: true });
  try {
    await asWriter(async ({ database }) => {
      // bigint ids come back as whatever the driver makes of int8.
      const rows = ((await database.raw('select * from audit_log order by id')).rows as (Omit<Row, 'id'> & { id: unknown })[]).map((r) => ({ ...r, id: Number(r.id) }));
      await database.raw('alter table audit_log disable trigger all; delete from audit_log');
      for (const r of change(rows)) {
        const values = [r.id, r.at, r.actor, r.action, r.subject, JSON.stringify(r.detail), r.prev_hash, r.hash, r.key_version];
        await database.raw('insert into audit_log (id, at, actor, action, subject, detail, prev_hash, hash, key_version) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)', values);
      }
      await database.raw('alter table audit_log enable trigger all');
    });
    await check();
  } finally {
    rmSync(join(data, 'pglite'), { recursive: true, force: true });
    renameSync(saved, join(data, 'pglite'));
  }
}

// What a writer without the key can compute: the plain SHA-256 chain of the log before it was keyed.
const sorted = (d: Record<string, unknown>) => JSON.stringify(Object.fromEntries(Object.entries(d).sort(([a], [b]) => (a < b ? -1 : 1))));
function plainChain(rows: Row[], edit: (r: Row) => Row): Row[] {
  let prev = '0'.repeat(64);
  return rows.map((r) => {
    const next = { ...edit(r), prev_hash: prev, key_version: null };
    next.hash = createHash('sha256').update([String(next.id), next.at.toISOString(), next.actor, next.action, next.subject ?? '', sorted(next.detail), next.prev_hash].join('\n')).digest('hex');
    prev = next.hash;
    return next;
  });
}

// Each command opens the embedded database (seconds each on a busy machine).
describe('disrupt audit', { timeout: 300_000 }, () => {
  it('verifies the chain, warns while there is no anchor, and anchors the head on demand', async () => {
    expect((await run('audit', 'anchor')).err).toContain('nothing to anchor');
    for (let i = 0; i < 2; i++) expect((await run('bank', 'import', '-')).code).toBe(0);
    const first = await run('audit', 'verify');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toEqual({ ok: true, entries: 2, keyedFrom: 1, anchoredEntry: null });
    expect(first.err).toContain('no anchor');

    const anchored = await run('audit', 'anchor');
    expect(anchored.code).toBe(0);
    expect(JSON.parse(anchored.out)).toMatchObject({ entryId: 2, mac: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown, keyVersion: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown });
    expect(readdirSync(anchors)).toHaveLength(1);
    await run('bank', 'import', '-');

    const second = await run('audit', 'verify');
    expect([second.code, second.err]).toEqual([0, '']);
    expect(JSON.parse(second.out)).toEqual({ ok: true, entries: 3, keyedFrom: 1, anchoredEntry: 2 });
    expect((await run('audit', 'frobnicate')).code).toBe(2);
  });

  it('fails, naming the entry, on an edit, on a log rewritten without the key, and on a tail cut below the anchor', async () => {
    await tampered(
      (rows) => rows.map((r) => (r.id === 2 ? { ...r, detail: { ...r.detail, imported: 7 } } : r)),
      async () => {
        const broken = await run('audit', 'verify');
        expect(broken.code).toBe(1);
        expect(broken.err).toContain('entry 2 does not match its MAC');
      },
    );
    // Every entry rewritten as an unkeyed one, the chain recomputed: only the anchor tells.
    await tampered(
      (rows) => plainChain(rows, (r) => (r.id === 2 ? { ...r, detail: { ...r.detail, imported: 7 } } : r)),
      async () => {
        const broken = await run('audit', 'verify');
        expect(broken.code).toBe(1);
        expect(broken.err).toContain('entry 2 does not carry the MAC its anchor recorded');
      },
    );
    await tampered(
      (rows) => rows.filter((r) => r.id <= 1),
      async () => {
        const broken = await run('audit', 'verify');
        expect(broken.code).toBe(1);
        expect(JSON.parse(broken.out)).toMatchObject({ ok: false, entries: 1, firstBrokenId: 2, reason: 'truncated' });
        expect(broken.err).toContain('the log ends at entry 1 but the anchor pins entry 2');
      },
    );
  });

  it('names a damaged anchor file, and reads anchors where DISRUPT_AUDIT_ANCHOR_DIR says', async () => {
    const damaged = join(anchors, 'audit-anchor-000000000009-x.json');
    writeFileSync(damaged, 'not json');
    const broken = await run('audit', 'verify');
    expect(broken.code).toBe(1);
    expect(broken.err).toContain(damaged);
    rmSync(damaged);

    const elsewhere = join(dir, 'worm');
    process.env.DISRUPT_AUDIT_ANCHOR_DIR = elsewhere;
    try {
      expect((await run('audit', 'anchor')).code).toBe(0);
      expect(readdirSync(elsewhere)).toHaveLength(1);
      // Only that folder is read: the damaged file in the data folder's anchors no longer matters.
      writeFileSync(damaged, 'not json');
      expect(JSON.parse((await run('audit', 'verify')).out)).toMatchObject({ ok: true, anchoredEntry: 3 });
    } finally {
      delete process.env.DISRUPT_AUDIT_ANCHOR_DIR;
    }
  });
});
