// One Database for both back ends: PGlite (PostgreSQL compiled to WASM, in a
// data folder) by default, a PostgreSQL server when DATABASE_URL is set. The
// same schema and migrations run on both; repositories see only `Db`.

import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import * as schema from './schema.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction or the database itself: repositories take either. */
export type Executor = Pick<Db, 'select' | 'selectDistinct' | 'insert' | 'update' | 'delete' | 'execute'>;

/**
 * Rows of a raw SQL query. Both drivers answer with `{ rows }` but type it
 * differently; this is the one place that says so.
 */
export async function queryRows<T>(executor: Executor, query: SQL): Promise<T[]> {
  const result: unknown = await executor.execute(query);
  return (result as { rows: T[] }).rows;
}

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Db;
  /** True when a trivial query answers (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export type DatabaseTarget = { readonly kind: 'pglite'; readonly dataDir: string | null } | { readonly kind: 'postgres'; readonly url: string };

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Opens the database and brings its schema up to date. `dataDir: null` is an in-memory PGlite (tests). */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'pglite') {
    if (target.dataDir !== null) mkdirSync(target.dataDir, { recursive: true, mode: 0o700 });
    const client = target.dataDir === null ? new PGlite() : new PGlite(join(target.dataDir, 'pglite'));
    await client.waitReady;
    const db = drizzlePglite(client, { schema, casing: 'snake_case' });
    await migratePglite(db, { migrationsFolder: MIGRATIONS });
    return wrap('pglite', db, () => client.close());
  }
  const pool = new pg.Pool({ connectionString: target.url, max: 10 });
  // An idle client's network error must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const db = drizzleNodePg(pool, { schema, casing: 'snake_case' });
  await migrateNodePg(db, { migrationsFolder: MIGRATIONS });
  return wrap('postgres', db, () => pool.end());
}

function wrap(kind: Database['kind'], db: Db, close: () => Promise<void>): Database {
  return {
    kind,
    db,
    async ping() {
      try {
        await db.execute(sql`select 1`);
        return true;
      } catch {
        return false;
      }
    },
    close,
  };
}
