import { isAbsolute } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Config, DEFAULT_HELPLINES, EXIT_BAD_CONFIG, type ExitIo, loadConfig, loadConfigOrExit } from './config.ts';

function ok(env: Record<string, string | undefined>): Config {
  const result = loadConfig(env);
  if (!result.ok) throw new Error(`expected a valid configuration: ${result.errors.join('; ')}`);
  return result.config;
}

function errors(env: Record<string, string | undefined>): readonly string[] {
  const result = loadConfig(env);
  if (result.ok) throw new Error('expected an invalid configuration');
  return result.errors;
}

describe('loadConfig', () => {
  it('defaults to the embedded database in ./data, all roles, localhost:8080', () => {
    const config = ok({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      roles: ['api', 'worker', 'monitor'],
      masterKey: null,
      allowMinorMedia: false,
      mediaRetentionDays: 30,
      maxUploadBytes: 100 * 1024 * 1024,
      trustProxy: false,
      logLevel: 'info',
    });
    expect(config.database).toEqual({ kind: 'pglite', dataDir: expect.stringMatching(/\/data$/) as unknown });
    expect(isAbsolute(config.dataDir)).toBe(true);
  });

  it('uses PostgreSQL when DATABASE_URL is set, and reads every setting', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const config = ok({
      DATABASE_URL: 'postgres://u@db/disrupt',
      DISRUPT_DATA_DIR: '/srv/disrupt',
      HOST: '0.0.0.0',
      PORT: '0',
      DISRUPT_ROLES: 'api, worker',
      DISRUPT_MASTER_KEY: key,
      DISRUPT_ALLOW_MINOR_MEDIA: 'true',
      DISRUPT_MEDIA_RETENTION_DAYS: '7',
      DISRUPT_MAX_UPLOAD_BYTES: '2048',
      DISRUPT_TRUST_PROXY: '1',
      LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      database: { kind: 'postgres', url: 'postgres://u@db/disrupt' },
      dataDir: '/srv/disrupt',
      host: '0.0.0.0',
      port: 0,
      roles: ['api', 'worker'],
      allowMinorMedia: true,
      mediaRetentionDays: 7,
      maxUploadBytes: 2048,
      trustProxy: 1,
      logLevel: 'warn',
    });
    expect(config.masterKey).toEqual(new Uint8Array(32).fill(7));
  });

  it('accepts postgresql:// too, and treats empty values as unset', () => {
    expect(ok({ DATABASE_URL: 'postgresql://u:p@db:5433/disrupt?sslmode=require' }).database.kind).toBe('postgres');
    expect(ok({ DATABASE_URL: '', PORT: '', DISRUPT_ROLES: '' })).toMatchObject({ database: { kind: 'pglite' }, port: 8080, roles: ['api', 'worker', 'monitor'] });
  });

  it('reads booleans as true/false/1/0 only', () => {
    expect(ok({ DISRUPT_ALLOW_MINOR_MEDIA: '0' })).toMatchObject({ allowMinorMedia: false });
    for (const bad of ['yes', 'no', 'TRUE', 'on', ' true', '2']) {
      expect(errors({ DISRUPT_ALLOW_MINOR_MEDIA: bad })).toEqual([expect.stringMatching(/^DISRUPT_ALLOW_MINOR_MEDIA: /) as unknown]);
    }
  });

  it('reads the proxies to trust as true/false, a number of hops, or their addresses and CIDR ranges', () => {
    expect(ok({ DISRUPT_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(ok({ DISRUPT_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(ok({ DISRUPT_TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(ok({ DISRUPT_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(ok({ DISRUPT_TRUST_PROXY: '10.0.0.0/8, 192.0.2.7,2001:db8::/32' }).trustProxy).toEqual(['10.0.0.0/8', '192.0.2.7', '2001:db8::/32']);
    for (const bad of ['yes', 'TRUE', 'on', ' true', '-1', '101', '1.5', '10.0.0.0/33', 'proxy.example', '10.0.0.1,', 'loopback']) {
      expect(errors({ DISRUPT_TRUST_PROXY: bad })).toEqual([expect.stringMatching(/^DISRUPT_TRUST_PROXY: /) as unknown]);
    }
  });

  it('reads the sign-in and case-opening limits, and refuses ones that would disable them', () => {
    expect(ok({}).throttle).toEqual({ signInFailures: 10, signInPauseMinutes: 15, signInPerClient: 100, caseOpenPerClient: 20, caseOpenTotal: 1000 });
    expect(
      ok({ DISRUPT_SIGN_IN_FAILURES: '5', DISRUPT_SIGN_IN_PAUSE_MINUTES: '60', DISRUPT_SIGN_IN_PER_CLIENT: '300', DISRUPT_CASE_OPEN_PER_CLIENT: '50', DISRUPT_CASE_OPEN_TOTAL: '5000' }).throttle,
    ).toEqual({ signInFailures: 5, signInPauseMinutes: 60, signInPerClient: 300, caseOpenPerClient: 50, caseOpenTotal: 5000 });
    const list = errors({ DISRUPT_SIGN_IN_FAILURES: '0', DISRUPT_SIGN_IN_PAUSE_MINUTES: '361', DISRUPT_SIGN_IN_PER_CLIENT: 'lots', DISRUPT_CASE_OPEN_PER_CLIENT: '-1', DISRUPT_CASE_OPEN_TOTAL: '0' });
    expect(list.map((line) => line.split(':')[0])).toEqual(['DISRUPT_SIGN_IN_FAILURES', 'DISRUPT_SIGN_IN_PAUSE_MINUTES', 'DISRUPT_SIGN_IN_PER_CLIENT', 'DISRUPT_CASE_OPEN_PER_CLIENT', 'DISRUPT_CASE_OPEN_TOTAL']);
  });

  it('reads integers strictly: no signs, exponents, hex, fractions or spaces', () => {
    for (const bad of ['-1', '1e3', '0x50', '80.5', ' 80', '80 ', 'eighty', '65536']) {
      expect(errors({ PORT: bad })).toEqual([expect.stringMatching(/^PORT: /) as unknown]);
    }
    expect(errors({ DISRUPT_MEDIA_RETENTION_DAYS: '0' })).toEqual([expect.stringMatching(/^DISRUPT_MEDIA_RETENTION_DAYS: /) as unknown]);
    expect(errors({ DISRUPT_MAX_UPLOAD_BYTES: '10' })).toEqual([expect.stringMatching(/^DISRUPT_MAX_UPLOAD_BYTES: /) as unknown]);
  });

  it('reads roles as a comma list, without duplicates; refuses unknown and empty entries', () => {
    expect(ok({ DISRUPT_ROLES: 'worker' }).roles).toEqual(['worker']);
    expect(ok({ DISRUPT_ROLES: 'api,api,monitor' }).roles).toEqual(['api', 'monitor']);
    for (const bad of ['api,cook', 'api,,worker', ' , ', 'API']) expect(errors({ DISRUPT_ROLES: bad })).toHaveLength(1);
  });

  it('wants exactly 32 bytes of canonical base64 for the master key', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    expect(ok({ DISRUPT_MASTER_KEY: key }).masterKey).toHaveLength(32);
    const mangled = `${key.slice(0, 10)}!${key.slice(10)}`; // Buffer.from would silently skip the '!'
    for (const bad of ['c2hvcnQ=', Buffer.alloc(33).toString('base64'), mangled, Buffer.alloc(32).toString('hex')]) {
      expect(errors({ DISRUPT_MASTER_KEY: bad })).toEqual([expect.stringMatching(/^DISRUPT_MASTER_KEY: /) as unknown]);
    }
  });

  it('refuses database URLs that are not PostgreSQL', () => {
    for (const bad of ['mysql://u@db/x', 'db.example:5432', 'postgres://', 'file:///tmp/x']) expect(errors({ DATABASE_URL: bad })).toHaveLength(1);
  });

  it('lists every bad variable at once, naming it and not echoing its value', () => {
    const secretKey = 'not!base64!but!secret!material!!';
    const list = errors({
      DATABASE_URL: 'mysql://admin:hunter2-secret-pw@x',
      HOST: 'two words',
      PORT: '99999',
      DISRUPT_ROLES: 'api,cook',
      DISRUPT_MASTER_KEY: secretKey,
      DISRUPT_ALLOW_MINOR_MEDIA: 'yes',
      DISRUPT_MEDIA_RETENTION_DAYS: '-3',
      DISRUPT_MAX_UPLOAD_BYTES: 'lots',
      DISRUPT_TRUST_PROXY: 'maybe',
      LOG_LEVEL: 'loud',
      DISRUPT_HOTLINE_EMAIL: 'nobody',
      DISRUPT_SMTP_URL: 'smtp://mailer:smtp-pass-word@',
      DISRUPT_FETCH_ALLOW: '127.0.0.1,everything',
    });
    const names = [
      'DATABASE_URL',
      'HOST',
      'PORT',
      'DISRUPT_ROLES',
      'DISRUPT_MASTER_KEY',
      'DISRUPT_ALLOW_MINOR_MEDIA',
      'DISRUPT_MEDIA_RETENTION_DAYS',
      'DISRUPT_MAX_UPLOAD_BYTES',
      'DISRUPT_TRUST_PROXY',
      'LOG_LEVEL',
      'DISRUPT_HOTLINE_EMAIL',
      'DISRUPT_SMTP_URL',
      'DISRUPT_FETCH_ALLOW',
    ];
    expect(list.map((line) => line.split(':')[0])).toEqual(names); // one line each, in a stable order
    const text = list.join('\n');
    for (const value of ['hunter2', 'secret-pw', secretKey, 'two words', '99999', 'cook', 'maybe', 'loud', 'lots', 'smtp-pass-word', 'everything']) expect(text).not.toContain(value);
  });

  it('reads the takedown settings: who signs notices, SMTP, and the ranges the URL checker may reach', () => {
    expect(ok({})).toMatchObject({ hotline: { name: 'Disrupt hotline', email: 'abuse@localhost' }, smtpUrl: null, fetchAllow: [] });
    expect(
      ok({ DISRUPT_HOTLINE_NAME: 'Point de Contact', DISRUPT_HOTLINE_EMAIL: 'notices@pointdecontact.example', DISRUPT_SMTP_URL: 'smtps://u:p@mail.example:465', DISRUPT_FETCH_ALLOW: '127.0.0.1, 10.0.0.0/8' }),
    ).toMatchObject({ hotline: { name: 'Point de Contact', email: 'notices@pointdecontact.example' }, smtpUrl: 'smtps://u:p@mail.example:465', fetchAllow: ['127.0.0.1', '10.0.0.0/8'] });
    for (const bad of ['http://mail.example', 'mail.example:25']) expect(errors({ DISRUPT_SMTP_URL: bad })).toHaveLength(1);
    for (const bad of ['10.0.0.0/40', 'example.com', ',']) expect(errors({ DISRUPT_FETCH_ALLOW: bad })).toHaveLength(1);
  });

  it('anchors the audit log in the data folder unless told where, as an absolute path', () => {
    expect(ok({ DISRUPT_DATA_DIR: '/srv/disrupt' }).auditAnchorDir).toBe('/srv/disrupt/audit-anchors');
    expect(ok({ DISRUPT_DATA_DIR: '/srv/disrupt', DISRUPT_AUDIT_ANCHOR_DIR: '/mnt/worm/disrupt' }).auditAnchorDir).toBe('/mnt/worm/disrupt');
    const relative = ok({ DISRUPT_AUDIT_ANCHOR_DIR: 'anchors' }).auditAnchorDir;
    expect(isAbsolute(relative) && relative.endsWith('/anchors')).toBe(true);
    expect(ok({ DISRUPT_AUDIT_ANCHOR_DIR: '' }).auditAnchorDir).toMatch(/\/data\/audit-anchors$/);
  });

  it('ignores variables it does not own', () => {
    expect(ok({ PATH: '/usr/bin', HOME: '/root', TEST_DATABASE_URL: 'nonsense' }).port).toBe(8080);
  });
});

describe('loadConfigOrExit', () => {
  class Exit extends Error {
    constructor(readonly code: number) {
      super(`exit ${code}`);
    }
  }
  function capture(): { io: ExitIo; stderr: () => string } {
    let text = '';
    return {
      io: {
        stderr: (s) => {
          text += s;
        },
        exit: (code) => {
          throw new Exit(code);
        },
      },
      stderr: () => text,
    };
  }

  it('returns the configuration when it is valid', () => {
    const { io, stderr } = capture();
    expect(loadConfigOrExit({ PORT: '9000' }, io).port).toBe(9000);
    expect(stderr()).toBe('');
  });

  it('prints every problem and exits with EX_CONFIG before anything starts', () => {
    const { io, stderr } = capture();
    let exited: unknown;
    try {
      loadConfigOrExit({ PORT: 'x', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://root:pw-in-url@db' }, io);
    } catch (error) {
      exited = error;
    }
    expect(exited).toBeInstanceOf(Exit);
    expect((exited as Exit).code).toBe(EXIT_BAD_CONFIG);
    expect(stderr()).toMatch(/DATABASE_URL: .*\n.*PORT: .*\n.*LOG_LEVEL: /);
    expect(stderr()).not.toContain('pw-in-url');
  });
});

describe('loadConfig: the victim portal', () => {
  it('defaults to the French helplines (3018 for minors), a neutral exit site and the built portal in packages/web/dist', () => {
    const { portal } = ok({});
    expect(portal.helplines).toBe(DEFAULT_HELPLINES);
    expect(portal.helplines.find((line) => line.phone === '3018')).toMatchObject({ minors: true });
    expect(portal.quickExitUrl).toBe('https://www.wikipedia.org/');
    expect(portal.webDir).toBeNull();
  });

  it('reads the helplines as JSON, the exit URL and the build folder', () => {
    const helplines = [{ name: 'Line', phone: '+44 808 800 5000', url: 'https://line.example/', minors: false, text: { en: 'Help', fr: 'Aide' } }];
    const { portal } = ok({ DISRUPT_HELPLINES: JSON.stringify(helplines), DISRUPT_QUICK_EXIT_URL: 'https://weather.example/today', DISRUPT_WEB_DIR: 'web-build' });
    expect(portal.helplines).toEqual(helplines);
    expect(portal.quickExitUrl).toBe('https://weather.example/today');
    expect(isAbsolute(portal.webDir!)).toBe(true);
  });

  it('refuses helplines that are not a JSON list of lines, and exit URLs that are not http(s)', () => {
    for (const bad of ['not json', '[]', '{"name":"x"}', '[{"phone":"3018"}]', '[{"name":"x","url":"javascript:alert(1)"}]', '[{"name":"x","extra":1}]']) {
      expect(errors({ DISRUPT_HELPLINES: bad })).toEqual([expect.stringMatching(/^DISRUPT_HELPLINES: expected /) as unknown]);
    }
    expect(errors({ DISRUPT_QUICK_EXIT_URL: 'javascript:void(0)' })).toEqual([expect.stringMatching(/^DISRUPT_QUICK_EXIT_URL: expected /) as unknown]);
    expect(errors({ DISRUPT_QUICK_EXIT_URL: 'not a url' })).toHaveLength(1);
  });
});

describe('loadConfig: the console', () => {
  it('suggests a break after 20 reveals or 50 minutes by default, and reads both settings', () => {
    expect(ok({}).console).toEqual({ breakAfterReveals: 20, breakAfterMinutes: 50 });
    expect(ok({ DISRUPT_BREAK_AFTER_REVEALS: '5', DISRUPT_BREAK_AFTER_MINUTES: '30' }).console).toEqual({ breakAfterReveals: 5, breakAfterMinutes: 30 });
  });

  it('refuses break settings that are not whole numbers in range, naming each', () => {
    expect(errors({ DISRUPT_BREAK_AFTER_REVEALS: '0', DISRUPT_BREAK_AFTER_MINUTES: '1e2' })).toEqual([
      expect.stringMatching(/^DISRUPT_BREAK_AFTER_REVEALS: expected /) as unknown,
      expect.stringMatching(/^DISRUPT_BREAK_AFTER_MINUTES: expected /) as unknown,
    ]);
    expect(errors({ DISRUPT_BREAK_AFTER_MINUTES: '1441' })).toHaveLength(1);
  });
});
