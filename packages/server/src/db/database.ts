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
 * A raw query (text with $1… placeholders) as a drizzle SQL object, so that it
 * runs inside a drizzle transaction: how jobs join the transaction of the
 * change that causes them.
 */
export function rawToSql(text: string, values: readonly unknown[]): SQL {
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) chunks.push(sql.raw(parts[i]!));
    else chunks.push(sql`${values[Number(parts[i]) - 1] ?? null}`); // drizzle renders undefined as nothing
  }
  return sql.join(chunks, sql.raw(''));
}

/**
 * Rows of a raw SQL query. Both drivers answer with `{ rows }` but type it
 * differently; this is the one place that says so.
 */
export async function queryRows<T>(executor: Executor, query: SQL): Promise<T[]> {
  const result: unknown = await executor.execute(query);
  return (result as { rows: T[] }).rows;
}

/** Raw SQL with $1… parameters, as the job queue speaks it. Several statements when there are no parameters. */
export type RawSql = (text: string, values?: readonly unknown[]) => Promise<{ rows: unknown[] }>;

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Db;
  readonly raw: RawSql;
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
    const raw: RawSql = async (text, values = []) => {
      if (values.length > 0) return client.query(text, [...values]);
      const results = await client.exec(text);
      return results.at(-1) ?? { rows: [] };
    };
    return wrap('pglite', db, raw, () => client.close());
  }
  const pool = new pg.Pool({ connectionString: target.url, max: 10 });
  // An idle client's network error must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const db = drizzleNodePg(pool, { schema, casing: 'snake_case' });
  await migrateNodePg(db, { migrationsFolder: MIGRATIONS });
  const raw: RawSql = async (text, values = []) => {
    const result = (await pool.query(text, [...values])) as pg.QueryResult | pg.QueryResult[];
    return Array.isArray(result) ? (result.at(-1) ?? { rows: [] }) : result;
  };
  return wrap('postgres', db, raw, () => pool.end());
}

function wrap(kind: Database['kind'], db: Db, raw: RawSql, close: () => Promise<void>): Database {
  return {
    kind,
    db,
    raw,
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
