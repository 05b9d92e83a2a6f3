// The storage conformance harness: every storage test runs on PGlite, and on
// a real PostgreSQL server when TEST_DATABASE_URL is set (CI sets it). Each
// test file gets its own fresh database, so files run in parallel.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { auditKeyring, installAuditKeyring } from '../src/audit/audit-keys.ts';
import { randomKey } from '../src/crypto/envelope.ts';
import { type Database, openDatabase } from '../src/db/database.ts';

export interface DatabaseFixture {
  /** The database of the current back end; valid inside tests. */
  readonly database: () => Database;
}

export async function createScratchDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `disrupt_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export function backends(): ('pglite' | 'postgres')[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** Runs `suite` once per back end, with a fresh, migrated database for each. */
export function describeStorage(name: string, suite: (fixture: DatabaseFixture) => void): void {
  for (const backend of backends()) {
    describe(`${name} [${backend}]`, () => {
      let database: Database | undefined;
      let drop: (() => Promise<void>) | undefined;
      beforeAll(async () => {
        // Services write audit entries, which need a keyring (the server installs the master key's).
        installAuditKeyring(auditKeyring(randomKey()));
        if (backend === 'pglite') {
          database = await openDatabase({ kind: 'pglite', dataDir: null });
        } else {
          const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!);
          drop = scratch.drop;
          database = await openDatabase({ kind: 'postgres', url: scratch.url });
        }
      });
      afterAll(async () => {
        await database?.close();
        await drop?.();
      });
      suite({
        database: () => {
          if (!database) throw new Error('database not open yet');
          return database;
        },
      });
    });
  }
}
