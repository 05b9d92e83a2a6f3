import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountService, loadConfig, loadMasterKey, openStorage } from '@disrupt/server';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main.ts';
import { captureIo } from '../test-io.ts';

const data = mkdtempSync(join(tmpdir(), 'disrupt-admin-cli-'));
delete process.env.DATABASE_URL;
afterAll(() => {
  rmSync(data, { recursive: true, force: true });
});

describe('disrupt admin create', () => {
  it('creates an account and prints a one-time enrolment link that works', async () => {
    const io = captureIo();
    expect(await main(['admin', 'create', 'Chief@Hotline.example', '--data', data], io)).toBe(0);
    const token = /\/console\/enrol#([A-Za-z0-9_-]+)/.exec(io.out())?.[1];
    expect(token).toBeDefined();
    expect(io.out()).toContain('chief@hotline.example (admin)');

    const config = loadConfig({ DISRUPT_DATA_DIR: data, LOG_LEVEL: 'silent' });
    if (!config.ok) throw new Error('config');
    const storage = await openStorage(config.config, 'test');
    try {
      const accounts = new AccountService({ database: storage.database, masterKey: loadMasterKey(config.config) });
      expect((await accounts.startEnrolment(token!)).otpauthUrl).toMatch(/^otpauth:\/\/totp\/Disrupt:chief%40hotline\.example/);
    } finally {
      await storage.close();
    }
  });

  it('refuses a second account with the same email, and bad arguments', async () => {
    const io = captureIo();
    expect(await main(['admin', 'create', 'chief@hotline.example', '--data', data], io)).toBe(1);
    expect(io.err()).toContain('exists');
    expect(await main(['admin', 'create', 'not-an-email', '--data', data], captureIo())).toBe(2);
    expect(await main(['admin', 'create', 'a@b.example', '--role', 'king', '--data', data], captureIo())).toBe(2);
  });
});

describe('disrupt admin reset', () => {
  it('prints a new link that works, and voids the earlier one', async () => {
    const created = captureIo();
    expect(await main(['admin', 'create', 'lost@hotline.example', '--role', 'analyst', '--data', data], created)).toBe(0);
    const first = /\/console\/enrol#([A-Za-z0-9_-]+)/.exec(created.out())![1]!;
    const io = captureIo();
    expect(await main(['admin', 'reset', 'Lost@Hotline.example', '--data', data], io)).toBe(0);
    expect(io.out()).toContain('New enrolment link for lost@hotline.example');
    const second = /\/console\/enrol#([A-Za-z0-9_-]+)/.exec(io.out())![1]!;
    expect(second).not.toBe(first);

    const config = loadConfig({ DISRUPT_DATA_DIR: data, LOG_LEVEL: 'silent' });
    if (!config.ok) throw new Error('config');
    const storage = await openStorage(config.config, 'test');
    try {
      const accounts = new AccountService({ database: storage.database, masterKey: loadMasterKey(config.config) });
      await expect(accounts.startEnrolment(first)).rejects.toMatchObject({ code: 'not_found' });
      expect((await accounts.startEnrolment(second)).otpauthUrl).toMatch(/^otpauth:\/\/totp\/Disrupt:lost%40hotline\.example/);
    } finally {
      await storage.close();
    }
  });

  it('says so when there is no such account', async () => {
    const io = captureIo();
    expect(await main(['admin', 'reset', 'nobody@hotline.example', '--data', data], io)).toBe(1);
    expect(io.err()).toContain('no such account');
    expect(await main(['admin', 'reset', '--data', data], captureIo())).toBe(2);
  });
});
