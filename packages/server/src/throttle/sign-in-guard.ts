// The per-target sign-in guard: one rule for both doors (console accounts by
// e-mail address, victims' cases by case number). After `failures` failures
// in a row, sign-in for that target is paused, whoever asks and whatever they
// type; attempts during the pause are not checked at all (no argon2, no TOTP
// step spent), they are answered with the time the pause ends.
//
// Why an attempt is counted before it is checked: two requests that read the
// counter, checked, then wrote it back would both pass a nearly spent budget,
// and 50 at once would all be checked. Here each attempt takes its number
// with one UPSERT … RETURNING (the row lock serialises them): the first
// `failures` are checked, the one that reaches the limit sets the pause in
// the same statement, and every later one finds the target paused. So 50
// concurrent wrong attempts pause exactly as 50 sequential ones: 10 checked,
// 40 refused unchecked. A success forgives the count.
//
// Why a table of its own, keyed by an HMAC of the target, rather than
// columns on users and cases: unknown addresses and case numbers must be
// paused after the same number of failures as real ones, or the pause would
// tell which exist. One row shape for both, the same expiry for both; the
// HMAC (under a key derived from the master key) keeps the table from
// listing the addresses and case numbers people tried.

import { createHmac } from 'node:crypto';
import { eq, lte, sql } from 'drizzle-orm';
import { type Key, deriveKey } from '../crypto/envelope.ts';
import { type Database, type Executor, queryRows } from '../db/database.ts';
import { signInGuards } from '../db/schema.ts';
import { AppError } from '../errors.ts';

/** Which door a target belongs to: the same text on two doors is two targets. */
export type SignInDoor = 'console' | 'victim';

export interface SignInPolicy {
  /** Failures in a row that pause a target (DISRUPT_SIGN_IN_FAILURES). */
  readonly failures: number;
  /** The first pause (DISRUPT_SIGN_IN_PAUSE_MINUTES); each failure after a pause doubles it, at most MAX_DOUBLINGS times. */
  readonly pauseMinutes: number;
}

export const DEFAULT_SIGN_IN_POLICY: SignInPolicy = { failures: 10, pauseMinutes: 15 };
/** A target's failures are forgotten this long after its last pause could end (someone who mistyped last week starts afresh). */
export const FORGET_AFTER_MS = 24 * 3_600_000;
export const MAX_DOUBLINGS = 2;

/**
 * An attempt that may go on to be checked (`ok`), or a paused target.
 * `pausedIfFails`: this attempt reached the limit, so the target is already
 * paused until then unless the attempt succeeds.
 */
export type SignInAttempt =
  | { readonly ok: true; readonly target: string; readonly failures: number; readonly pausedIfFails: Date | null }
  | { readonly ok: false; readonly pausedUntil: Date };

/** How long the pause is when a target reaches its `failures`-th failure in a row (null: no pause). */
export function pauseMs(policy: SignInPolicy, failures: number): number | null {
  if (failures < policy.failures) return null;
  return policy.pauseMinutes * 60_000 * 2 ** Math.min(MAX_DOUBLINGS, failures - policy.failures);
}

/** What a paused door answers: the same for a target that exists and one that does not. */
export function signInPaused(door: SignInDoor, until: Date, now: Date = new Date()): AppError {
  const what = door === 'console' ? 'this account' : 'this case';
  return new AppError('sign_in_paused', `sign-in to ${what} is paused until ${until.toISOString()} after too many failed attempts`, {
    retryAfterSeconds: (until.getTime() - now.getTime()) / 1000,
  });
}

export class SignInGuard {
  private readonly key: Key;
  private readonly policy: SignInPolicy;
  private readonly now: () => Date;

  constructor(private readonly deps: { database: Database; masterKey: Key; policy?: SignInPolicy; now?: () => Date }) {
    this.key = deriveKey(deps.masterKey, 'sign-in-guard', new Uint8Array());
    this.policy = deps.policy ?? DEFAULT_SIGN_IN_POLICY;
    this.now = deps.now ?? (() => new Date());
  }

  /** The row key of a target: an HMAC, so the table never holds the address or number itself. */
  digest(door: SignInDoor, target: string): string {
    return createHmac('sha256', this.key).update(`${door}\n${target}`).digest('base64url');
  }

  /**
   * Counts an attempt on a target (already normalised by the caller), or
   * says it is paused. Counted as a failure from here on: the caller calls
   * `succeeded` when the credentials were right.
   */
  async begin(door: SignInDoor, target: string): Promise<SignInAttempt> {
    const digest = this.digest(door, target);
    // Twice at most: the pause can end, or a success forgive the row, between the two statements below.
    for (let round = 0; round < 3; round++) {
      const now = this.now();
      const claimed = await this.claim(digest, now);
      if (claimed) {
        const pausedIfFails = claimed.lockedUntilMs === null ? null : new Date(claimed.lockedUntilMs);
        return { ok: true, target: digest, failures: claimed.failures, pausedIfFails };
      }
      const [row] = await this.deps.database.db.select({ lockedUntil: signInGuards.lockedUntil }).from(signInGuards).where(eq(signInGuards.targetDigest, digest));
      if (row?.lockedUntil && row.lockedUntil > now) return { ok: false, pausedUntil: row.lockedUntil };
    }
    // Only reachable if rows flap faster than three round trips: stay on the safe side.
    return { ok: false, pausedUntil: new Date(this.now().getTime() + 1000) };
  }

  /**
   * One statement: take the next number unless the target is paused, and
   * pause it when that number reaches the limit. An expired row counts from
   * one again. No row back means the target is paused.
   */
  private async claim(digest: string, now: Date): Promise<{ failures: number; lockedUntilMs: number | null } | null> {
    const at = sql`${now.toISOString()}::timestamptz`;
    const limit = sql`${this.policy.failures}::int`;
    const pauseEnd = (failures: ReturnType<typeof sql>) =>
      sql`CASE WHEN ${failures} >= ${limit} THEN ${at} + (${this.policy.pauseMinutes * 60_000}::float8 * power(2, least(${MAX_DOUBLINGS}::int, ${failures} - ${limit}))) * interval '1 millisecond' END`;
    const next = sql`(CASE WHEN g.expires_at <= ${at} THEN 1 ELSE g.failures + 1 END)`;
    const expires = new Date(now.getTime() + FORGET_AFTER_MS + this.policy.pauseMinutes * 60_000 * 2 ** MAX_DOUBLINGS).toISOString();
    // int4 and float8: numbers from both drivers.
    const rows = await queryRows<{ failures: number; locked_until_ms: number | null }>(
      this.deps.database.db,
      sql`INSERT INTO sign_in_guards AS g (target_digest, failures, locked_until, expires_at)
          VALUES (${digest}, 1, ${pauseEnd(sql`1`)}, ${expires}::timestamptz)
          ON CONFLICT (target_digest) DO UPDATE SET failures = ${next}, locked_until = ${pauseEnd(next)}, expires_at = ${expires}::timestamptz
          WHERE g.locked_until IS NULL OR g.locked_until <= ${at}
          RETURNING g.failures, (extract(epoch FROM g.locked_until) * 1000)::float8 AS locked_until_ms`,
    );
    const [row] = rows;
    return row ? { failures: row.failures, lockedUntilMs: row.locked_until_ms } : null;
  }

  /** The attempt's credentials were right: its target's failures are forgiven. In the caller's transaction when it has one. */
  async succeeded(attempt: Extract<SignInAttempt, { ok: true }>, tx: Executor = this.deps.database.db): Promise<void> {
    await tx.delete(signInGuards).where(eq(signInGuards.targetDigest, attempt.target));
  }

  /** Lifts a target's pause and forgets its failures (an admin gave the account a new enrolment link). */
  async forget(door: SignInDoor, target: string, tx: Executor = this.deps.database.db): Promise<void> {
    await tx.delete(signInGuards).where(eq(signInGuards.targetDigest, this.digest(door, target)));
  }

  /** Drops the rows whose failures are forgotten; returns how many. */
  async prune(): Promise<number> {
    const gone = await this.deps.database.db.delete(signInGuards).where(lte(signInGuards.expiresAt, this.now())).returning({ digest: signInGuards.targetDigest });
    return gone.length;
  }
}
