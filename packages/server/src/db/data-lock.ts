// PGlite is one process's database: two processes opening the same data
// folder would corrupt it. Whoever opens the folder takes this lock first; a
// second process (a CLI command while the server runs) is refused with a
// clear message. A lock left by a process that died is taken over.

import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface DataLock {
  release(): void;
}

export interface LockHolder {
  readonly pid: number;
  readonly role: string;
  readonly since: string;
}

export class DataFolderBusyError extends Error {
  override readonly name = 'DataFolderBusyError';
  constructor(readonly holder: LockHolder) {
    super(`the data folder is in use by another Disrupt process (pid ${holder.pid}, ${holder.role}, since ${holder.since}); stop it first`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

function readHolder(path: string): LockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, role: String(parsed.role), since: String(parsed.since) } : null;
  } catch {
    return null;
  }
}

/** Takes the data folder's lock, or throws DataFolderBusyError naming the live holder. */
export function lockDataFolder(dataDir: string, role: string): DataLock {
  const path = join(dataDir, 'disrupt.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify({ pid: process.pid, role, since: new Date().toISOString() }));
      } finally {
        closeSync(fd);
      }
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          if (readHolder(path)?.pid === process.pid) rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      if (holder && holder.pid !== process.pid && alive(holder.pid)) throw new DataFolderBusyError(holder);
      // Stale (its process is gone) or unreadable (died while writing): take it over.
      rmSync(path, { force: true });
    }
  }
  throw new Error('could not take the data folder lock');
}
