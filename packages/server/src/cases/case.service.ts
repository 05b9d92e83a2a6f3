// Victims' cases: open one, sign in with its number and secret, add items in
// batches, read their status, withdraw. Everything a victim gives us that
// could identify them is encrypted under the case's own key; withdrawal
// shreds that key, tombstones the case's hashes in the bank and keeps only
// what the statistics need.

import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, inArray, lt, max, sql } from 'drizzle-orm';
import type { Database, Executor } from '../db/database.ts';
import { ITEM_STATUSES, SIGNAL_TYPES, caseItems, cases, itemBankEntries, itemEvents, victimSessions } from '../db/schema.ts';
import { type Key, decrypt, encrypt, randomKey, unwrapKey, wrapKey } from '../crypto/envelope.ts';
import { appendAudit } from '../audit/audit.ts';
import { AppError } from '../errors.ts';
import { type BankEntry, type SignalType, entriesOfItems, releaseCase, upsertSignal } from '../bank/bank.repository.ts';
import { hashSecret, newCaseNumber, newSecret, newSessionToken, parseCaseNumber, tokenDigest, verifySecret } from './credentials.ts';
import { type ItemDraft, type ItemRejection, validateItem } from './items.ts';
import { type IdempotencyRequest, claimIdempotency, completeIdempotency, hasAnswer } from '../idempotency.ts';
import { SignInGuard } from '../throttle/sign-in-guard.ts';

export type Situation = 'online' | 'at_risk';
export type AgeGroup = 'minor' | 'adult' | 'unsure';
export type AiGenerated = 'yes' | 'no' | 'unsure';
export type Language = 'fr' | 'en';
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export interface OpenCaseInput {
  readonly situation: Situation;
  readonly ageGroup: AgeGroup;
  readonly aiGenerated: AiGenerated;
  readonly language: Language;
  readonly description?: string | undefined;
  readonly contact?: { readonly email: string } | undefined;
}

export interface OpenedCase {
  readonly caseNumber: string;
  /** Shown once; only its argon2id hash is stored. */
  readonly secret: string;
  /** A session for the portal, so it need not send the secret again. */
  readonly token: string;
  readonly expiresAt: string;
}

export type ItemResult =
  | { readonly index: number; readonly ok: true; readonly itemId: string; readonly duplicate: boolean }
  | { readonly index: number; readonly ok: false; readonly reason: ItemRejection | 'case_full' };

export interface ItemView {
  readonly id: string;
  readonly position: number;
  readonly kind: 'url' | 'photo' | 'video';
  readonly url: string | null;
  readonly host: string | null;
  readonly status: ItemStatus;
  readonly createdAt: string;
  readonly notifiedAt: string | null;
  readonly removedAt: string | null;
  readonly history: { readonly status: ItemStatus; readonly at: string }[];
  /**
   * The item's fingerprints, as the victim gave them (or the server computed
   * from their file): type and value only. The state of the bank entry
   * (verified, active, withdrawn…) is shared with every other case holding
   * the same hash, so showing it would tell an anonymous case what other
   * cases and the hotline did — e.g. that a victim reported this image.
   */
  readonly signals: { readonly signalType: SignalType; readonly value: string }[];
}

export interface CaseView {
  readonly caseNumber: string;
  readonly status: 'open' | 'withdrawn';
  readonly situation: Situation;
  readonly ageGroup: AgeGroup;
  readonly aiGenerated: AiGenerated;
  readonly language: Language;
  readonly description: string | null;
  readonly contact: { readonly email: string } | null;
  readonly createdAt: string;
  readonly withdrawnAt: string | null;
  readonly itemCount: number;
  readonly items: ItemView[];
  /** Position to pass as `after` for the next page, or null on the last page. */
  readonly nextAfter: number | null;
}

export interface CaseServiceDeps {
  readonly database: Database;
  readonly masterKey: Key;
  readonly now?: () => Date;
  /** Deployment setting: hotlines with a legal mandate may receive media of minors. */
  readonly allowMinorMedia?: boolean;
  /** The per-case-number sign-in pause; the server passes the configured one (the default policy otherwise). */
  readonly guard?: SignInGuard;
}

export const SESSION_MINUTES = 60;
export const MAX_ITEMS_PER_CASE = 2000;
export const MAX_ITEMS_PER_BATCH = 500;

export type SignInResult =
  | { readonly ok: true; readonly token: string; readonly expiresAt: string }
  | { readonly ok: false; readonly reason: 'refused' }
  | { readonly ok: false; readonly reason: 'paused'; readonly pausedUntil: Date };

export class CaseService {
  private readonly database: Database;
  private readonly masterKey: Key;
  private readonly now: () => Date;
  private readonly guard: SignInGuard;

  constructor(deps: CaseServiceDeps) {
    this.database = deps.database;
    this.masterKey = deps.masterKey;
    this.now = deps.now ?? (() => new Date());
    this.guard = deps.guard ?? new SignInGuard({ database: deps.database, masterKey: deps.masterKey, now: this.now });
  }

  /** Whether this opening is a retry of one already answered (its Idempotency-Key holds the case): it will be replayed, not opened. */
  async isReplay(idempotency: IdempotencyRequest): Promise<boolean> {
    return hasAnswer(this.database.db, idempotency);
  }

  /**
   * Opens a case. With an idempotency key, a retried request (same key, same
   * body) gets the same answer and never opens a second case; the same key
   * with another body is refused.
   */
  async openCase(input: OpenCaseInput, idempotency?: IdempotencyRequest): Promise<OpenedCase> {
    const secret = newSecret();
    const secretHash = await hashSecret(secret);
    const token = newSessionToken();
    const expiresAt = new Date(this.now().getTime() + SESSION_MINUTES * 60_000);
    const id = randomUUID();
    const dataKey = randomKey();
    const seal = (purpose: string, text: string) => encrypt(dataKey, new TextEncoder().encode(text), `${purpose}:${id}`);

    for (let attempt = 0; ; attempt++) {
      const caseNumber = newCaseNumber();
      try {
        return await this.database.db.transaction(async (tx) => {
          if (idempotency) {
            const claim = await claimIdempotency(tx, this.masterKey, idempotency);
            if (claim.replay) return claim.response as unknown as OpenedCase;
          }
          await tx.insert(cases).values({
            id,
            number: caseNumber,
            secretHash,
            situation: input.situation,
            ageGroup: input.ageGroup,
            aiGenerated: input.aiGenerated,
            language: input.language,
            wrappedKey: wrapKey(this.masterKey, dataKey, id),
            descriptionEnc: input.description ? seal('description', input.description) : null,
            contactEnc: input.contact ? seal('contact', JSON.stringify(input.contact)) : null,
            createdAt: this.now(),
          });
          await tx.insert(victimSessions).values({ tokenDigest: tokenDigest(token), caseId: id, expiresAt });
          const opened: OpenedCase = { caseNumber, secret, token, expiresAt: expiresAt.toISOString() };
          if (idempotency) await completeIdempotency(tx, this.masterKey, idempotency, 201, opened);
          return opened;
        });
      } catch (error) {
        // A case number already taken (1 in 10^12 per case): draw another.
        if (isUniqueViolation(error, 'cases_number_unique') && attempt < 5) continue;
        throw error;
      }
    }
  }

  /**
   * Signs in with a case number and secret. "No such case" and "wrong
   * secret" give the same answer and take the same time (one argon2id
   * verification each), so nothing tells an attacker which it was. After too
   * many failures for one case number, existing or not, sign-in to it is
   * paused: every attempt is answered with the time the pause ends, unchecked.
   * Text that cannot be a case number is refused without counting (no case
   * can have it, so there is nothing to guess).
   */
  async signIn(caseNumberText: string, secret: string): Promise<SignInResult> {
    const caseNumber = parseCaseNumber(caseNumberText);
    if (caseNumber === null) {
      await verifySecret(null, secret);
      return { ok: false, reason: 'refused' };
    }
    const attempt = await this.guard.begin('victim', caseNumber);
    if (!attempt.ok) return { ok: false, reason: 'paused', pausedUntil: attempt.pausedUntil };
    const [row] = await this.database.db.select({ id: cases.id, secretHash: cases.secretHash }).from(cases).where(eq(cases.number, caseNumber));
    const valid = await verifySecret(row ? row.secretHash : null, secret);
    if (!row || !valid) return attempt.pausedIfFails ? { ok: false, reason: 'paused', pausedUntil: attempt.pausedIfFails } : { ok: false, reason: 'refused' };
    const now = this.now();
    const token = newSessionToken();
    const expiresAt = new Date(now.getTime() + SESSION_MINUTES * 60_000);
    await this.database.db.transaction(async (tx) => {
      await this.guard.succeeded(attempt, tx);
      await tx.insert(victimSessions).values({ tokenDigest: tokenDigest(token), caseId: row.id, expiresAt });
      await tx.delete(victimSessions).where(and(eq(victimSessions.caseId, row.id), lt(victimSessions.expiresAt, now)));
    });
    return { ok: true, token, expiresAt: expiresAt.toISOString() };
  }

  /** The case a session token opens, or null (unknown, expired). */
  async caseOfSession(token: string): Promise<string | null> {
    const [row] = await this.database.db
      .select({ caseId: victimSessions.caseId, expiresAt: victimSessions.expiresAt })
      .from(victimSessions)
      .where(eq(victimSessions.tokenDigest, tokenDigest(token)));
    return row && row.expiresAt > this.now() ? row.caseId : null;
  }

  async signOut(token: string): Promise<void> {
    await this.database.db.delete(victimSessions).where(eq(victimSessions.tokenDigest, tokenDigest(token)));
  }

  /**
   * Adds a batch of items, each validated on its own. The batch commits as a
   * whole: an acknowledged batch is stored entirely, an interrupted one not
   * at all, and a retried one finds its items already there (`duplicate`).
   */
  async addItems(caseId: string, rawItems: readonly unknown[]): Promise<readonly ItemResult[]> {
    if (rawItems.length > MAX_ITEMS_PER_BATCH) throw new AppError('payload_too_large', `at most ${MAX_ITEMS_PER_BATCH} items per batch`);
    const validated = rawItems.map((raw) => validateItem(raw));
    return this.database.db.transaction(async (tx) => {
      // One batch at a time per case: positions stay dense and dedupe exact.
      const [current] = await tx.select({ status: cases.status }).from(cases).where(eq(cases.id, caseId)).for('update');
      if (current?.status !== 'open') throw new AppError('not_found');
      let position = (await nextPosition(tx, caseId)) - 1;
      const [{ n } = { n: 0 }] = await tx.select({ n: sql<number>`count(*)::int` }).from(caseItems).where(eq(caseItems.caseId, caseId));
      let itemCount = n;

      const results: ItemResult[] = [];
      for (const [index, outcome] of validated.entries()) {
        if (!outcome.ok) {
          results.push({ index, ok: false, reason: outcome.reason });
          continue;
        }
        const draft = outcome.draft;
        const existing = await findDuplicate(tx, caseId, draft);
        if (existing) {
          results.push({ index, ok: true, itemId: existing, duplicate: true });
          continue;
        }
        if (itemCount >= MAX_ITEMS_PER_CASE) {
          results.push({ index, ok: false, reason: 'case_full' });
          continue;
        }
        const itemId = await insertItem(tx, caseId, draft, ++position, this.now(), draft.kind === 'url' ? ['received'] : ['received', 'hashed']);
        itemCount++;
        results.push({ index, ok: true, itemId, duplicate: false });
      }
      return results;
    });
  }

  /** The case and a page of its items (by position, after `after`). */
  async view(caseId: string, page: { after?: number; limit?: number } = {}): Promise<CaseView> {
    const db = this.database.db;
    const [row] = await db.select().from(cases).where(eq(cases.id, caseId));
    if (!row) throw new AppError('not_found');
    const limit = Math.min(Math.max(page.limit ?? 200, 1), 500);
    const items = await db
      .select()
      .from(caseItems)
      .where(and(eq(caseItems.caseId, caseId), gt(caseItems.position, page.after ?? 0)))
      .orderBy(asc(caseItems.position))
      .limit(limit + 1);
    const pageItems = items.slice(0, limit);
    const ids = pageItems.map((i) => i.id);
    const events = ids.length ? await db.select().from(itemEvents).where(inArray(itemEvents.itemId, ids)).orderBy(asc(itemEvents.id)) : [];
    const signals = await entriesOfItems(db, ids);
    const [{ n } = { n: 0 }] = await db.select({ n: sql<number>`count(*)::int` }).from(caseItems).where(eq(caseItems.caseId, caseId));

    const dataKey = row.wrappedKey ? unwrapKey(this.masterKey, row.wrappedKey, row.id) : null;
    const open = (purpose: string, blob: Uint8Array | null): string | null => {
      if (!blob || !dataKey) return null;
      const bytes = decrypt(dataKey, blob, `${purpose}:${row.id}`);
      return bytes ? new TextDecoder().decode(bytes) : null;
    };
    const contact = open('contact', row.contactEnc);

    return {
      caseNumber: row.number,
      status: row.status,
      situation: row.situation,
      ageGroup: row.ageGroup,
      aiGenerated: row.aiGenerated,
      language: row.language,
      description: open('description', row.descriptionEnc),
      contact: contact ? (JSON.parse(contact) as { email: string }) : null,
      createdAt: row.createdAt.toISOString(),
      withdrawnAt: row.withdrawnAt?.toISOString() ?? null,
      itemCount: n,
      items: pageItems.map((item) => ({
        id: item.id,
        position: item.position,
        kind: item.kind,
        url: item.url,
        host: item.host,
        status: item.status,
        createdAt: item.createdAt.toISOString(),
        notifiedAt: item.notifiedAt?.toISOString() ?? null,
        removedAt: item.removedAt?.toISOString() ?? null,
        history: events.filter((e) => e.itemId === item.id).map((e) => ({ status: e.status, at: e.at.toISOString() })),
        signals: ownSignals(signals.get(item.id) ?? []),
      })),
      nextAfter: items.length > limit ? pageItems[pageItems.length - 1]!.position : null,
    };
  }

  /**
   * Withdraws a case: its hashes leave the bank (tombstones for partners,
   * unless another open case holds them), its key, contact, description and
   * URLs are erased, its sessions end. Counts, kinds, hosts and dates stay
   * for the statistics. Withdrawing twice is harmless.
   */
  async withdraw(caseId: string): Promise<void> {
    await this.database.db.transaction(async (tx) => {
      const [row] = await tx.select({ status: cases.status }).from(cases).where(eq(cases.id, caseId)).for('update');
      if (!row) throw new AppError('not_found');
      if (row.status === 'withdrawn') return;
      const now = this.now();
      await tx
        .update(cases)
        .set({ status: 'withdrawn', withdrawnAt: now, wrappedKey: null, contactEnc: null, descriptionEnc: null })
        .where(eq(cases.id, caseId));
      const tombstoned = await releaseCase(tx, caseId);
      await markItemsWithdrawn(tx, caseId, now);
      await tx.delete(victimSessions).where(eq(victimSessions.caseId, caseId));
      await appendAudit(tx, { actor: 'victim:case', action: 'case.withdraw', subject: `case:${caseId}`, detail: { tombstoned } }, now);
    });
  }
}

/**
 * What a case may see of its item's bank entries: type and value, in a fixed
 * order of types. Not the entries' order: an entry another case created first
 * has the smaller id, and sorting by id would say so.
 */
function ownSignals(entries: readonly BankEntry[]): { signalType: SignalType; value: string }[] {
  return [...entries]
    .sort((a, b) => SIGNAL_TYPES.indexOf(a.signalType) - SIGNAL_TYPES.indexOf(b.signalType))
    .map((e) => ({ signalType: e.signalType, value: e.value }));
}

/** The position the next item of a case takes, under the case's row lock. */
export async function nextPosition(tx: Executor, caseId: string): Promise<number> {
  const [{ last } = { last: 0 }] = await tx.select({ last: max(caseItems.position) }).from(caseItems).where(eq(caseItems.caseId, caseId));
  return (last ?? 0) + 1;
}

/** The item already in the case with the same content, if any. */
export async function findDuplicate(tx: Executor, caseId: string, draft: ItemDraft): Promise<string | null> {
  const [existing] = await tx
    .select({ id: caseItems.id })
    .from(caseItems)
    .where(and(eq(caseItems.caseId, caseId), eq(caseItems.kind, draft.kind), eq(caseItems.dedupeDigest, draft.dedupe)));
  return existing?.id ?? null;
}

/**
 * Inserts an item with its history and puts its signals in the bank. Inside a
 * transaction. `autoDuplicate` goes in the same statement as every other
 * column: a known file costs the same writes as a fresh one.
 */
export async function insertItem(
  tx: Executor,
  caseId: string,
  draft: ItemDraft,
  position: number,
  now: Date,
  history: readonly ItemStatus[],
  options: { readonly autoDuplicate?: boolean } = {},
): Promise<string> {
  const itemId = randomUUID();
  await tx.insert(caseItems).values({
    id: itemId,
    caseId,
    position,
    kind: draft.kind,
    url: draft.url,
    host: draft.host,
    dedupeDigest: draft.dedupe,
    status: history[history.length - 1]!,
    autoDuplicate: options.autoDuplicate ?? false,
    createdAt: now,
    updatedAt: now,
  });
  await tx.insert(itemEvents).values(history.map((status) => ({ itemId, status, at: now })));
  for (const signal of draft.signals) {
    const { entryId } = await upsertSignal(tx, signal);
    await tx.insert(itemBankEntries).values({ itemId, entryId }).onConflictDoNothing();
  }
  return itemId;
}

async function markItemsWithdrawn(tx: Executor, caseId: string, now: Date): Promise<void> {
  const items = await tx.select({ id: caseItems.id }).from(caseItems).where(eq(caseItems.caseId, caseId));
  if (items.length === 0) return;
  await tx.update(caseItems).set({ status: 'withdrawn', url: null, updatedAt: now }).where(eq(caseItems.caseId, caseId));
  await tx.insert(itemEvents).values(items.map((i) => ({ itemId: i.id, status: 'withdrawn' as const, at: now })));
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    const { code, constraint: name, message } = e as { code?: unknown; constraint?: unknown; message?: unknown };
    if (code === '23505' && (name === constraint || (typeof message === 'string' && message.includes(constraint)))) return true;
  }
  return false;
}
