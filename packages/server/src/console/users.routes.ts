// Console accounts (admins): invite, change a role, disable, renew a link.

import { z } from 'zod';
import { USER_ROLES } from '../db/schema.ts';
import type { App } from '../http/app.ts';
import type { AccountService } from './account.service.ts';
import { ADMINS, signedIn } from './console-access.ts';

export function userRoutes(accounts: AccountService) {
  return (app: App): Promise<void> => {
    app.get(
      '/api/console/users',
      {
        config: { access: ADMINS },
        schema: {
          tags: ['console'],
          summary: 'Accounts',
          response: {
            200: z.object({
              users: z.array(
                z.object({
                  id: z.string(),
                  email: z.string(),
                  role: z.enum(USER_ROLES),
                  enrolled: z.boolean(),
                  disabled: z.boolean(),
                  enrolmentExpiresAt: z.string().nullable().describe('For an account not enrolled: when its newest enrolment link expires (past: the invitation lapsed)'),
                }),
              ),
            }),
          },
        },
      },
      async () => ({ users: await accounts.listUsers() }),
    );

    app.post(
      '/api/console/users',
      {
        config: { access: ADMINS },
        schema: {
          tags: ['console'],
          summary: 'Invite a user: returns a one-time enrolment token',
          body: z.object({ email: z.email().max(254), role: z.enum(USER_ROLES) }).strict(),
          response: { 201: z.object({ userId: z.string(), enrolmentToken: z.string() }) },
        },
      },
      async (request, reply) => {
        const created = await accounts.createUser(request.body.email, request.body.role, `user:${signedIn(request).user.id}`);
        return reply.code(201).header('cache-control', 'no-store').send(created);
      },
    );

    app.patch(
      '/api/console/users/:id',
      {
        config: { access: ADMINS },
        schema: {
          tags: ['console'],
          summary: 'Change a role, or disable an account (its sessions end at once)',
          params: z.object({ id: z.uuid() }),
          body: z.object({ role: z.enum(USER_ROLES).optional(), disabled: z.boolean().optional() }).strict(),
        },
      },
      async (request, reply) => {
        const { role, disabled } = request.body;
        await accounts.updateUser(request.params.id, { ...(role ? { role } : {}), ...(disabled === undefined ? {} : { disabled }) }, `user:${signedIn(request).user.id}`);
        return reply.code(204).send();
      },
    );

    app.post(
      '/api/console/users/:id/enrolment',
      {
        config: { access: ADMINS },
        schema: {
          tags: ['console'],
          summary: 'A new one-time enrolment link: renews a lapsed invitation, or resets access (password and authenticator removed, sessions ended, earlier links void)',
          params: z.object({ id: z.uuid() }),
          response: { 201: z.object({ userId: z.string(), enrolmentToken: z.string() }) },
        },
      },
      async (request, reply) => {
        const { userId, enrolmentToken } = await accounts.renewEnrolment({ userId: request.params.id }, `user:${signedIn(request).user.id}`);
        return reply.code(201).header('cache-control', 'no-store').send({ userId, enrolmentToken });
      },
    );
    return Promise.resolve();
  };
}
