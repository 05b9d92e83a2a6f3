// Opening the storage from a command (not the server): the same database and
// the same data folder lock, so a command never touches an embedded database
// that a running server holds.

import { mkdirSync } from 'node:fs';
import { auditKeyring, installAuditKeyring } from './audit/audit-keys.ts';
import type { Config } from './config.ts';
import { type Database, openDatabase } from './db/database.ts';
import { lockDataFolder } from './db/data-lock.ts';
import { loadMasterKey } from './server.ts';

export interface OpenStorage {
  readonly database: Database;
  close(): Promise<void>;
}

/**
 * Throws DataFolderBusyError when another process holds the embedded database.
 * Installs the audit keyring from the master key, as the server does: every
 * command that records something writes a keyed audit entry, and verifying
 * needs the key too.
 */
export async function openStorage(config: Config, role: string): Promise<OpenStorage> {
  if (config.database.kind === 'postgres') {
    // Without DISRUPT_MASTER_KEY the key is the data folder's file, as for the server.
    if (!config.masterKey) mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    installAuditKeyring(auditKeyring(loadMasterKey(config)));
    const database = await openDatabase(config.database);
    return { database, close: () => database.close() };
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const lock = lockDataFolder(config.dataDir, role);
  try {
    installAuditKeyring(auditKeyring(loadMasterKey(config)));
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
