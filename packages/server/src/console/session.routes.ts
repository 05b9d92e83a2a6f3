// Signing in to the console and enrolling: the only public console routes,
// and the signed-in user's own session (sign out, who am I).

import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { ConsoleConfig } from '../config.ts';
import { USER_ROLES } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { access } from '../http/access.ts';
import type { App } from '../http/app.ts';
import { type AccountService, SESSION_ABSOLUTE_HOURS } from './account.service.ts';
import { ANY_STAFF, SESSION_COOKIE, signedIn } from './console-access.ts';
import type { ReviewService } from './review.service.ts';

export interface SessionRouteDeps {
  readonly accounts: AccountService;
  readonly review: ReviewService;
  /** When the console suggests a break (DISRUPT_BREAK_AFTER_*). */
  readonly settings: ConsoleConfig;
}

export const userView = z.object({ id: z.string(), email: z.string(), role: z.enum(USER_ROLES) });

const LOGIN_LIMIT = 20;
const LOGIN_WINDOW_MS = 10 * 60_000;

export function sessionRoutes({ accounts, review, settings }: SessionRouteDeps) {
  const attempts = new Map<string, { count: number; since: number }>();
  const throttle = (client: string) => {
    const now = Date.now();
    for (const [k, v] of attempts) if (now - v.since > LOGIN_WINDOW_MS) attempts.delete(k);
    const entry = attempts.get(client) ?? { count: 0, since: now };
    entry.count++;
    attempts.set(client, entry);
    if (entry.count > LOGIN_LIMIT) throw new AppError('too_many_requests', undefined, { retryAfterSeconds: Math.ceil((entry.since + LOGIN_WINDOW_MS - now) / 1000) });
  };

  const setSessionCookie = (reply: FastifyReply, value: string, maxAge: number) =>
    reply.setCookie(SESSION_COOKIE, value, { httpOnly: true, secure: true, sameSite: 'strict', path: '/api/console', maxAge });

  return (app: App): Promise<void> => {
    app.post(
      '/api/console/login',
      {
        config: { access: access.public },
        schema: {
          tags: ['console'],
          summary: 'Sign in with password and TOTP code',
          body: z.object({ email: z.string().max(254), password: z.string().max(500), code: z.string().max(10) }).strict(),
          response: { 200: z.object({ user: userView, csrfToken: z.string() }) },
        },
      },
      async (request, reply) => {
        throttle(request.ip);
        const result = await accounts.login(request.body.email, request.body.password, request.body.code);
        if (!result) throw new AppError('unauthorized', 'email, password or code not recognised');
        setSessionCookie(reply, result.sessionId, SESSION_ABSOLUTE_HOURS * 3600);
        return reply.header('cache-control', 'no-store').send(result.session);
      },
    );

    app.post(
      '/api/console/enrol/start',
      {
        config: { access: access.public },
        schema: {
          tags: ['console'],
          summary: 'Start enrolment from a one-time link: a TOTP secret for the authenticator app',
          body: z.object({ token: z.string().max(100) }).strict(),
          response: { 200: z.object({ otpauthUrl: z.string(), secret: z.string() }) },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send(await accounts.startEnrolment(request.body.token)),
    );

    app.post(
      '/api/console/enrol/finish',
      {
        config: { access: access.public },
        schema: {
          tags: ['console'],
          summary: 'Finish enrolment: a password and a first TOTP code',
          body: z.object({ token: z.string().max(100), password: z.string().max(500), code: z.string().max(10) }).strict(),
        },
      },
      async (request, reply) => {
        await accounts.finishEnrolment(request.body.token, request.body.password, request.body.code);
        return reply.code(204).send();
      },
    );

    app.post('/api/console/logout', { config: { access: ANY_STAFF }, schema: { tags: ['console'], summary: 'Sign out' } }, async (request, reply) => {
      const sessionId = request.cookies[SESSION_COOKIE];
      if (sessionId) await accounts.logout(sessionId);
      setSessionCookie(reply, '', 0);
      return reply.code(204).send();
    });

    app.get(
      '/api/console/me',
      {
        config: { access: ANY_STAFF },
        schema: {
          tags: ['console'],
          summary: "The signed-in user, and the break settings: the console suggests a pause after breakAfterReveals reveals a day (revealsToday so far) or breakAfterMinutes of review",
          response: {
            200: z.object({
              user: userView,
              csrfToken: z.string(),
              settings: z.object({ breakAfterReveals: z.number().int(), breakAfterMinutes: z.number().int(), revealsToday: z.number().int() }),
            }),
          },
        },
      },
      async (request, reply) => {
        const { user, csrfToken } = signedIn(request);
        const revealsToday = await review.revealsToday(user.id);
        return reply.header('cache-control', 'no-store').send({ user, csrfToken, settings: { ...settings, revealsToday } });
      },
    );
    return Promise.resolve();
  };
}
