// Admins managing accounts over HTTP, on both back ends: an admin cannot
// disable their own account or change their own role (another admin can),
// so the hotline is never left without an admin by a slip of the mouse.
import type { InjectOptions } from 'fastify';
import { expect, it } from 'vitest';
import { as, consoleUser } from '../../test/console.ts';
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
