import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults to the embedded database in ./data, all roles, localhost:8080', () => {
    const result = loadConfig({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toMatchObject({ host: '127.0.0.1', port: 8080, roles: ['api', 'worker', 'monitor'], masterKey: null, allowMinorMedia: false });
    expect(result.config.database).toEqual({ kind: 'pglite', dataDir: expect.stringMatching(/\/data$/) as unknown });
  });

  it('uses PostgreSQL when DATABASE_URL is set, and reads every setting', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const result = loadConfig({
      DATABASE_URL: 'postgres://u@db/disrupt',
      PORT: '0',
      DISRUPT_ROLES: 'api, worker',
      DISRUPT_MASTER_KEY: key,
      DISRUPT_ALLOW_MINOR_MEDIA: 'true',
      DISRUPT_TRUST_PROXY: '1',
      LOG_LEVEL: 'warn',
    });
    expect(result.ok && result.config).toMatchObject({ database: { kind: 'postgres', url: 'postgres://u@db/disrupt' }, port: 0, roles: ['api', 'worker'], allowMinorMedia: true, trustProxy: true, logLevel: 'warn' });
    expect(result.ok && result.config.masterKey?.length).toBe(32);
  });

  it('lists every bad variable at once, naming it and not echoing its value', () => {
    const result = loadConfig({ DATABASE_URL: 'mysql://secret-pw@x', PORT: '99999', DISRUPT_ROLES: 'api,cook', DISRUPT_MASTER_KEY: 'c2hvcnQ=', DISRUPT_ALLOW_MINOR_MEDIA: 'yes', LOG_LEVEL: 'loud' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = result.errors.join('\n');
    for (const name of ['DATABASE_URL', 'PORT', 'DISRUPT_ROLES', 'DISRUPT_MASTER_KEY', 'DISRUPT_ALLOW_MINOR_MEDIA', 'LOG_LEVEL']) expect(text).toContain(name);
    expect(text).not.toContain('secret-pw');
  });
});
