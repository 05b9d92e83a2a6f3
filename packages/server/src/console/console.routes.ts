// /api/console/*: the analysts' API. Deny by default: every route declares
// the roles it admits (or `public` for signing in and enrolling), and one
// access function decides for all of them. A signed-in user whose role is not
// admitted gets "not found", exactly as for a route that does not exist.

import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { App } from '../http/app.ts';
import { type AccountService, SESSION_ABSOLUTE_HOURS, type SessionInfo, type UserRole } from './account.service.ts';
import { DECISIONS, NOT_ACTIONABLE_REASONS, USER_ROLES } from '../db/schema.ts';
import type { ReviewService } from './review.service.ts';
import { consoleStats } from './stats.service.ts';
import type { Database } from '../db/database.ts';

export const SESSION_COOKIE = 'disrupt_console';

export type Access = 'public' | readonly UserRole[];

export interface ConsoleRoute {
  readonly method: string;
  readonly url: string;
  readonly access: Access;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    consoleSession?: SessionInfo;
  }
}

const ANY_ROLE: readonly UserRole[] = USER_ROLES;
const REVIEWERS: readonly UserRole[] = ['analyst', 'supervisor'];
const LOGIN_LIMIT = 20;
const LOGIN_WINDOW_MS = 10 * 60_000;

/** The console's routes; `table` lists every route and who may call it (the authorisation matrix test walks it). */
export function consoleRoutes(accounts: AccountService, review: ReviewService, database: Database): { plugin: (app: App) => Promise<void>; table: ConsoleRoute[] } {
  const table: ConsoleRoute[] = [];
  const attempts = new Map<string, { count: number; since: number }>();

  /** The one access decision for every console route. */
  async function authorise(request: FastifyRequest): Promise<void> {
    const access = request.routeOptions.config.access;
    if (access === 'public') return;
    if (!access) throw new AppError('not_found'); // a route that declared nothing admits no one
    const sessionId = request.cookies[SESSION_COOKIE];
    const session = sessionId ? await accounts.session(sessionId) : null;
    if (!session) throw new AppError('unauthorized');
    if (!access.includes(session.user.role)) throw new AppError('not_found');
    if (request.method !== 'GET' && request.headers['x-csrf-token'] !== session.csrfToken) {
      throw new AppError('not_permitted', 'missing or wrong CSRF token');
    }
    request.consoleSession = session;
  }

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

  const userView = z.object({ id: z.string(), email: z.string(), role: z.enum(USER_ROLES) });

  const plugin = async (app: App): Promise<void> => {
    await app.register(cookie);
    app.addHook('onRoute', (route) => {
      if (!route.url.startsWith('/api/console')) return;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) if (method !== 'HEAD') table.push({ method, url: route.url, access: route.config?.access ?? [] });
    });
    app.addHook('onRequest', async (request) => {
      if (request.url.startsWith('/api/console')) await authorise(request);
    });
    const session = (request: FastifyRequest): SessionInfo => {
      if (!request.consoleSession) throw new AppError('unauthorized');
      return request.consoleSession;
    };

    app.post(
      '/api/console/login',
      {
        config: { access: 'public' },
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
        config: { access: 'public' },
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
        config: { access: 'public' },
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

    app.post('/api/console/logout', { config: { access: ANY_ROLE }, schema: { tags: ['console'], summary: 'Sign out' } }, async (request, reply) => {
      const sessionId = request.cookies[SESSION_COOKIE];
      if (sessionId) await accounts.logout(sessionId);
      setSessionCookie(reply, '', 0);
      return reply.code(204).send();
    });

    app.get(
      '/api/console/me',
      { config: { access: ANY_ROLE }, schema: { tags: ['console'], summary: 'The signed-in user', response: { 200: z.object({ user: userView, csrfToken: z.string() }) } } },
      async (request, reply) => reply.header('cache-control', 'no-store').send(session(request)),
    );

    app.get(
      '/api/console/users',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['console'],
          summary: 'Accounts',
          response: { 200: z.object({ users: z.array(z.object({ id: z.string(), email: z.string(), role: z.enum(USER_ROLES), enrolled: z.boolean(), disabled: z.boolean() })) }) },
        },
      },
      async () => ({ users: await accounts.listUsers() }),
    );

    app.post(
      '/api/console/users',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['console'],
          summary: 'Invite a user: returns a one-time enrolment token',
          body: z.object({ email: z.email().max(254), role: z.enum(USER_ROLES) }).strict(),
          response: { 201: z.object({ userId: z.string(), enrolmentToken: z.string() }) },
        },
      },
      async (request, reply) => {
        const created = await accounts.createUser(request.body.email, request.body.role, `user:${session(request).user.id}`);
        return reply.code(201).header('cache-control', 'no-store').send(created);
      },
    );

    app.patch(
      '/api/console/users/:id',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['console'],
          summary: 'Change a role, or disable an account (its sessions end at once)',
          params: z.object({ id: z.uuid() }),
          body: z.object({ role: z.enum(USER_ROLES).optional(), disabled: z.boolean().optional() }).strict(),
        },
      },
      async (request, reply) => {
        const { role, disabled } = request.body;
        await accounts.updateUser(request.params.id, { ...(role ? { role } : {}), ...(disabled === undefined ? {} : { disabled }) }, `user:${session(request).user.id}`);
        return reply.code(204).send();
      },
    );

    const decisionBody = z.object({ decision: z.enum(DECISIONS), aiGenerated: z.boolean().optional(), reason: z.enum(NOT_ACTIONABLE_REASONS).optional() }).strict();

    const queueEntry = z.object({
      itemId: z.string(),
      kind: z.enum(['url', 'photo', 'video']),
      ageGroup: z.enum(['minor', 'adult', 'unsure']),
      host: z.string().nullable(),
      createdAt: z.string(),
      claimedBy: z.string().nullable(),
      claimExpiresAt: z.string().nullable(),
    });

    app.get(
      '/api/console/queue',
      { config: { access: REVIEWERS }, schema: { tags: ['console'], summary: 'Items waiting for review: minors first, then the oldest', response: { 200: z.object({ items: z.array(queueEntry) }) } } },
      async () => ({ items: await review.queue() }),
    );

    app.post(
      '/api/console/queue/claim',
      { config: { access: REVIEWERS }, schema: { tags: ['console'], summary: 'Claim the next item (no two analysts hold one; the claim expires)', response: { 200: z.object({ item: queueEntry.nullable() }) } } },
      async (request) => ({ item: await review.claimNext(session(request).user.id) }),
    );

    app.post(
      '/api/console/items/:id/release',
      { config: { access: REVIEWERS }, schema: { tags: ['console'], summary: 'Release a claimed item', params: z.object({ id: z.uuid() }) } },
      async (request, reply) => {
        await review.release(request.params.id, session(request).user.id);
        return reply.code(204).send();
      },
    );

    app.post(
      '/api/console/items/:id/decision',
      {
        config: { access: REVIEWERS },
        schema: {
          tags: ['console'],
          summary: 'Decide a claimed item',
          params: z.object({ id: z.uuid() }),
          body: decisionBody,
        },
      },
      async (request, reply) => {
        await review.decide(request.params.id, session(request).user.id, request.body);
        return reply.code(204).send();
      },
    );

    app.post(
      '/api/console/items/:id/reverse',
      {
        config: { access: ['supervisor', 'admin'] },
        schema: {
          tags: ['console'],
          summary: 'Reverse a decision (supervisors; audited): the bank follows',
          params: z.object({ id: z.uuid() }),
          body: decisionBody,
        },
      },
      async (request, reply) => {
        await review.reverse(request.params.id, session(request).user.id, request.body);
        return reply.code(204).send();
      },
    );

    app.get(
      '/api/console/items/:id/preview',
      {
        config: { access: REVIEWERS },
        schema: { tags: ['console'], summary: 'A safe preview of an item\'s media: small, grayscale, blurred (JPEG)', params: z.object({ id: z.uuid() }) },
      },
      async (request, reply) => reply.header('content-type', 'image/jpeg').header('cache-control', 'no-store').send(Buffer.from(await review.preview(request.params.id))),
    );

    app.post(
      '/api/console/items/:id/reveal',
      {
        config: { access: REVIEWERS },
        schema: {
          tags: ['console'],
          summary: 'The original media, on explicit request: audited, and counted per analyst per day (x-reveals-today)',
          params: z.object({ id: z.uuid() }),
        },
      },
      async (request, reply) => {
        const { bytes, revealsToday } = await review.reveal(request.params.id, session(request).user.id);
        return reply
          .header('content-type', 'application/octet-stream')
          .header('content-disposition', 'attachment')
          .header('cache-control', 'no-store')
          .header('x-reveals-today', String(revealsToday))
          .send(Buffer.from(bytes));
      },
    );

    app.get(
      '/api/console/reveals',
      { config: { access: REVIEWERS }, schema: { tags: ['console'], summary: 'How many originals you revealed today', response: { 200: z.object({ today: z.number().int() }) } } },
      async (request) => ({ today: await review.revealsToday(session(request).user.id) }),
    );

    app.get(
      '/api/console/stats',
      {
        config: { access: ['supervisor', 'admin'] },
        schema: {
          tags: ['console'],
          summary: 'Counts over a period (default: the last 30 days): reports, items, decisions, the bank',
          querystring: z.object({ from: z.iso.datetime().optional(), to: z.iso.datetime().optional() }),
        },
      },
      async (request) => {
        const to = request.query.to ? new Date(request.query.to) : new Date();
        const from = request.query.from ? new Date(request.query.from) : new Date(to.getTime() - 30 * 86_400_000);
        if (!(from < to)) throw new AppError('bad_request', '"from" must be before "to"');
        return consoleStats(database, { from, to });
      },
    );
  };
  return { plugin, table };
}
