import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describeStorage } from '../../test/databases.ts';
import { queryRows } from './database.ts';

describeStorage('database', ({ database }) => {
  it('is migrated and answers', async () => {
    expect(await database().ping()).toBe(true);
    const tables = await queryRows<{ table_name: string }>(
      database().db,
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    expect(tables.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['bank_entries', 'item_bank_entries', 'case_items', 'cases', 'idempotency_records', 'item_events', 'victim_sessions']),
    );
  });

  it('runs on PostgreSQL 15 semantics or later', async () => {
    const [row] = await queryRows<{ v: string }>(database().db, sql`select current_setting('server_version_num') as v`);
    expect(Number(row!.v)).toBeGreaterThanOrEqual(150000);
  });
});
