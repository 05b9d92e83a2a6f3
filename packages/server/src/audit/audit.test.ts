import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describeStorage } from '../../test/databases.ts';
import { auditLog } from '../db/schema.ts';
import { appendAudit, verifyAudit } from './audit.ts';

describeStorage('audit log', ({ database }) => {
  const db = () => database().db;
  const withoutGuard = async (change: () => Promise<unknown>) => {
    await db().execute(sql`alter table audit_log disable trigger user`);
    try {
      await change();
    } finally {
      await db().execute(sql`alter table audit_log enable trigger user`);
    }
  };

  it('chains appended entries and verifies them', async () => {
    expect(await verifyAudit(database())).toEqual({ ok: true, entries: 0 });
    for (let i = 0; i < 10; i++) {
      await db().transaction((tx) => appendAudit(tx, { actor: 'operator:cli', action: 'bank.remove', subject: `bank:${i}`, detail: { n: i, dry: false } }));
    }
    await Promise.all([1, 2, 3].map((i) => db().transaction((tx) => appendAudit(tx, { actor: 'system', action: 'media.expire', subject: `media:${i}` }))));
    expect(await verifyAudit(database(), 4)).toEqual({ ok: true, entries: 13 });
  });

  it('refuses updates and deletes', async () => {
    await expect(db().update(auditLog).set({ action: 'x' }).where(eq(auditLog.id, 1))).rejects.toThrow();
    await expect(db().delete(auditLog).where(eq(auditLog.id, 1))).rejects.toThrow();
    expect(await verifyAudit(database())).toMatchObject({ ok: true });
  });

  it('detects an edited entry, at that entry', async () => {
    await withoutGuard(() => db().update(auditLog).set({ detail: { n: 99, dry: false } }).where(eq(auditLog.id, 4)));
    expect(await verifyAudit(database())).toEqual({ ok: false, entries: 3, firstBrokenId: 4 });
    await withoutGuard(() => db().update(auditLog).set({ detail: { n: 3, dry: false } }).where(eq(auditLog.id, 4)));
    expect(await verifyAudit(database())).toMatchObject({ ok: true });
  });

  it('detects a deleted entry', async () => {
    const [row] = await db().select().from(auditLog).where(eq(auditLog.id, 6));
    await withoutGuard(() => db().delete(auditLog).where(eq(auditLog.id, 6)));
    expect(await verifyAudit(database())).toEqual({ ok: false, entries: 5, firstBrokenId: 6 });
    await withoutGuard(() => db().insert(auditLog).values(row!));
    expect(await verifyAudit(database())).toMatchObject({ ok: true });
  });

  it('detects reordered entries', async () => {
    const [two] = await db().select().from(auditLog).where(eq(auditLog.id, 2));
    const [three] = await db().select().from(auditLog).where(eq(auditLog.id, 3));
    const fieldsOf = (r: typeof auditLog.$inferSelect) => ({ at: r.at, actor: r.actor, action: r.action, subject: r.subject, detail: r.detail, prevHash: r.prevHash, hash: r.hash });
    const twoFields = fieldsOf(two!);
    const threeFields = fieldsOf(three!);
    await withoutGuard(async () => {
      await db().update(auditLog).set(threeFields).where(eq(auditLog.id, 2));
      await db().update(auditLog).set(twoFields).where(eq(auditLog.id, 3));
    });
    expect(await verifyAudit(database())).toEqual({ ok: false, entries: 1, firstBrokenId: 2 });
  });
});
