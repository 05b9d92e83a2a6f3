// Admins managing accounts over HTTP, on both back ends: an admin cannot
// disable their own account or change their own role (another admin can),
// so the hotline is never left without an admin by a slip of the mouse — nor
// by two admins disabling each other at once. A new enrolment link renews a
// lapsed invitation or lets back in someone who lost their authenticator.
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { expect, it } from 'vitest';
import { type ConsoleLogin, PASSWORD, as, consoleUser, freshCode, totpCode } from '../../test/console.ts';
import { enrolmentTokens, users } from '../db/schema.ts';
import { SESSION_COOKIE } from './console.routes.ts';
import { describeServer } from '../../test/server.ts';

describeServer('console account management', ({ server }) => {
  const inject = (options: InjectOptions) => server().app.inject(options);

  it('refuses to disable or demote oneself, and lets another admin do it', async () => {
    const admin = await consoleUser(server(), 'admin');
    const other = await consoleUser(server(), 'admin');
    const self = (body: object) => inject(as(admin, { method: 'PATCH', url: `/api/console/users/${admin.userId}`, payload: body }));

    const disable = await self({ disabled: true });
    expect(disable.statusCode).toBe(403);
    expect(disable.json()).toMatchObject({ error: { code: 'not_permitted' } });
    expect((await self({ role: 'analyst' })).statusCode).toBe(403);
    // Saying what is already true changes nothing and is allowed.
    expect((await self({ role: 'admin', disabled: false })).statusCode).toBe(204);
    // The session still works: nothing was changed.
    expect((await inject(as(admin, { method: 'GET', url: '/api/console/me' }))).statusCode).toBe(200);
    const listed = (await inject(as(admin, { method: 'GET', url: '/api/console/users' }))).json<{ users: { id: string; role: string; disabled: boolean }[] }>().users;
    expect(listed.find((u) => u.id === admin.userId)).toMatchObject({ role: 'admin', disabled: false });

    const byOther = await inject(as(other, { method: 'PATCH', url: `/api/console/users/${admin.userId}`, payload: { disabled: true } }));
    expect(byOther.statusCode).toBe(204);
    expect((await inject(as(admin, { method: 'GET', url: '/api/console/me' }))).statusCode).toBe(401);
  });
});

describeServer('console enrolment renewal', ({ server }) => {
  const inject = (options: InjectOptions) => server().app.inject(options);
  type Listed = { id: string; enrolled: boolean; disabled: boolean; enrolmentExpiresAt: string | null };
  const listed = async (admin: ConsoleLogin, userId: string) =>
    (await inject(as(admin, { method: 'GET', url: '/api/console/users' }))).json<{ users: Listed[] }>().users.find((u) => u.id === userId);
  const renew = (admin: ConsoleLogin, userId: string) => inject(as(admin, { method: 'POST', url: `/api/console/users/${userId}/enrolment` }));
  const signIn = async (email: string, password: string, secret: string) =>
    inject({ method: 'POST', url: '/api/console/login', remoteAddress: `10.8.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`, payload: { email, password, code: await freshCode(secret) } });

  it('lets back in someone who lost their authenticator: old password, sessions and links stop working, the new link enrols', async () => {
    const admin = await consoleUser(server(), 'admin');
    const lost = await consoleUser(server(), 'analyst');
    expect(await listed(admin, lost.userId)).toMatchObject({ enrolled: true, enrolmentExpiresAt: null });

    const first = await renew(admin, lost.userId);
    expect(first.statusCode).toBe(201);
    expect(first.headers['cache-control']).toBe('no-store');
    const second = await renew(admin, lost.userId);
    const token = second.json<{ enrolmentToken: string }>().enrolmentToken;

    // The session ended, the old password and authenticator no longer sign in.
    expect((await inject(as(lost, { method: 'GET', url: '/api/console/me' }))).statusCode).toBe(401);
    expect((await signIn(lost.email, PASSWORD, lost.secret)).statusCode).toBe(401);
    // Only the newest link works.
    expect((await inject({ method: 'POST', url: '/api/console/enrol/start', payload: { token: first.json<{ enrolmentToken: string }>().enrolmentToken } })).statusCode).toBe(404);
    const entry = await listed(admin, lost.userId);
    expect(entry).toMatchObject({ enrolled: false, disabled: false });
    const expires = Date.parse(entry!.enrolmentExpiresAt!) - Date.now();
    expect(expires).toBeGreaterThan(23 * 3_600_000);
    expect(expires).toBeLessThanOrEqual(24 * 3_600_000);

    const start = await inject({ method: 'POST', url: '/api/console/enrol/start', payload: { token } });
    expect(start.statusCode).toBe(200);
    const { secret } = start.json<{ secret: string }>();
    expect(secret).not.toBe(lost.secret);
    const newPassword = 'a brand new passphrase';
    expect((await inject({ method: 'POST', url: '/api/console/enrol/finish', payload: { token, password: newPassword, code: await freshCode(secret) } })).statusCode).toBe(204);
    expect((await signIn(lost.email, newPassword, secret)).statusCode).toBe(200);
    expect(await listed(admin, lost.userId)).toMatchObject({ enrolled: true, enrolmentExpiresAt: null });

    // Audited, without the link.
    const audit = (await inject(as(admin, { method: 'GET', url: '/api/console/audit?limit=50' }))).body;
    expect(audit).toContain('user.enrolment_renewed');
    expect(audit).not.toContain(token);
    // The enrolment names who made the link: a reset-and-enrol by someone else shows.
    expect(audit).toContain(`"linkFrom":"user:${admin.userId}"`);
  });

  it('spends a link once, even when it is sent twice at the same moment', async () => {
    const { enrolmentToken } = await server().accounts.createUser(`twice-${Math.random().toString(36).slice(2)}@hotline.example`, 'analyst', 'system');
    const { secret } = (await inject({ method: 'POST', url: '/api/console/enrol/start', payload: { token: enrolmentToken } })).json<{ secret: string }>();
    const finish = (password: string) => inject({ method: 'POST', url: '/api/console/enrol/finish', payload: { token: enrolmentToken, password, code: totpCode(secret) } });
    const answers = await Promise.all([finish('first passphrase here'), finish('second passphrase here')]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([204, 404]);
  });

  it('renews an invitation that lapsed before it was used', async () => {
    const admin = await consoleUser(server(), 'admin');
    const { userId, enrolmentToken } = await server().accounts.createUser(`late-${Math.random().toString(36).slice(2)}@hotline.example`, 'supervisor', 'system');
    expect(Date.parse((await listed(admin, userId))!.enrolmentExpiresAt!)).toBeGreaterThan(Date.now());
    // A day and more goes by.
    await server().database.db.update(enrolmentTokens).set({ expiresAt: new Date(Date.now() - 60_000) }).where(eq(enrolmentTokens.userId, userId));
    expect(Date.parse((await listed(admin, userId))!.enrolmentExpiresAt!)).toBeLessThan(Date.now());
    expect((await inject({ method: 'POST', url: '/api/console/enrol/start', payload: { token: enrolmentToken } })).statusCode).toBe(404);

    const renewed = await renew(admin, userId);
    expect(renewed.statusCode).toBe(201);
    expect((await inject({ method: 'POST', url: '/api/console/enrol/start', payload: { token: renewed.json<{ enrolmentToken: string }>().enrolmentToken } })).statusCode).toBe(200);
    expect(Date.parse((await listed(admin, userId))!.enrolmentExpiresAt!)).toBeGreaterThan(Date.now());
  });

  it('refuses one\'s own account, a disabled one, an unknown one and a malformed id', async () => {
    const admin = await consoleUser(server(), 'admin');
    const own = await renew(admin, admin.userId);
    expect(own.statusCode).toBe(403);
    expect((await inject(as(admin, { method: 'GET', url: '/api/console/me' }))).statusCode).toBe(200);

    const gone = await consoleUser(server(), 'analyst');
    expect((await inject(as(admin, { method: 'PATCH', url: `/api/console/users/${gone.userId}`, payload: { disabled: true } }))).statusCode).toBe(204);
    const disabled = await renew(admin, gone.userId);
    expect(disabled.statusCode).toBe(409);
    expect(disabled.json()).toMatchObject({ error: { code: 'conflict' } });

    expect((await renew(admin, randomUUID())).statusCode).toBe(404);
    expect((await renew(admin, 'not-a-uuid')).statusCode).toBe(400);
    // Without the CSRF header, nothing happens.
    const target = await consoleUser(server(), 'analyst');
    const forged = await inject({ method: 'POST', url: `/api/console/users/${target.userId}/enrolment`, cookies: { [SESSION_COOKIE]: admin.cookie } });
    expect(forged.statusCode).toBe(403);
    expect((await inject(as(target, { method: 'GET', url: '/api/console/me' }))).statusCode).toBe(200);
  });
});

describeServer('console keeps an admin', ({ server }) => {
  const inject = (options: InjectOptions) => server().app.inject(options);
  /** Disables every other enabled admin (earlier tests and first start made some). */
  const onlyAdmins = async (...keep: string[]) => {
    const admins = await server().database.db.select({ id: users.id }).from(users).where(and(eq(users.role, 'admin'), isNull(users.disabledAt)));
    for (const { id } of admins) if (!keep.includes(id)) await server().accounts.updateUser(id, { disabled: true }, 'operator:test');
  };

  it('never leaves the hotline without an enabled admin, even when two admins disable each other at once', async () => {
    const a = await consoleUser(server(), 'admin');
    const b = await consoleUser(server(), 'admin');
    await onlyAdmins(a.userId, b.userId);
    const [byA, byB] = await Promise.all([
      inject(as(a, { method: 'PATCH', url: `/api/console/users/${b.userId}`, payload: { disabled: true } })),
      inject(as(b, { method: 'PATCH', url: `/api/console/users/${a.userId}`, payload: { disabled: true } })),
    ]);
    const rows = await server().database.db.select({ id: users.id, disabledAt: users.disabledAt }).from(users).where(inArray(users.id, [a.userId, b.userId]));
    expect(rows.filter((row) => row.disabledAt === null)).toHaveLength(1);
    // One won; the other was refused as the last admin, or found its own session ended.
    const statuses = [byA.statusCode, byB.statusCode].sort();
    expect([[204, 409], [204, 401]]).toContainEqual(statuses);
  });

  it('never leaves the hotline without an admin who can sign in, even when two admins reset each other at once', async () => {
    const a = await consoleUser(server(), 'admin');
    const b = await consoleUser(server(), 'admin');
    await onlyAdmins(a.userId, b.userId);
    const [byA, byB] = await Promise.all([
      inject(as(a, { method: 'POST', url: `/api/console/users/${b.userId}/enrolment` })),
      inject(as(b, { method: 'POST', url: `/api/console/users/${a.userId}/enrolment` })),
    ]);
    const rows = await server().database.db.select({ enrolled: users.enrolled }).from(users).where(inArray(users.id, [a.userId, b.userId]));
    expect(rows.filter((row) => row.enrolled)).toHaveLength(1);
    expect([[201, 409], [201, 401]]).toContainEqual([byA.statusCode, byB.statusCode].sort());
    // The command line still can: it is how a hotline gets back in.
    const survivor = byA.statusCode === 201 ? a : b;
    await expect(server().accounts.renewEnrolment({ userId: survivor.userId }, 'operator:cli')).resolves.toMatchObject({ userId: survivor.userId });
  });

  it('refuses to disable or demote the last enabled admin, whoever asks', async () => {
    const keeper = await consoleUser(server(), 'admin');
    await onlyAdmins(keeper.userId);
    await expect(server().accounts.updateUser(keeper.userId, { disabled: true }, 'operator:test')).rejects.toMatchObject({ code: 'conflict' });
    await expect(server().accounts.updateUser(keeper.userId, { role: 'supervisor' }, 'operator:test')).rejects.toMatchObject({ code: 'conflict' });
    expect((await inject(as(keeper, { method: 'GET', url: '/api/console/me' }))).json()).toMatchObject({ user: { role: 'admin' } });
    // With a second admin, the first may go.
    const second = await consoleUser(server(), 'admin');
    await server().accounts.updateUser(keeper.userId, { role: 'supervisor' }, `user:${second.userId}`);
    expect((await inject(as(keeper, { method: 'GET', url: '/api/console/me' }))).json()).toMatchObject({ user: { role: 'supervisor' } });
  });
});
