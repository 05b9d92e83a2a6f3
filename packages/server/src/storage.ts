// Opening the storage from a command (not the server): the same database and
// the same data folder lock, so a command never touches an embedded database
// that a running server holds.

import { mkdirSync } from 'node:fs';
import type { Config } from './config.ts';
import { type Database, openDatabase } from './db/database.ts';
import { lockDataFolder } from './db/data-lock.ts';

export interface OpenStorage {
  readonly database: Database;
  close(): Promise<void>;
}

/** Throws DataFolderBusyError when another process holds the embedded database. */
export async function openStorage(config: Config, role: string): Promise<OpenStorage> {
  if (config.database.kind === 'postgres') {
    const database = await openDatabase(config.database);
    return { database, close: () => database.close() };
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const lock = lockDataFolder(config.dataDir, role);
  try {
    const database = await openDatabase({ kind: 'pglite', dataDir: config.database.dataDir });
    return {
      database,
      async close() {
        await database.close();
        lock.release();
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}
