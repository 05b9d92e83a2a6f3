import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../test/reference.ts';
import { main } from '../main.ts';
import { captureIo } from '../test-io.ts';

const PDQ = 'd8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22';
const dir = mkdtempSync(join(tmpdir(), 'disrupt-bank-cli-'));
const data = join(dir, 'data');
// The commands use the embedded database in --data, whatever the test environment says.
delete process.env.DATABASE_URL;
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function run(...args: string[]) {
  const io = captureIo();
  const code = await main(['bank', ...args, '--data', data], io);
  return { code, out: io.out(), err: io.err() };
}

describe('disrupt bank', () => {
  it('imports, reports bad lines by number, exports, removes and counts', async () => {
    const file = join(dir, 'bank.ndjson');
    writeFileSync(file, `${JSON.stringify({ signalType: 'pdq', value: PDQ, quality: 90, verified: true })}\n{"signalType":"pdq","value":"bad"}\n${JSON.stringify({ signalType: 'md5', value: 'a'.repeat(32) })}\n`);
    const imported = await run('import', file);
    expect(imported.code).toBe(1);
    expect(JSON.parse(imported.out)).toEqual({ imported: 2, alreadyPresent: 0, refused: 1 });
    expect(imported.err).toContain('line 2: malformed pdq value');

    const exported = await run('export');
    expect(exported.code).toBe(0);
    expect(exported.out.trim().split('\n').map((l) => (JSON.parse(l) as { signalType: string }).signalType)).toEqual(['pdq', 'md5']);

    expect((await run('remove', 'md5', 'a'.repeat(32))).code).toBe(0);
    expect((await run('remove', 'md5', 'b'.repeat(32))).code).toBe(1);
    const counted = await run('stats');
    expect(JSON.parse(counted.out)).toMatchObject({ byStatus: { active: 1, deleted: 1 } });
    // The import, the export and the removal are in the audit log, and its chain holds.
    const io = captureIo();
    expect(await main(['audit', 'verify', '--data', data], io)).toBe(0);
    expect(JSON.parse(io.out())).toEqual({ ok: true, entries: 3, keyedFrom: 1, anchoredEntry: null });
    expect((await run('frobnicate')).code).toBe(2);
  });

  it('refuses a data folder that a running server holds, and works once it stops', async () => {
    const server: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, 'packages/cli/bin/disrupt.js'), 'serve', '--port', '0', '--data', data], {
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, DATABASE_URL: '' },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: server.stdout! }).on('line', (line) => {
          if (line.includes('disrupt listening')) resolve();
        });
        server.once('exit', () => {
          reject(new Error('server exited'));
        });
      });
      const refused = await run('stats');
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(new RegExp(`in use by another Disrupt process \\(pid ${server.pid}, serve`));
    } finally {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    const after = await run('stats');
    expect(after.code).toBe(0);
    expect(JSON.parse(after.out)).toMatchObject({ byStatus: { active: 1 } });
  }, 60_000);
});
