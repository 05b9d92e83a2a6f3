// The per-target guard on real storage (PGlite, and PostgreSQL when
// TEST_DATABASE_URL is set): concurrent attempts take one number each, the
// pause starts at the limit and grows after it, failures are forgotten, and
// the table never holds the targets themselves.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { describeStorage } from '../../test/databases.ts';
import { randomKey } from '../crypto/envelope.ts';
import { queryRows } from '../db/database.ts';
import { DEFAULT_SIGN_IN_POLICY, FORGET_AFTER_MS, SignInGuard, pauseMs, signInPaused } from './sign-in-guard.ts';

describe('the pause rule', () => {
  it('pauses at the limit, doubles for each failure after it, up to four times the first pause', () => {
    const policy = { failures: 10, pauseMinutes: 15 };
    expect(pauseMs(policy, 9)).toBeNull();
    expect([10, 11, 12, 13, 50].map((n) => pauseMs(policy, n)! / 60_000)).toEqual([15, 30, 60, 60, 60]);
  });

  it('answers with the time the pause ends and Retry-After', () => {
    const error = signInPaused('console', new Date('2026-03-01T10:15:00Z'), new Date('2026-03-01T10:00:00Z'));
    expect(error).toMatchObject({ code: 'sign_in_paused', status: 429, retryAfterSeconds: 900 });
    expect(error.message).toContain('2026-03-01T10:15:00.000Z');
  });
});

describeStorage('sign-in guard', ({ database }) => {
  const clockAt = (start: number) => {
    const clock = { now: start };
    return { clock, guard: new SignInGuard({ database: database(), masterKey: randomKey(), now: () => new Date(clock.now) }) };
  };

  it('gives 50 concurrent attempts one number each: the first 10 go on to be checked, the 10th pauses, 40 are paused', async () => {
    const { guard } = clockAt(Date.now());
    const attempts = await Promise.all(Array.from({ length: 50 }, () => guard.begin('console', 'someone@hotline.example')));
    const checked = attempts.filter((a) => a.ok);
    expect(checked.map((a) => a.failures).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const reaching = checked.filter((a) => a.pausedIfFails !== null);
    expect(reaching.map((a) => a.failures)).toEqual([10]);
    const paused = attempts.filter((a) => !a.ok);
    expect(paused).toHaveLength(40);
    for (const a of paused) expect(a.pausedUntil).toEqual(reaching[0]!.pausedIfFails);
  });

  it('lets the attempt after a pause through, and pauses twice as long if it fails too', async () => {
    const start = Date.parse('2026-03-01T10:00:00Z');
    const { clock, guard } = clockAt(start);
    for (let i = 0; i < 10; i++) await guard.begin('victim', 'DSR-AAAA-AAAA');
    expect(await guard.begin('victim', 'DSR-AAAA-AAAA')).toEqual({ ok: false, pausedUntil: new Date(start + 15 * 60_000) });
    clock.now = start + 15 * 60_000;
    expect(await guard.begin('victim', 'DSR-AAAA-AAAA')).toMatchObject({ ok: true, failures: 11, pausedIfFails: new Date(clock.now + 30 * 60_000) });
  });

  it('forgives a target whose attempt succeeded, and forgets failures a day after the last', async () => {
    const start = Date.parse('2026-03-01T10:00:00Z');
    const { clock, guard } = clockAt(start);
    for (let i = 0; i < 9; i++) await guard.begin('victim', 'DSR-BBBB-BBBB');
    const tenth = await guard.begin('victim', 'DSR-BBBB-BBBB');
    if (!tenth.ok) throw new Error('expected an attempt');
    await guard.succeeded(tenth);
    expect(await guard.begin('victim', 'DSR-BBBB-BBBB')).toMatchObject({ ok: true, failures: 1 });

    for (let i = 0; i < 8; i++) await guard.begin('victim', 'DSR-CCCC-CCCC');
    clock.now = start + FORGET_AFTER_MS + 4 * DEFAULT_SIGN_IN_POLICY.pauseMinutes * 60_000;
    expect(await guard.begin('victim', 'DSR-CCCC-CCCC')).toMatchObject({ ok: true, failures: 1 });
    clock.now += FORGET_AFTER_MS * 2;
    expect(await guard.prune()).toBeGreaterThanOrEqual(2);
  });

  it('keeps doors apart, lifts a pause on request, and stores no address or number', async () => {
    const { guard } = clockAt(Date.now());
    for (let i = 0; i < 10; i++) await guard.begin('console', 'paused@hotline.example');
    expect(await guard.begin('console', 'paused@hotline.example')).toMatchObject({ ok: false });
    expect(await guard.begin('victim', 'paused@hotline.example')).toMatchObject({ ok: true, failures: 1 });
    await guard.forget('console', 'paused@hotline.example');
    expect(await guard.begin('console', 'paused@hotline.example')).toMatchObject({ ok: true, failures: 1 });
    const dump = JSON.stringify(await queryRows(database().db, sql`select * from sign_in_guards`));
    expect(dump).not.toContain('paused@hotline.example');
    expect(dump).not.toContain('DSR-');
  });
});
