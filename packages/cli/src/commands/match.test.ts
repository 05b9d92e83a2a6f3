import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../test/reference.ts';
import { main } from '../main.ts';
import { captureIo } from '../test-io.ts';

const execFileAsync = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'disrupt-match-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const A = 'd8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22';
const A3 = 'd8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b2d'; // 4 bits from A
const B = '0007001f003f003f007f00ff00ff00ff01ff01ff01ff03ff03ff03ff03ff03ff';
const FAR = 'f'.repeat(64);

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('disrupt match', () => {
  const bank = file('bank.txt', `${A} case-1\n\n${B}\n${A3}\tcase-3\n`);

  it('prints query line, bank id (or line) and distance for every match', async () => {
    const queries = file('q.txt', `${A}\n${FAR}\n${B.toUpperCase()}\n`);
    const io = captureIo();
    expect(await main(['match', '--bank', bank, queries], io)).toBe(0);
    expect(io.out()).toBe('1 case-1 0\n1 case-3 4\n3 3 0\n');
  });

  it('honours --radius and --json, and reads standard input', async () => {
    const io = captureIo(`${A3}\n`);
    expect(await main(['match', '--json', '--radius', '2', '--bank', bank, '-'], io)).toBe(0);
    expect(io.out()).toBe('{"query":1,"bank":"case-3","distance":0}\n');
  });

  it('reports malformed lines by number without echoing them, skips them, exits 1', async () => {
    const queries = file('bad.txt', `${A}\nnot-a-hash-secret\n${A.slice(2)}\n`);
    const io = captureIo();
    expect(await main(['match', '--bank', bank, queries], io)).toBe(1);
    expect(io.out()).toBe('1 case-1 0\n1 case-3 4\n');
    expect(io.err()).toContain(`${queries}:2: not a PDQ hash`);
    expect(io.err()).toContain(`${queries}:3: not a PDQ hash`);
    expect(io.err()).not.toContain('secret');
    expect(io.err()).not.toContain(A.slice(2));
  });

  it('skips malformed bank lines, naming the bank file and line, and still matches the rest', async () => {
    const badBank = file('bad-bank.txt', `${A.slice(0, 63)}g secret-case\n${B} case-b\n${A}${A}\n`);
    const queries = file('q3.txt', `${B}\n`);
    const io = captureIo();
    expect(await main(['match', '--bank', badBank, queries], io)).toBe(1);
    expect(io.out()).toBe('1 case-b 0\n');
    expect(io.err()).toContain(`${badBank}:1: not a PDQ hash`);
    expect(io.err()).toContain(`${badBank}:3: not a PDQ hash`);
    expect(io.err()).not.toContain(A.slice(0, 63));
  });

  it('refuses a bad command line with exit code 2', async () => {
    for (const args of [['match', 'x'], ['match', '--bank', bank, '--radius', 'x'], ['match', '--bank', bank, '--radius', '300'], ['match', '--bank', join(dir, 'missing.txt')]]) {
      const io = captureIo('');
      expect(await main(args, io)).toBe(2);
    }
  });

  it('runs as the disrupt command', async () => {
    const queries = file('q2.txt', `${B}\n`);
    const { stdout } = await execFileAsync(process.execPath, [join(REPO_ROOT, 'packages/cli/bin/disrupt.js'), 'match', '--bank', bank, queries]);
    expect(stdout).toBe('1 3 0\n');
  });
});
