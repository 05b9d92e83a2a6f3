import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFolderBusyError, lockDataFolder } from './data-lock.ts';

describe('data folder lock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'disrupt-lock-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('is taken once and released', () => {
    const lock = lockDataFolder(dir, 'serve');
    lock.release();
    lockDataFolder(dir, 'serve').release();
  });

  it('refuses a second process while the holder lives, and names it', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dir, 'disrupt.lock'), JSON.stringify({ pid: child.pid, role: 'serve', since: '2026-01-01T00:00:00Z' }));
      expect(() => lockDataFolder(dir, 'bank import')).toThrow(DataFolderBusyError);
      expect(() => lockDataFolder(dir, 'bank import')).toThrow(new RegExp(`pid ${child.pid}, serve`));
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.on('exit', resolve));
    }
    // The holder died without releasing: the lock is stale and taken over.
    lockDataFolder(dir, 'bank import').release();
  });

  it('takes over an unreadable lock file', () => {
    writeFileSync(join(dir, 'disrupt.lock'), '{"pi');
    lockDataFolder(dir, 'serve').release();
  });
});
