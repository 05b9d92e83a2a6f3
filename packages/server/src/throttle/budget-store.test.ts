// One conformance suite for both budget stores: in memory, and in the
// database (on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set, as
// replicas use it). Then what only the shared store promises: two replicas
// spend one budget.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { describeStorage } from '../../test/databases.ts';
import { queryRows } from '../db/database.ts';
import { type BudgetStore, MemoryBudgetStore, PgBudgetStore } from './budget-store.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bucket = () => `test:${randomBytes(6).toString('hex')}`;

function conformance(store: () => BudgetStore): void {
  it('counts hits in a window and says how long it has left', async () => {
    const b = bucket();
    const first = await store().hit(b, 60_000);
    expect(first.hits).toBe(1);
    expect(first.resetsInMs).toBeGreaterThan(55_000);
    expect(first.resetsInMs).toBeLessThanOrEqual(60_000);
    expect((await store().hit(b, 60_000)).hits).toBe(2);
    // Another bucket has its own count.
    expect((await store().hit(bucket(), 60_000)).hits).toBe(1);
  });

  it('counts every one of many concurrent hits exactly once', async () => {
    const b = bucket();
    const counts = await Promise.all(Array.from({ length: 40 }, () => store().hit(b, 60_000)));
    expect(counts.map((c) => c.hits).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('starts again when the window ends', async () => {
    const b = bucket();
    await store().hit(b, 300);
    await store().hit(b, 300);
    await sleep(400);
    const again = await store().hit(b, 300);
    expect(again.hits).toBe(1);
    expect(again.resetsInMs).toBeGreaterThan(0);
  });

  it('takes a hit back, never below zero, and not into a window that ended', async () => {
    const b = bucket();
    await store().hit(b, 60_000);
    await store().hit(b, 60_000);
    await store().refund(b);
    expect((await store().hit(b, 60_000)).hits).toBe(2);
    await store().refund(b);
    await store().refund(b);
    await store().refund(b);
    expect((await store().hit(b, 60_000)).hits).toBe(1);
    await store().refund(bucket()); // unknown: nothing happens

    const ended = bucket();
    await store().hit(ended, 200);
    await sleep(300);
    await store().refund(ended);
    expect((await store().hit(ended, 200)).hits).toBe(1);
  });
}

describe('memory budget store', () => {
  const store = new MemoryBudgetStore();
  conformance(() => store);

  it('forgets windows that ended', async () => {
    const own = new MemoryBudgetStore();
    await own.hit('a', 100);
    await own.hit('b', 60_000);
    await sleep(200);
    await own.prune();
    expect(own.size).toBe(1);
  });
});

describeStorage('database budget store', ({ database }) => {
  let store: PgBudgetStore | undefined;
  conformance(() => (store ??= new PgBudgetStore(database())));

  it('is one budget for every replica: two stores on one database count together', async () => {
    const b = bucket();
    const replicaA = new PgBudgetStore(database());
    const replicaB = new PgBudgetStore(database());
    await Promise.all([replicaA.hit(b, 60_000), replicaB.hit(b, 60_000), replicaA.hit(b, 60_000)]);
    expect((await replicaB.hit(b, 60_000)).hits).toBe(4);
  });

  it('drops the rows of windows that ended', async () => {
    const own = new PgBudgetStore(database());
    const gone = bucket();
    const kept = bucket();
    await own.hit(gone, 100);
    await own.hit(kept, 60_000);
    await sleep(200);
    await own.prune();
    const rows = await queryRows<{ bucket: string }>(database().db, sql`select bucket from client_budgets where bucket in (${gone}, ${kept})`);
    expect(rows.map((r) => r.bucket)).toEqual([kept]);
  });
});
