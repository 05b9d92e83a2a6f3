// Killing the server with SIGKILL in the middle of a batch loses nothing that
// was acknowledged and leaves no half-written item: a batch is one
// transaction, and the embedded database recovers from its write-ahead log.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../test/reference.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'disrupt-crash-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'packages/cli/bin/disrupt.js'), 'serve', '--port', '0', '--data', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'info' },
  });
  children.push(child);
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error('server did not start'));
    }, 30_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; address?: string };
      if (entry.msg === 'disrupt listening' && entry.address) {
        clearTimeout(timer);
        resolve(entry.address);
      }
    });
    child.once('exit', () => {
      reject(new Error('server exited'));
    });
  });
  return { child, base };
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

const json = (body: unknown, token?: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
});
const batch = (from: number) => ({ items: Array.from({ length: 200 }, (_, i) => ({ type: 'url', url: `https://crash.example/${from + i}` })) });

describe('SIGKILL in the middle of a batch', () => {
  it('keeps every acknowledged batch whole and no partial batch', async () => {
    let { child, base } = await start();
    const opened = (await (await fetch(`${base}/api/victim/cases`, { ...json({ situation: 'online', ageGroup: 'adult', aiGenerated: 'no', language: 'en' }), headers: { 'content-type': 'application/json', 'idempotency-key': 'crash-test-1' } })).json()) as { caseNumber: string; secret: string; token: string };
    const acked = await fetch(`${base}/api/victim/case/items`, json(batch(0), opened.token));
    expect(acked.status).toBe(200);

    for (const delay of [5, 40, 150]) {
      // Send another batch and kill the server while it is (probably) writing it.
      const pending = fetch(`${base}/api/victim/case/items`, json(batch(delay * 1000), opened.token)).catch(() => null);
      await new Promise((resolve) => setTimeout(resolve, delay));
      await kill(child);
      await pending;
      ({ child, base } = await start());
    }

    const session = (await (await fetch(`${base}/api/victim/sessions`, json({ caseNumber: opened.caseNumber, secret: opened.secret }))).json()) as { token: string };
    const view = (await (await fetch(`${base}/api/victim/case?limit=500`, { headers: { authorization: `Bearer ${session.token}` } })).json()) as {
      itemCount: number;
      items: { position: number; url: string; history: unknown[] }[];
    };
    // The acknowledged batch is all there; each later batch is all there or not at all.
    expect(view.itemCount % 200).toBe(0);
    expect(view.itemCount).toBeGreaterThanOrEqual(200);
    expect(view.items.map((i) => i.position)).toEqual(Array.from({ length: Math.min(view.itemCount, 500) }, (_, i) => i + 1));
    expect(view.items.slice(0, 200).map((i) => i.url)).toEqual(batch(0).items.map((i) => i.url));
    expect(view.items.every((i) => i.history.length === 1)).toBe(true);
    await kill(child);
  }, 120_000);
});
