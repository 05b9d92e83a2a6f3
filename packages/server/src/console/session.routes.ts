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
import type { ClientBudgets } from '../throttle/client-budgets.ts';
import { signInPaused } from '../throttle/sign-in-guard.ts';

export interface SessionRouteDeps {
  readonly accounts: AccountService;
  readonly review: ReviewService;
  /** When the console suggests a break (DISRUPT_BREAK_AFTER_*). */
  readonly settings: ConsoleConfig;
  /** The per-client sign-in budget. */
  readonly budgets: ClientBudgets;
}

export const userView = z.object({ id: z.string(), email: z.string(), role: z.enum(USER_ROLES) });

export function sessionRoutes({ accounts, review, settings, budgets }: SessionRouteDeps) {
  const setSessionCookie = (reply: FastifyReply, value: string, maxAge: number) =>
    reply.setCookie(SESSION_COOKIE, value, { httpOnly: true, secure: true, sameSite: 'strict', path: '/api/console', maxAge });

  return (app: App): Promise<void> => {
    app.post(
      '/api/console/login',
      {
        config: { access: access.public },
        onRequest: budgets.signIn('console'),
        schema: {
          tags: ['console'],
          summary: 'Sign in with password and TOTP code',
          description:
            'Each TOTP code signs in once. After too many failures for one address (existing or not), sign-in for it is paused: 429 sign_in_paused with Retry-After, unchecked, until the time the message gives. Too many attempts from one client: 429 too_many_requests.',
          body: z.object({ email: z.string().max(254), password: z.string().max(500), code: z.string().max(10) }).strict(),
          response: { 200: z.object({ user: userView, csrfToken: z.string() }) },
        },
      },
      async (request, reply) => {
        const result = await accounts.login(request.body.email, request.body.password, request.body.code);
        if (!result.ok) throw result.reason === 'paused' ? signInPaused('console', result.pausedUntil) : new AppError('unauthorized', 'email, password or code not recognised');
        await budgets.signInSucceeded(request);
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
