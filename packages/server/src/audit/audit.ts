// Append to and verify the hash-chained audit log.
//
// Entries are numbered 1, 2, 3… and appended one at a time under an advisory
// transaction lock, so the chain is a line: entry n stores the hash of entry
// n − 1 and its own hash over (n, time, actor, action, subject, detail,
// previous hash). Verification recomputes every hash in order and names the
// first entry where the chain breaks — an edit, a deletion (a gap) or a
// reordering all break it there. (Cutting entries off the end leaves a
// shorter valid chain: the count it reports is what to compare with a copy
// kept elsewhere.)

import { createHash } from 'node:crypto';
import { and, asc, desc, eq, gt, lt, sql } from 'drizzle-orm';
import type { Database, Executor } from '../db/database.ts';
import { auditLog, users } from '../db/schema.ts';

export type AuditDetail = Record<string, string | number | boolean | null>;

export interface AuditEvent {
  /** Who: `user:<id>`, `victim:case`, `operator:cli`, `system`. Never a name, address or secret. */
  readonly actor: string;
  /** What, as a stable literal: `case.withdraw`, `bank.remove`, `media.reveal`… */
  readonly action: string;
  /** To what: `case:<id>`, `item:<id>`, `bank:<id>`. */
  readonly subject?: string | null;
  /** Counts, codes and ids only: never content, hashes or personal data. */
  readonly detail?: AuditDetail;
}

const AUDIT_LOCK = 0x41554454; // "AUDT"
const GENESIS = '0'.repeat(64);

function canonical(detail: AuditDetail): string {
  return JSON.stringify(Object.fromEntries(Object.entries(detail).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

export function entryHash(e: { id: number; at: Date; actor: string; action: string; subject: string | null; detail: AuditDetail; prevHash: string }): string {
  return createHash('sha256')
    .update([String(e.id), e.at.toISOString(), e.actor, e.action, e.subject ?? '', canonical(e.detail), e.prevHash].join('\n'))
    .digest('hex');
}

/** Appends an entry inside the caller's transaction (so it commits with the action it records). */
export async function appendAudit(tx: Executor, event: AuditEvent, at: Date = new Date()): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`);
  const [last] = await tx.select({ id: auditLog.id, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  const id = (last?.id ?? 0) + 1;
  const prevHash = last?.hash ?? GENESIS;
  const when = new Date(at.getTime());
  const entry = { id, at: when, actor: event.actor, action: event.action, subject: event.subject ?? null, detail: event.detail ?? {}, prevHash };
  await tx.insert(auditLog).values({ ...entry, hash: entryHash(entry) });
}

export type AuditVerification = { readonly ok: true; readonly entries: number } | { readonly ok: false; readonly entries: number; readonly firstBrokenId: number };

/** Walks the whole chain; the first entry whose number, link or hash does not hold is reported. */
export async function verifyAudit(database: Database, pageSize = 1000): Promise<AuditVerification> {
  let expectedId = 1;
  let prevHash = GENESIS;
  let cursor = 0;
  for (;;) {
    const rows = await database.db.select().from(auditLog).where(gt(auditLog.id, cursor)).orderBy(asc(auditLog.id)).limit(pageSize);
    for (const row of rows) {
      const intact = row.id === expectedId && row.prevHash === prevHash && entryHash(row) === row.hash;
      if (!intact) return { ok: false, entries: expectedId - 1, firstBrokenId: Math.min(row.id, expectedId) };
      prevHash = row.hash;
      expectedId++;
    }
    if (rows.length < pageSize) return { ok: true, entries: expectedId - 1 };
    cursor = rows[rows.length - 1]!.id;
  }
}

export interface AuditEntryView {
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  /** The staff member's e-mail for a `user:<id>` actor (null for partners, victims, the system, or a user since removed). */
  readonly actorEmail: string | null;
  readonly action: string;
  readonly subject: string | null;
  readonly detail: AuditDetail;
}

export interface AuditPage {
  readonly entries: AuditEntryView[];
  /** Pass as `before` for the next (older) page; null when this page reached the first entry. */
  readonly nextBefore: number | null;
}

/** A page of the log, newest first, for the console's viewer: entries before `before` (exclusive), optionally of one action. */
export async function listAudit(database: Database, query: { readonly before?: number | undefined; readonly limit: number; readonly action?: string | undefined }): Promise<AuditPage> {
  const rows = await database.db
    .select({ entry: auditLog, email: users.email })
    .from(auditLog)
    // Actors are written `user:<uuid>`; a join on the text keeps the log free of foreign keys (it outlives accounts).
    .leftJoin(users, sql`${auditLog.actor} = 'user:' || ${users.id}::text`)
    .where(and(query.before === undefined ? undefined : lt(auditLog.id, query.before), query.action === undefined ? undefined : eq(auditLog.action, query.action)))
    .orderBy(desc(auditLog.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return {
    entries: page.map(({ entry, email }) => ({
      id: entry.id,
      at: entry.at.toISOString(),
      actor: entry.actor,
      actorEmail: email,
      action: entry.action,
      subject: entry.subject,
      detail: entry.detail,
    })),
    nextBefore: rows.length > query.limit ? page[page.length - 1]!.entry.id : null,
  };
}
