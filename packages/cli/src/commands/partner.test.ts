import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PartnerService, loadConfig, openStorage } from '@disrupt/server';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main.ts';
import { captureIo } from '../test-io.ts';

const dir = mkdtempSync(join(tmpdir(), 'disrupt-partner-cli-'));
const data = join(dir, 'data');
// The commands use the embedded database in --data, whatever the test environment says.
delete process.env.DATABASE_URL;
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function run(...args: string[]) {
  const io = captureIo();
  const code = await main(['partner', ...args, '--data', data], io);
  return { code, out: io.out(), err: io.err() };
}

/** Checks keys against the same database, as the server does on each request. */
async function withPartners<T>(work: (partners: PartnerService) => Promise<T>): Promise<T> {
  const config = loadConfig({ DISRUPT_DATA_DIR: data, LOG_LEVEL: 'silent' });
  if (!config.ok) throw new Error(config.errors.join('; '));
  const storage = await openStorage(config.config, 'test');
  try {
    return await work(new PartnerService(storage.database));
  } finally {
    await storage.close();
  }
}

describe('disrupt partner', () => {
  it('creates a partner with keys printed once, lists, rotates and revokes it', async () => {
    const created = await run('create', 'Example Platform', '--json');
    expect(created.code).toBe(0);
    const credentials = JSON.parse(created.out) as { name: string; apiKey: string; stopncii: { subscriptionKey: string; functionKeys: Record<string, string> } };
    expect(Object.keys(credentials)).toEqual(['name', 'apiKey', 'stopncii']);
    expect(credentials.name).toBe('Example Platform');
    expect(Object.keys(credentials.stopncii)).toEqual(['subscriptionKey', 'functionKeys']);
    expect(Object.keys(credentials.stopncii.functionKeys)).toEqual(['FetchHashes', 'SubmitHashes', 'SubmitFeedback']);
    const caller = await withPartners((p) => p.authenticateApiKey(credentials.apiKey));
    expect(caller).toMatchObject({ partnerName: 'Example Platform', rateLimitPerMinute: 600 });
    expect([...caller!.scopes].sort()).toEqual(['feed:read', 'feedback:write', 'hashes:write', 'match']);
    expect(await withPartners((p) => p.authenticateStopNcii(credentials.stopncii.subscriptionKey, credentials.stopncii.functionKeys.FetchHashes, 'FetchHashes'))).not.toBeNull();

    const human = await run('create', 'Reader Only', '--scopes', 'feed:read', '--rate', '60');
    expect(human.code).toBe(0);
    expect(human.out).toContain('shown once');
    expect((await run('create', 'Example Platform')).code).toBe(1);
    expect((await run('create', '../bad name!')).code).toBe(1);

    const listed = await run('list', '--json');
    const partners = listed.out.trim().split('\n').map((l) => JSON.parse(l) as { name: string; rateLimitPerMinute: number; keys: { prefix: string }[] });
    expect(partners.map((p) => p.name)).toEqual(['Example Platform', 'Reader Only']);
    expect(partners[1]!.rateLimitPerMinute).toBe(60);
    expect(listed.out).not.toContain(credentials.apiKey);
    expect((await run('list')).out).toContain('Reader Only\tactive\t60/min');

    const rotated = await run('rotate', 'Example Platform', '--json');
    expect(rotated.code).toBe(0);
    const fresh = JSON.parse(rotated.out) as { apiKey: string };
    expect(await withPartners((p) => p.authenticateApiKey(credentials.apiKey))).toBeNull();
    expect(await withPartners((p) => p.authenticateApiKey(fresh.apiKey))).not.toBeNull();

    expect((await run('revoke', 'Example Platform')).out).toBe('revoked Example Platform\n');
    expect(await withPartners((p) => p.authenticateApiKey(fresh.apiKey))).toBeNull();
    expect((await run('rotate', 'Example Platform')).code).toBe(1);
    expect((await run('revoke', 'Nobody')).code).toBe(1);
    expect((await run('frobnicate')).code).toBe(2);
    expect((await run('create', 'X', '--scopes', 'everything')).code).toBe(2);
    expect((await run('list', 'extra')).code).toBe(2);
  });
});
