// Append to and verify the chained audit log.
//
// Entries are numbered 1, 2, 3… and appended one at a time under an advisory
// transaction lock, so the chain is a line: entry n stores the chain value of
// entry n − 1 (`prev_hash`) and its own (`hash`) over (n, time, actor, action,
// subject, detail, previous value). Verification recomputes every value in
// order and names the first entry where the chain breaks — an edit, a deletion
// (a gap) or a reordering all break it there.
//
// Two kinds of entries, in this order (see audit-keys.ts for the keys):
// - legacy entries (`key_version` null), written before migration 0010: a
//   plain SHA-256. Anyone who can write the table can recompute those.
// - keyed entries: an HMAC-SHA256 under the audit key of `key_version`, which
//   a database writer does not have. Every entry written since 0010 is keyed,
//   so the first keyed entry marks where the keyed chain starts, and a legacy
//   entry after a keyed one is a break. The first keyed entry's MAC covers
//   the last legacy value, so the legacy prefix cannot change either.
//
// What a key cannot catch alone: cutting entries off the end (the rest is a
// valid chain), or replacing the whole log with legacy-looking entries. The
// anchors (audit-anchor.ts) catch both: the head's position and MAC, kept
// outside the database, which verification is given.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { and, asc, desc, eq, gt, lt, sql } from 'drizzle-orm';
import type { Key } from '../crypto/envelope.ts';
import type { Database, Executor } from '../db/database.ts';
import { auditLog, users } from '../db/schema.ts';
import { installedAuditKeyring } from './audit-keys.ts';

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

interface ChainedFields {
  readonly id: number;
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly subject: string | null;
  readonly detail: AuditDetail;
  readonly prevHash: string;
}

function canonical(detail: AuditDetail): string {
  return JSON.stringify(Object.fromEntries(Object.entries(detail).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

/** A legacy entry's value (before migration 0010): verified, never written any more. */
function legacyHash(e: ChainedFields): string {
  return createHash('sha256')
    .update([String(e.id), e.at.toISOString(), e.actor, e.action, e.subject ?? '', canonical(e.detail), e.prevHash].join('\n'))
    .digest('hex');
}

/**
 * A keyed entry's value. The fields are a JSON array (a field holding a
 * newline cannot pass for two), and the key's version is among them.
 */
function entryMac(key: Key, keyVersion: string, e: ChainedFields): string {
  return createHmac('sha256', key)
    .update(JSON.stringify([keyVersion, e.id, e.at.toISOString(), e.actor, e.action, e.subject, canonical(e.detail), e.prevHash]))
    .digest('hex');
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Appends an entry inside the caller's transaction (so it commits with the
 * action it records), chained under the installed keyring's current key.
 * Throws, before touching the database, when no keyring is installed.
 */
export async function appendAudit(tx: Executor, event: AuditEvent, at: Date = new Date()): Promise<void> {
  const { current } = installedAuditKeyring();
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`);
  const [last] = await tx.select({ id: auditLog.id, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  const id = (last?.id ?? 0) + 1;
  const prevHash = last?.hash ?? GENESIS;
  const when = new Date(at.getTime());
  const entry = { id, at: when, actor: event.actor, action: event.action, subject: event.subject ?? null, detail: event.detail ?? {}, prevHash };
  await tx.insert(auditLog).values({ ...entry, keyVersion: current.version, hash: entryMac(current.key, current.version, entry) });
}

/** The last entry: what an anchor records. */
export interface AuditHead {
  readonly entryId: number;
  /** The entry's chain value: its MAC (or, for a legacy entry, its plain hash). */
  readonly mac: string;
  /** Null for a legacy entry. */
  readonly keyVersion: string | null;
}

export async function auditHead(database: Database): Promise<AuditHead | null> {
  const [last] = await database.db.select({ id: auditLog.id, hash: auditLog.hash, keyVersion: auditLog.keyVersion }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  return last ? { entryId: last.id, mac: last.hash, keyVersion: last.keyVersion } : null;
}

/**
 * Why an entry fails:
 * - `sequence`: a number is missing or out of place (a deleted or moved entry);
 * - `link`: its previous value is not the entry before's;
 * - `hash`: a legacy entry's plain hash does not hold;
 * - `mac`: a keyed entry's MAC does not hold (an edit, or a chain recomputed without the key);
 * - `unknown_key`: a keyed entry's version is not in the keyring (another key, or a retired one not given);
 * - `unkeyed`: a legacy entry after a keyed one (an entry rewritten to pass for legacy);
 * - `truncated`: the log ends before the anchored entry (its tail was cut off);
 * - `anchor`: the anchored entry does not carry the anchored MAC (the log was rewritten).
 */
export type AuditBreak = 'sequence' | 'link' | 'hash' | 'mac' | 'unknown_key' | 'unkeyed' | 'truncated' | 'anchor';

export type AuditVerification =
  | {
      readonly ok: true;
      readonly entries: number;
      /** The first keyed entry; null when every entry is legacy (or there is none). */
      readonly keyedFrom: number | null;
    }
  | {
      readonly ok: false;
      /** How many entries, from the first, hold. */
      readonly entries: number;
      /** The entry that fails (for `truncated`: the first one missing). */
      readonly firstBrokenId: number;
      readonly reason: AuditBreak;
    };

export interface VerifyOptions {
  /** Key versions to keys; default: the installed keyring's. */
  readonly keys?: ReadonlyMap<string, Key>;
  /** The latest anchor, kept outside the database: the log must reach its entry, which must carry its MAC. */
  readonly anchor?: AuditHead | null;
  readonly pageSize?: number;
}

/** Walks the whole chain; the first entry whose number, link, hash or MAC does not hold is reported, then the anchor is checked. */
export async function verifyAudit(database: Database, options: VerifyOptions = {}): Promise<AuditVerification> {
  const keys = options.keys ?? installedAuditKeyring().byVersion;
  const anchor = options.anchor ?? null;
  const pageSize = options.pageSize ?? 1000;
  let expectedId = 1;
  let prevHash = GENESIS;
  let keyedFrom: number | null = null;
  let cursor = 0;
  const broken = (id: number, reason: AuditBreak): AuditVerification => ({ ok: false, entries: expectedId - 1, firstBrokenId: id, reason });
  for (;;) {
    const rows = await database.db.select().from(auditLog).where(gt(auditLog.id, cursor)).orderBy(asc(auditLog.id)).limit(pageSize);
    for (const row of rows) {
      if (row.id !== expectedId) return broken(Math.min(row.id, expectedId), 'sequence');
      if (row.prevHash !== prevHash) return broken(row.id, 'link');
      if (row.keyVersion === null) {
        if (keyedFrom !== null) return broken(row.id, 'unkeyed');
        if (legacyHash(row) !== row.hash) return broken(row.id, 'hash');
      } else {
        const key = keys.get(row.keyVersion);
        if (!key) return broken(row.id, 'unknown_key');
        if (!sameHex(entryMac(key, row.keyVersion, row), row.hash)) return broken(row.id, 'mac');
        keyedFrom ??= row.id;
      }
      if (anchor && row.id === anchor.entryId && !(sameHex(row.hash, anchor.mac) && row.keyVersion === anchor.keyVersion)) return broken(row.id, 'anchor');
      prevHash = row.hash;
      expectedId++;
    }
    if (rows.length < pageSize) break;
    cursor = rows[rows.length - 1]!.id;
  }
  if (anchor && expectedId - 1 < anchor.entryId) return broken(expectedId, 'truncated');
  return { ok: true, entries: expectedId - 1, keyedFrom };
}

/** One line for an operator, naming the entry. */
export function describeAuditBreak(result: Extract<AuditVerification, { ok: false }>, anchor: AuditHead | null = null): string {
  const id = result.firstBrokenId;
  switch (result.reason) {
    case 'sequence':
      return `entry ${id} is missing or out of place (an entry was deleted or moved)`;
    case 'link':
      return `entry ${id} does not link to the entry before it`;
    case 'hash':
      return `entry ${id} (legacy, unkeyed) does not match its hash: it was edited`;
    case 'mac':
      return `entry ${id} does not match its MAC: it was edited, or the chain was recomputed without the audit key`;
    case 'unknown_key':
      return `entry ${id} is chained under a key version the keyring does not hold (another key, or a retired master key not given)`;
    case 'unkeyed':
      return `entry ${id} is unkeyed although an earlier entry is keyed: it was rewritten to pass for a legacy entry`;
    case 'truncated':
      return `the log ends at entry ${result.entries} but the anchor pins entry ${anchor?.entryId ?? '?'}: entries from ${id} on were cut off`;
    case 'anchor':
      return `entry ${id} does not carry the MAC its anchor recorded: the log was rewritten`;
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
