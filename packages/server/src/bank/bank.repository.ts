// The hash bank: one row per (signal type, value), with its latest change's
// sequence number. Partners sync "every entry whose seq is after my cursor";
// rows are never deleted, so withdrawn and deleted entries stay in the feed as
// tombstones, and a partner that synced a hash learns when to drop it.

import { createHash } from 'node:crypto';
import { and, asc, count, eq, gt, inArray, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../db/database.ts';
import { BANK_STATUSES, SIGNAL_TYPES, bankEntries, caseItems, cases, itemBankEntries } from '../db/schema.ts';
import { nearNegativeBank, openBankReview } from '../partner/bank-hold.ts';

export type SignalType = (typeof SIGNAL_TYPES)[number];
export type BankStatus = (typeof BANK_STATUSES)[number];

export interface BankEntry {
  readonly id: number;
  readonly signalType: SignalType;
  readonly value: string;
  readonly quality: number | null;
  readonly verified: boolean;
  readonly status: BankStatus;
  readonly seq: number;
  readonly updatedAt: Date;
}

// Any transaction that changes the bank takes this lock before taking a
// sequence number, so sequence numbers are committed in increasing order.
const BANK_WRITE_LOCK = 0x44495352; // "DISR"

export function valueDigest(signalType: SignalType, value: string): string {
  return createHash('sha256').update(`${signalType}:${value}`).digest('hex');
}

/** Items that hold their entries in the bank: undecided, or accepted by an analyst. */
const NOT_REJECTED = sql`(${caseItems.decision} is null or ${caseItems.decision} in ('ncii_adult', 'ncii_minor', 'duplicate'))`;

async function lockAndTakeSeq(tx: Executor): Promise<number> {
  await tx.execute(sql`select pg_advisory_xact_lock(${BANK_WRITE_LOCK})`);
  const [row] = await queryRows<{ seq: string | number }>(tx, sql`select nextval('bank_seq') as seq`);
  return Number(row!.seq);
}

export interface SignalInput {
  readonly signalType: SignalType;
  readonly value: string;
  readonly quality: number | null;
  readonly verified: boolean;
}

/**
 * Adds a signal to the bank, or finds it there. A withdrawn entry comes back
 * to life (a new case holds it); a deleted or quarantined one does not — an
 * operator or an analyst decided, and a victim's submission cannot undo that.
 * Must run inside a transaction.
 */
export async function upsertSignal(tx: Executor, input: SignalInput): Promise<{ entryId: number; created: boolean }> {
  const digest = valueDigest(input.signalType, input.value);
  const [existing] = await tx
    .select({ id: bankEntries.id, status: bankEntries.status, verified: bankEntries.verified })
    .from(bankEntries)
    .where(and(eq(bankEntries.signalType, input.signalType), eq(bankEntries.valueDigest, digest)));
  if (existing) {
    const revive = existing.status === 'withdrawn';
    const verify = input.verified && !existing.verified;
    if (revive || verify) {
      const seq = await lockAndTakeSeq(tx);
      await tx
        .update(bankEntries)
        .set({ ...(revive ? { status: 'active' as const } : {}), ...(verify ? { verified: true } : {}), seq, updatedAt: new Date() })
        .where(eq(bankEntries.id, existing.id));
    }
    return { entryId: existing.id, created: false };
  }
  // A PDQ hash near a known benign image (the negative bank) never reaches
  // partners: it enters quarantined and hidden, for an analyst to decide.
  const held = input.signalType === 'pdq' && (await nearNegativeBank(tx, input.value));
  const seq = await lockAndTakeSeq(tx);
  const [row] = await tx
    .insert(bankEntries)
    .values({ signalType: input.signalType, value: input.value, valueDigest: digest, quality: input.quality, verified: input.verified, status: held ? 'quarantined' : 'active', seq })
    .returning({ id: bankEntries.id });
  if (held) await openBankReview(tx, row!.id, 'negative_bank', true);
  return { entryId: row!.id, created: true };
}

/** Sets an entry's status (e.g. `deleted` by an operator), taking a new sequence number. */
export async function setStatus(tx: Executor, entryId: number, status: BankStatus): Promise<void> {
  const seq = await lockAndTakeSeq(tx);
  await tx.update(bankEntries).set({ status, seq, updatedAt: new Date() }).where(eq(bankEntries.id, entryId));
}

export async function findSignal(tx: Executor, signalType: SignalType, value: string): Promise<BankEntry | null> {
  const [row] = await tx
    .select()
    .from(bankEntries)
    .where(and(eq(bankEntries.signalType, signalType), eq(bankEntries.valueDigest, valueDigest(signalType, value))));
  return row ? toEntry(row) : null;
}

/**
 * Unlinks a case's items from the bank (see releaseItems). Must run inside a
 * transaction. Returns how many entries were tombstoned.
 */
export async function releaseCase(tx: Executor, caseId: string): Promise<number> {
  const items = await tx.select({ id: caseItems.id }).from(caseItems).where(eq(caseItems.caseId, caseId));
  return releaseItems(tx, items.map((i) => i.id));
}

/**
 * Unlinks items from the bank, and tombstones (status `withdrawn`) every
 * active entry that no item of an open case still holds. Must run inside a
 * transaction. Returns how many entries were tombstoned.
 */
export async function releaseItems(tx: Executor, itemIds: readonly string[]): Promise<number> {
  if (itemIds.length === 0) return 0;
  const linked = await tx.selectDistinct({ entryId: itemBankEntries.entryId }).from(itemBankEntries).where(inArray(itemBankEntries.itemId, [...itemIds]));
  const entryIds = linked.map((r) => r.entryId);
  if (entryIds.length === 0) return 0;
  await tx.delete(itemBankEntries).where(inArray(itemBankEntries.itemId, [...itemIds]));

  const stillHeld = await tx
    .selectDistinct({ entryId: itemBankEntries.entryId })
    .from(itemBankEntries)
    .innerJoin(caseItems, eq(caseItems.id, itemBankEntries.itemId))
    .innerJoin(cases, eq(cases.id, caseItems.caseId))
    .where(and(inArray(itemBankEntries.entryId, entryIds), eq(cases.status, 'open'), NOT_REJECTED));
  const held = new Set(stillHeld.map((r) => r.entryId));
  const orphans = entryIds.filter((id) => !held.has(id));
  if (orphans.length === 0) return 0;
  const active = await tx
    .select({ id: bankEntries.id })
    .from(bankEntries)
    .where(and(inArray(bankEntries.id, orphans), eq(bankEntries.status, 'active')))
    .orderBy(asc(bankEntries.id));
  for (const { id } of active) await setStatus(tx, id, 'withdrawn');
  return active.length;
}

/**
 * Marks the entries an item holds as analyst-verified, and brings back any an
 * earlier rejection had withdrawn (a supervisor reversed it). Each change takes
 * a sequence number, so partners receive it.
 */
export async function verifyItemEntries(tx: Executor, itemId: string): Promise<number> {
  const rows = await tx
    .select({ id: bankEntries.id, status: bankEntries.status, verified: bankEntries.verified })
    .from(bankEntries)
    .innerJoin(itemBankEntries, eq(itemBankEntries.entryId, bankEntries.id))
    .where(eq(itemBankEntries.itemId, itemId))
    .orderBy(asc(bankEntries.id));
  let changed = 0;
  for (const row of rows) {
    const revive = row.status === 'withdrawn';
    if (row.verified && !revive) continue;
    const seq = await lockAndTakeSeq(tx);
    await tx
      .update(bankEntries)
      .set({ verified: true, ...(revive ? { status: 'active' as const } : {}), seq, updatedAt: new Date() })
      .where(eq(bankEntries.id, row.id));
    changed++;
  }
  return changed;
}

/**
 * An analyst rejected the item: its entries leave the active bank (tombstones)
 * unless an item of an open case that nobody rejected still holds them. The
 * links stay, so a supervisor's reversal can bring the entries back.
 */
export async function withdrawRejectedItemEntries(tx: Executor, itemId: string): Promise<number> {
  const linked = await tx.select({ entryId: itemBankEntries.entryId }).from(itemBankEntries).where(eq(itemBankEntries.itemId, itemId));
  let withdrawn = 0;
  for (const { entryId } of linked) {
    const [holder] = await tx
      .select({ itemId: caseItems.id })
      .from(itemBankEntries)
      .innerJoin(caseItems, eq(caseItems.id, itemBankEntries.itemId))
      .innerJoin(cases, eq(cases.id, caseItems.caseId))
      .where(
        and(
          eq(itemBankEntries.entryId, entryId),
          eq(cases.status, 'open'),
          sql`${caseItems.id} <> ${itemId}`,
          NOT_REJECTED,
        ),
      )
      .limit(1);
    if (holder) continue;
    const [entry] = await tx.select({ status: bankEntries.status }).from(bankEntries).where(eq(bankEntries.id, entryId));
    if (entry?.status !== 'active') continue;
    await setStatus(tx, entryId, 'withdrawn');
    withdrawn++;
  }
  return withdrawn;
}

/** Entries changed after `cursor`, in sequence order: the partners' incremental feed. */
export async function changesAfter(tx: Executor, cursor: number, limit: number): Promise<BankEntry[]> {
  const rows = await tx.select().from(bankEntries).where(gt(bankEntries.seq, cursor)).orderBy(asc(bankEntries.seq)).limit(limit);
  return rows.map(toEntry);
}

export interface BankStats {
  readonly bySignalType: Record<SignalType, number>;
  readonly byStatus: Record<BankStatus, number>;
  readonly verified: number;
  readonly lastSeq: number;
}

export async function bankStats(tx: Executor): Promise<BankStats> {
  const bySignal = await tx.select({ key: bankEntries.signalType, n: count() }).from(bankEntries).groupBy(bankEntries.signalType);
  const byStatus = await tx.select({ key: bankEntries.status, n: count() }).from(bankEntries).groupBy(bankEntries.status);
  const [verified] = await tx.select({ n: count() }).from(bankEntries).where(eq(bankEntries.verified, true));
  const [last] = await queryRows<{ seq: string | number | null }>(tx, sql`select max(seq) as seq from bank_entries`);
  return {
    bySignalType: Object.fromEntries(SIGNAL_TYPES.map((t) => [t, bySignal.find((r) => r.key === t)?.n ?? 0])) as Record<SignalType, number>,
    byStatus: Object.fromEntries(BANK_STATUSES.map((s) => [s, byStatus.find((r) => r.key === s)?.n ?? 0])) as Record<BankStatus, number>,
    verified: verified?.n ?? 0,
    lastSeq: Number(last?.seq ?? 0),
  };
}

/** Entries linked to the given items (for a victim's status page). */
export async function entriesOfItems(tx: Executor, itemIds: readonly string[]): Promise<Map<string, BankEntry[]>> {
  const result = new Map<string, BankEntry[]>();
  if (itemIds.length === 0) return result;
  const rows = await tx
    .select({ itemId: itemBankEntries.itemId, entry: bankEntries })
    .from(itemBankEntries)
    .innerJoin(bankEntries, eq(bankEntries.id, itemBankEntries.entryId))
    .where(inArray(itemBankEntries.itemId, [...itemIds]))
    .orderBy(asc(bankEntries.id));
  for (const { itemId, entry } of rows) {
    const list = result.get(itemId) ?? [];
    list.push(toEntry(entry));
    result.set(itemId, list);
  }
  return result;
}

function toEntry(row: typeof bankEntries.$inferSelect): BankEntry {
  return {
    id: row.id,
    signalType: row.signalType,
    value: row.value,
    quality: row.quality,
    verified: row.verified,
    status: row.status,
    seq: row.seq,
    updatedAt: row.updatedAt,
  };
}

