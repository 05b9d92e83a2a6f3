// Where request budgets are counted: fixed windows of hits per bucket. One
// contract, two implementations, one conformance suite (budget-store.test.ts):
//
// - in memory, for the embedded deployment (one process: nothing to share,
//   and no write to PGlite's single connection on every sign-in);
// - in PostgreSQL (with DATABASE_URL), so that replicas behind a load
//   balancer spend one budget instead of each granting its own. Windows are
//   timed by the database's clock, the one clock every replica shares.
//
// A bucket is whatever the caller names it: client-budgets.ts uses an HMAC of
// the client's address, never the address, and a bucket lives only until its
// window ends (minutes), then `prune` drops it.

import { lte, sql } from 'drizzle-orm';
import { type Database, queryRows } from '../db/database.ts';
import { clientBudgets } from '../db/schema.ts';

export interface BudgetCount {
  /** Hits in the current window, this one included. */
  readonly hits: number;
  /** Milliseconds until the window ends (and the count starts again). */
  readonly resetsInMs: number;
}

export interface BudgetStore {
  /** Counts one hit on `bucket`, opening a new window of `windowMs` if there is none or it ended. Atomic under concurrency. */
  hit(bucket: string, windowMs: number): Promise<BudgetCount>;
  /** Takes one hit back (a request that should not count), never below zero, and only within the window still open. */
  refund(bucket: string): Promise<void>;
  /** Forgets the windows that ended. */
  prune(): Promise<void>;
}

interface Window {
  hits: number;
  resetsAt: number;
}

/** Windows that ended are swept every this many hits, besides the periodic prune. */
const SWEEP_EVERY = 1000;

export class MemoryBudgetStore implements BudgetStore {
  private readonly windows = new Map<string, Window>();
  private calls = 0;

  constructor(private readonly now: () => number = Date.now) {}

  hit(bucket: string, windowMs: number): Promise<BudgetCount> {
    const now = this.now();
    if (++this.calls % SWEEP_EVERY === 0) this.sweep(now);
    let window = this.windows.get(bucket);
    if (!window || window.resetsAt <= now) {
      window = { hits: 0, resetsAt: now + windowMs };
      this.windows.set(bucket, window);
    }
    window.hits++;
    return Promise.resolve({ hits: window.hits, resetsInMs: window.resetsAt - now });
  }

  refund(bucket: string): Promise<void> {
    const window = this.windows.get(bucket);
    if (window && window.resetsAt > this.now() && window.hits > 0) window.hits--;
    return Promise.resolve();
  }

  prune(): Promise<void> {
    this.sweep(this.now());
    return Promise.resolve();
  }

  /** How many buckets it holds (tests: nothing outlives its window). */
  get size(): number {
    return this.windows.size;
  }

  private sweep(now: number): void {
    for (const [bucket, window] of this.windows) if (window.resetsAt <= now) this.windows.delete(bucket);
  }
}

export class PgBudgetStore implements BudgetStore {
  constructor(private readonly database: Database) {}

  async hit(bucket: string, windowMs: number): Promise<BudgetCount> {
    const window = sql`(${windowMs}::float8 * interval '1 millisecond')`;
    // now() is the statement's time on the database server: the same clock for every replica.
    // int4 and float8: numbers from both drivers.
    const [row] = await queryRows<{ hits: number; resets_in_ms: number }>(
      this.database.db,
      sql`INSERT INTO client_budgets AS b (bucket, hits, resets_at) VALUES (${bucket}, 1, now() + ${window})
          ON CONFLICT (bucket) DO UPDATE SET
            hits = CASE WHEN b.resets_at <= now() THEN 1 ELSE b.hits + 1 END,
            resets_at = CASE WHEN b.resets_at <= now() THEN now() + ${window} ELSE b.resets_at END
          RETURNING b.hits, (extract(epoch FROM b.resets_at - now()) * 1000)::float8 AS resets_in_ms`,
    );
    if (!row) throw new Error('client_budgets: the upsert returned no row');
    return { hits: row.hits, resetsInMs: Math.max(0, Math.ceil(row.resets_in_ms)) };
  }

  async refund(bucket: string): Promise<void> {
    await this.database.db.execute(sql`UPDATE client_budgets SET hits = hits - 1 WHERE bucket = ${bucket} AND hits > 0 AND resets_at > now()`);
  }

  async prune(): Promise<void> {
    await this.database.db.delete(clientBudgets).where(lte(clientBudgets.resetsAt, sql`now()`));
  }
}
