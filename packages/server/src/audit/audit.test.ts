import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeStorage } from '../../test/databases.ts';
import { randomKey } from '../crypto/envelope.ts';
import { auditLog } from '../db/schema.ts';
import { anchorAudit, latestAnchor } from './audit-anchor.ts';
import { type AuditKeyring, auditKey, auditKeyring, installAuditKeyring, installedAuditKeyring } from './audit-keys.ts';
import { appendAudit, verifyAudit } from './audit.ts';

type Row = typeof auditLog.$inferSelect;

// What an attacker who can write the database computes. Written here from the
// published formats, sharing no code with audit.ts: the verifier is judged by
// an oracle of its own.
const GENESIS = '0'.repeat(64);
const sortedJson = (detail: Row['detail']) => JSON.stringify(Object.fromEntries(Object.entries(detail).sort(([a], [b]) => (a < b ? -1 : 1))));
/** The plain SHA-256 chain of the log before 0010, which needs no key. */
const plainSha256 = (r: Row) => createHash('sha256').update([String(r.id), r.at.toISOString(), r.actor, r.action, r.subject ?? '', sortedJson(r.detail), r.prevHash].join('\n')).digest('hex');
/** The keyed chain's HMAC, under whatever key the attacker holds. */
const hmacUnder = (key: Uint8Array) => (r: Row) =>
  createHmac('sha256', key)
    .update(JSON.stringify([r.keyVersion, r.id, r.at.toISOString(), r.actor, r.action, r.subject, sortedJson(r.detail), r.prevHash]))
    .digest('hex');

/** Recomputes the chain from entry `from` on, as a rewrite would: each entry links to the previous one's new value. */
function rechain(rows: readonly Row[], from: number, seal: (r: Row) => string, edit: (r: Row) => Row = (r) => r): Row[] {
  let prev = rows.find((r) => r.id === from - 1)?.hash ?? GENESIS;
  return rows.map((r) => {
    if (r.id < from) return r;
    const next = { ...edit(r), prevHash: prev };
    next.hash = seal(next);
    prev = next.hash;
    return next;
  });
}

describeStorage('audit log', ({ database }) => {
  const db = () => database().db;
  const firstMaster = randomKey();
  const keyring: AuditKeyring = auditKeyring(firstMaster);
  const anchors = mkdtempSync(join(tmpdir(), 'disrupt-audit-anchors-'));
  beforeAll(() => {
    installAuditKeyring(keyring);
  });
  afterAll(() => {
    rmSync(anchors, { recursive: true, force: true });
  });
  const rows = () => db().select().from(auditLog).orderBy(asc(auditLog.id));
  const withoutGuard = async (change: () => Promise<unknown>) => {
    await db().execute(sql`alter table audit_log disable trigger all`);
    try {
      await change();
    } finally {
      await db().execute(sql`alter table audit_log enable trigger all`);
    }
  };
  const replaceLog = (next: readonly Row[]) =>
    withoutGuard(async () => {
      await db().delete(auditLog);
      if (next.length > 0) await db().insert(auditLog).values([...next]);
    });
  /** Plants a change to the whole log, runs `check`, and puts the log back as it was. */
  const tampered = async (change: (rows: readonly Row[]) => readonly Row[], check: () => Promise<void>) => {
    const original = await rows();
    await replaceLog(change(original));
    try {
      await check();
    } finally {
      await replaceLog(original);
    }
  };
  const append = (i: number, actor = 'operator:cli') => db().transaction((tx) => appendAudit(tx, { actor, action: 'bank.remove', subject: `bank:${i}`, detail: { n: i, dry: false } }));

  it('writes nothing without a keyring', async () => {
    expect(installedAuditKeyring()).toBe(keyring);
    installAuditKeyring(null);
    try {
      await expect(append(0)).rejects.toThrow(/no audit keyring/);
      await expect(verifyAudit(database())).rejects.toThrow(/no audit keyring/);
    } finally {
      installAuditKeyring(keyring);
    }
    expect(await rows()).toEqual([]);
  });

  it('verifies legacy plain entries written before the keyed chain, and chains keyed entries after them', async () => {
    // Three entries as the code before migration 0010 wrote them: a plain SHA-256 and no key version.
    const at = new Date('2025-01-02T03:04:05.678Z');
    const legacy = rechain(
      [1, 2, 3].map((id) => ({ id, at, actor: 'system', action: 'key.create', subject: `legacy:${id}`, detail: { id }, prevHash: '', hash: '', keyVersion: null })),
      1,
      plainSha256,
    );
    await db().insert(auditLog).values(legacy);
    expect(await verifyAudit(database())).toEqual({ ok: true, entries: 3, keyedFrom: null });

    for (let i = 0; i < 10; i++) await append(i);
    await Promise.all([1, 2, 3].map((i) => db().transaction((tx) => appendAudit(tx, { actor: 'system', action: 'media.expire', subject: `media:${i}` }))));
    expect(await verifyAudit(database(), { pageSize: 4 })).toEqual({ ok: true, entries: 16, keyedFrom: 4 });
    const all = await rows();
    expect(all.map((r) => r.keyVersion)).toEqual([null, null, null, ...Array<string>(13).fill(keyring.current.version)]);
    // The oracle's HMAC under the right key is the stored one: the attacks below fail for want of the key, not of the format.
    for (const r of all.slice(3)) expect(hmacUnder(keyring.current.key)(r)).toBe(r.hash);
  });

  it('refuses updates and deletes', async () => {
    await expect(db().update(auditLog).set({ action: 'x' }).where(eq(auditLog.id, 1))).rejects.toThrow();
    await expect(db().delete(auditLog).where(eq(auditLog.id, 1))).rejects.toThrow();
    await expect(db().update(auditLog).set({ keyVersion: null }).where(eq(auditLog.id, 5))).rejects.toThrow();
    expect(await verifyAudit(database())).toMatchObject({ ok: true });
  });

  it('detects an edited entry, at that entry', async () => {
    await tampered(
      (log) => log.map((r) => (r.id === 6 ? { ...r, detail: { n: 99, dry: false } } : r)),
      async () => {
        expect(await verifyAudit(database())).toEqual({ ok: false, entries: 5, firstBrokenId: 6, reason: 'mac' });
      },
    );
    await tampered(
      (log) => log.map((r) => (r.id === 2 ? { ...r, detail: { id: 99 } } : r)),
      async () => {
        expect(await verifyAudit(database())).toEqual({ ok: false, entries: 1, firstBrokenId: 2, reason: 'hash' });
      },
    );
    expect(await verifyAudit(database())).toMatchObject({ ok: true });
  });

  it('detects a deleted entry and reordered entries', async () => {
    await tampered(
      (log) => log.filter((r) => r.id !== 8),
      async () => {
        expect(await verifyAudit(database())).toEqual({ ok: false, entries: 7, firstBrokenId: 8, reason: 'sequence' });
      },
    );
    await tampered(
      (log) => log.map((r) => (r.id === 6 ? { ...log[6]!, id: 6 } : r.id === 7 ? { ...log[5]!, id: 7 } : r)),
      async () => {
        expect(await verifyAudit(database())).toEqual({ ok: false, entries: 5, firstBrokenId: 6, reason: 'link' });
      },
    );
  });

  it('(a) detects an edit whose chain was recomputed with plain SHA-256, as a writer without the key would', async () => {
    const edit = (r: Row) => (r.id === 9 ? { ...r, detail: { n: 1000, dry: true } } : r);
    // Keeping the key versions: the MACs no longer hold from the edited entry on.
    await tampered(
      (log) => rechain(log, 9, plainSha256, edit),
      async () => {
        expect(await verifyAudit(database())).toEqual({ ok: false, entries: 8, firstBrokenId: 9, reason: 'mac' });
      },
    );
    // Passing the rewritten entries off as legacy ones: a legacy entry cannot follow a keyed one.
    await tampered(
      (log) => rechain(log, 9, plainSha256, (r) => ({ ...edit(r), keyVersion: null })),
      async () => {
        expect(await verifyAudit(database())).toEqual({ ok: false, entries: 8, firstBrokenId: 9, reason: 'unkeyed' });
      },
    );
    // Rewriting the legacy prefix, which needs no key: the first keyed entry's MAC covers the last legacy value.
    const legacyRewrite = (log: readonly Row[]) => rechain(log.slice(0, 3), 2, plainSha256, (r) => (r.id === 2 ? { ...r, detail: { id: 22 } } : r));
    await tampered(
      (log) => [...legacyRewrite(log), ...log.slice(3)],
      async () => {
        expect(await verifyAudit(database())).toEqual({ ok: false, entries: 3, firstBrokenId: 4, reason: 'link' });
      },
    );
    await tampered(
      (log) => {
        const legacy = legacyRewrite(log);
        return [...legacy, { ...log[3]!, prevHash: legacy[2]!.hash }, ...log.slice(4)];
      },
      async () => {
        expect(await verifyAudit(database())).toEqual({ ok: false, entries: 3, firstBrokenId: 4, reason: 'mac' });
      },
    );
    expect(await verifyAudit(database())).toMatchObject({ ok: true });
  });

  it('(b) detects a chain recomputed under another key, whatever version it claims', async () => {
    const theirs = randomBytes(32);
    const edit = (r: Row) => (r.id === 10 ? { ...r, detail: { n: -1, dry: true } } : r);
    await tampered(
      (log) => rechain(log, 10, hmacUnder(theirs), edit),
      async () => {
        expect(await verifyAudit(database())).toEqual({ ok: false, entries: 9, firstBrokenId: 10, reason: 'mac' });
      },
    );
    const theirVersion = randomBytes(8).toString('hex');
    await tampered(
      (log) => rechain(log, 10, hmacUnder(theirs), (r) => ({ ...edit(r), keyVersion: theirVersion })),
      async () => {
        expect(await verifyAudit(database())).toEqual({ ok: false, entries: 9, firstBrokenId: 10, reason: 'unknown_key' });
      },
    );
    // The same rewrite with our key verifies: what protects the chain is the key, nothing else.
    await tampered(
      (log) => rechain(log, 10, hmacUnder(keyring.current.key), edit),
      async () => {
        expect(await verifyAudit(database())).toMatchObject({ ok: true, entries: 16 });
      },
    );
  });

  it('(c) detects a tail cut off below the latest anchor, and a whole log passed off as legacy', async () => {
    const anchored = await anchorAudit(database(), anchors);
    if (anchored.status !== 'anchored') throw new Error('expected an anchor');
    expect(anchored.anchor).toMatchObject({ entryId: 16, keyVersion: keyring.current.version });
    await append(16);
    await append(17);
    const latest = latestAnchor(anchors);
    if (!latest.ok || !latest.anchor) throw new Error('expected the anchor back');
    const anchor = latest.anchor;
    expect(await verifyAudit(database(), { anchor })).toEqual({ ok: true, entries: 18, keyedFrom: 4 });

    // Cutting what came after the anchor leaves a valid chain: the next anchor catches that.
    await tampered(
      (log) => log.filter((r) => r.id <= 16),
      async () => {
        expect(await verifyAudit(database(), { anchor })).toMatchObject({ ok: true, entries: 16 });
      },
    );
    for (const keep of [15, 12, 0]) {
      await tampered(
        (log) => log.filter((r) => r.id <= keep),
        async () => {
          expect(await verifyAudit(database())).toMatchObject({ ok: true, entries: keep });
          expect(await verifyAudit(database(), { anchor })).toEqual({ ok: false, entries: keep, firstBrokenId: keep + 1, reason: 'truncated' });
        },
      );
    }
    // Every entry rewritten as legacy, with a fresh plain chain: only the anchor can tell.
    await tampered(
      (log) => rechain(log, 1, plainSha256, (r) => ({ ...r, keyVersion: null, detail: r.id === 5 ? { n: 5, dry: true } : r.detail })),
      async () => {
        expect(await verifyAudit(database())).toEqual({ ok: true, entries: 18, keyedFrom: null });
        expect(await verifyAudit(database(), { anchor })).toEqual({ ok: false, entries: 15, firstBrokenId: 16, reason: 'anchor' });
      },
    );
    expect(await verifyAudit(database(), { anchor })).toMatchObject({ ok: true });
  });

  it('(e) keeps entries of a retired key verifiable once a second key version is added', async () => {
    const first = keyring;
    const secondMaster = randomKey();
    const rotated = auditKeyring(secondMaster, [randomKey(), firstMaster]);
    installAuditKeyring(rotated);
    try {
      await append(100);
      await append(101);
      const log = await rows();
      expect(log.at(-1)!.keyVersion).toBe(auditKey(secondMaster).version);
      expect(log.at(-1)!.keyVersion).not.toBe(first.current.version);
      expect(await verifyAudit(database())).toEqual({ ok: true, entries: 20, keyedFrom: 4 });
      // A keyring without the retired key cannot vouch for its entries, and says which.
      expect(await verifyAudit(database(), { keys: auditKeyring(secondMaster).byVersion })).toEqual({ ok: false, entries: 3, firstBrokenId: 4, reason: 'unknown_key' });
      expect(await verifyAudit(database(), { keys: first.byVersion })).toEqual({ ok: false, entries: 18, firstBrokenId: 19, reason: 'unknown_key' });
    } finally {
      installAuditKeyring(first);
    }
  });
});
