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
import { AUTHORITIES, CHECK_OUTCOMES, DECISIONS, ITEM_STATUSES, NOTICE_STATUSES, NOT_ACTIONABLE_REASONS, USER_ROLES } from '../db/schema.ts';
import type { EscalationService } from '../takedown/escalation.service.ts';
import type { TakedownService } from '../takedown/takedown.service.ts';
import { escalationView, takedownConsoleRoutes } from '../takedown/takedown-console.routes.ts';
import { MEDIA_STATES, type ReviewService } from './review.service.ts';
import { MAX_PERIOD_DAYS, type Period, consoleStats } from './stats.service.ts';
import { statsCsv } from './stats-csv.ts';
import type { Database } from '../db/database.ts';
import { appendAudit, listAudit, verifyAudit } from '../audit/audit.ts';
import type { ConsoleConfig } from '../config.ts';
import { helplineSchema } from '../portal/portal.routes.ts';
import { type HelplineService, editableHelplinesSchema } from '../portal/helplines.service.ts';
import type { ClientBudgets } from '../throttle/client-budgets.ts';
import { signInPaused } from '../throttle/sign-in-guard.ts';

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
const DIRECTORY_EDITORS: readonly UserRole[] = ['supervisor', 'admin'];

/** The console's routes; `table` lists every route and who may call it (the authorisation matrix test walks it). */
export interface ConsoleServices {
  readonly accounts: AccountService;
  readonly review: ReviewService;
  readonly takedown: TakedownService;
  readonly escalations: EscalationService;
  readonly helplines: HelplineService;
  readonly database: Database;
  /** When the console suggests a break (DISRUPT_BREAK_AFTER_*). */
  readonly settings: ConsoleConfig;
  /** The per-client sign-in budget (the per-account pause is the account service's). */
  readonly budgets: ClientBudgets;
}

export function consoleRoutes({ accounts, review, takedown, escalations, helplines, database, settings, budgets }: ConsoleServices): { plugin: (app: App) => Promise<void>; table: ConsoleRoute[] } {
  const table: ConsoleRoute[] = [];

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

  const setSessionCookie = (reply: FastifyReply, value: string, maxAge: number) =>
    reply.setCookie(SESSION_COOKIE, value, { httpOnly: true, secure: true, sameSite: 'strict', path: '/api/console', maxAge });

  const userView = z.object({ id: z.string(), email: z.string(), role: z.enum(USER_ROLES) });
  const hostView = z.object({ id: z.string(), domain: z.string(), name: z.string(), abuseEmail: z.string().nullable(), language: z.enum(['fr', 'en']), partner: z.boolean() });
  const noticeView = z.object({
    id: z.string(),
    reference: z.string(),
    itemId: z.string(),
    hostId: z.string().nullable(),
    recipient: z.string().nullable(),
    language: z.enum(['fr', 'en']),
    channel: z.enum(['email', 'outbox']),
    status: z.enum(NOTICE_STATUSES),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  });
  const checkView = z.object({ checkedAt: z.string(), outcome: z.enum(CHECK_OUTCOMES), httpStatus: z.number().int().nullable(), manual: z.boolean() });

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
      {
        config: { access: ANY_ROLE },
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
        const { user, csrfToken } = session(request);
        const revealsToday = await review.revealsToday(user.id);
        return reply.header('cache-control', 'no-store').send({ user, csrfToken, settings: { ...settings, revealsToday } });
      },
    );

    app.get(
      '/api/console/users',
      {
        config: { access: ['admin'] },
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

    app.post(
      '/api/console/users/:id/enrolment',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['console'],
          summary: 'A new one-time enrolment link: renews a lapsed invitation, or resets access (password and authenticator removed, sessions ended, earlier links void)',
          params: z.object({ id: z.uuid() }),
          response: { 201: z.object({ userId: z.string(), enrolmentToken: z.string() }) },
        },
      },
      async (request, reply) => {
        const { userId, enrolmentToken } = await accounts.renewEnrolment({ userId: request.params.id }, `user:${session(request).user.id}`);
        return reply.code(201).header('cache-control', 'no-store').send({ userId, enrolmentToken });
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
      position: z.number().int().describe("The item's place in its case (1, 2, …)"),
      caseItemCount: z.number().int().describe('How many items its case has'),
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
          summary: 'The original media, on explicit request: audited, and counted per analyst per day (x-reveals-today); x-media-type is its sniffed MIME type (application/octet-stream when not recognised)',
          params: z.object({ id: z.uuid() }),
        },
      },
      async (request, reply) => {
        const { bytes, mediaType, revealsToday } = await review.reveal(request.params.id, session(request).user.id);
        return reply
          .header('content-type', 'application/octet-stream')
          .header('content-disposition', 'attachment')
          .header('cache-control', 'no-store')
          .header('x-reveals-today', String(revealsToday))
          .header('x-media-type', mediaType)
          .send(Buffer.from(bytes));
      },
    );

    app.get(
      '/api/console/reveals',
      { config: { access: REVIEWERS }, schema: { tags: ['console'], summary: 'How many originals you revealed today', response: { 200: z.object({ today: z.number().int() }) } } },
      async (request) => ({ today: await review.revealsToday(session(request).user.id) }),
    );

    const itemParams = z.object({ id: z.uuid() });
    const caseParams = z.object({ caseId: z.uuid() });
    const decision = z.enum(DECISIONS);
    const language = z.enum(['fr', 'en']);

    app.get(
      '/api/console/items/:id',
      {
        config: { access: REVIEWERS },
        schema: {
          tags: ['console'],
          summary: "An item with its case's context, its host, its hashes' state, bank entries near them (matches: PDQ ≤ 31, MD5 exact, vPDQ by shared frames; of another case only whether it is this one), notices, re-checks and escalations",
          params: itemParams,
          response: {
            200: z.object({
              item: z.object({
                id: z.string(),
                position: z.number().int(),
                kind: z.enum(['url', 'photo', 'video']),
                url: z.string().nullable(),
                host: z.string().nullable(),
                status: z.enum(ITEM_STATUSES),
                decision: decision.nullable(),
                decisionAiGenerated: z.boolean().nullable(),
                decisionReason: z.string().nullable(),
                decidedAt: z.string().nullable(),
                createdAt: z.string(),
                notifiedAt: z.string().nullable(),
                removedAt: z.string().nullable(),
                claimedBy: z.string().nullable(),
                claimExpiresAt: z.string().nullable(),
                hasMedia: z.boolean(),
                media: z.enum(MEDIA_STATES).describe('available; never_sent (fingerprints only); erased_decided, erased_withdrawn, erased_expired (by the retention job)'),
              }),
              case: z.object({
                id: z.string(),
                status: z.enum(['open', 'withdrawn']),
                situation: z.enum(['online', 'at_risk']),
                ageGroup: z.enum(['minor', 'adult', 'unsure']),
                aiGenerated: z.enum(['yes', 'no', 'unsure']),
                language,
                description: z.string().nullable(),
                createdAt: z.string(),
                itemCount: z.number().int(),
              }),
              bank: z.array(z.object({ signalType: z.string(), verified: z.boolean(), status: z.string() })),
              matches: z.array(
                z.object({
                  signalType: z.string(),
                  distance: z.number().int().nullable().describe('PDQ: Hamming distance (≤ 31); MD5: 0; vPDQ: null (see frames)'),
                  frames: z
                    .object({ item: z.number().int(), bank: z.number().int() })
                    .nullable()
                    .describe("vPDQ: percent of this video's distinct frames found in the bank's video, and of the bank video's found in this one"),
                  verified: z.boolean(),
                  status: z.string(),
                  sameCase: z.boolean(),
                  decision: decision.nullable(),
                }),
              ),
              hostEntry: hostView.nullable(),
              notices: z.array(noticeView),
              checks: z.array(checkView),
              escalations: z.array(escalationView),
            }),
          },
        },
      },
      async (request, reply) => {
        const detail = await review.detail(request.params.id);
        const [hostEntry, itemNotices, checks, caseEscalations] = await Promise.all([
          detail.item.host ? takedown.hostFor(database.db, detail.item.host) : Promise.resolve(null),
          takedown.noticesOf(detail.item.id),
          takedown.checksOf(detail.item.id),
          escalations.list(detail.case.id),
        ]);
        return reply.header('cache-control', 'no-store').send({ ...detail, hostEntry, notices: itemNotices, checks, escalations: caseEscalations });
      },
    );

    app.get(
      '/api/console/cases/:caseId/items',
      {
        config: { access: REVIEWERS },
        schema: {
          tags: ['console'],
          summary: 'The items of a case, a page at a time (by position)',
          params: caseParams,
          querystring: z.object({ after: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(500).default(100) }),
          response: {
            200: z.object({
              items: z.array(z.object({ id: z.string(), position: z.number().int(), kind: z.enum(['url', 'photo', 'video']), host: z.string().nullable(), status: z.enum(ITEM_STATUSES), decision: decision.nullable() })),
              nextAfter: z.number().int().nullable(),
            }),
          },
        },
      },
      async (request) => review.caseItems(request.params.caseId, request.query.after, request.query.limit),
    );

    // --- Host directory ---
    const hostBody = z
      .object({ domain: z.string().max(253), name: z.string().min(1).max(200), abuseEmail: z.email().max(254).nullable().optional(), language: language.optional(), partner: z.boolean().optional() })
      .strict();

    app.get(
      '/api/console/hosts',
      { config: { access: ANY_ROLE }, schema: { tags: ['console'], summary: 'The host directory', response: { 200: z.object({ hosts: z.array(hostView) }) } } },
      async () => ({ hosts: await takedown.listHosts() }),
    );

    app.post(
      '/api/console/hosts',
      { config: { access: DIRECTORY_EDITORS }, schema: { tags: ['console'], summary: 'Add a host: its domain covers its subdomains', body: hostBody, response: { 201: hostView } } },
      async (request, reply) => reply.code(201).send(await takedown.createHost(request.body, `user:${session(request).user.id}`)),
    );

    app.patch(
      '/api/console/hosts/:id',
      {
        config: { access: DIRECTORY_EDITORS },
        schema: { tags: ['console'], summary: 'Change a host', params: itemParams, body: hostBody.omit({ domain: true }).partial(), response: { 200: hostView } },
      },
      async (request) => takedown.updateHost(request.params.id, request.body, `user:${session(request).user.id}`),
    );

    app.delete(
      '/api/console/hosts/:id',
      { config: { access: DIRECTORY_EDITORS }, schema: { tags: ['console'], summary: 'Remove a host from the directory', params: itemParams } },
      async (request, reply) => {
        await takedown.deleteHost(request.params.id, `user:${session(request).user.id}`);
        return reply.code(204).send();
      },
    );

    // --- Notices and re-checks ---
    const noticeRequest = z.object({ language: language.optional(), recipient: z.email().max(254).optional() }).strict();

    app.post(
      '/api/console/items/:id/notice-preview',
      {
        config: { access: REVIEWERS },
        schema: {
          tags: ['console'],
          summary: 'The takedown notice as it would go out (French or English), its recipient and channel',
          params: itemParams,
          body: noticeRequest,
          response: { 200: z.object({ recipient: z.string().nullable(), channel: z.enum(['email', 'outbox']), host: hostView.nullable(), subject: z.string(), text: z.string() }) },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send(await takedown.previewNotice(request.params.id, request.body)),
    );

    app.post(
      '/api/console/items/:id/notices',
      {
        config: { access: REVIEWERS },
        schema: {
          tags: ['console'],
          summary: 'Send a takedown notice for an accepted URL: by e-mail when SMTP is configured and the host has an address, otherwise to the outbox',
          params: itemParams,
          body: noticeRequest,
          response: { 201: noticeView },
        },
      },
      async (request, reply) => reply.code(201).send(await takedown.createNotice(request.params.id, session(request).user.id, request.body)),
    );

    app.get(
      '/api/console/notices/outbox',
      {
        config: { access: REVIEWERS },
        schema: {
          tags: ['console'],
          summary: 'Notices waiting for an analyst to download and send, each with its case and the item\'s place in it',
          response: { 200: z.object({ notices: z.array(noticeView.extend({ caseId: z.string(), position: z.number().int() })) }) },
        },
      },
      async () => ({ notices: await takedown.outbox() }),
    );

    app.post(
      '/api/console/notices/:id/download',
      {
        config: { access: REVIEWERS },
        schema: { tags: ['console'], summary: 'A notice as an .eml message; downloading it from the outbox records it as sent (audited)', params: itemParams },
      },
      async (request, reply) => {
        const { filename, eml } = await takedown.exportNotice(request.params.id, session(request).user.id);
        return reply.header('content-type', 'message/rfc822').header('content-disposition', `attachment; filename="${filename}"`).header('cache-control', 'no-store').send(eml);
      },
    );

    app.post(
      '/api/console/items/:id/check',
      {
        config: { access: REVIEWERS },
        schema: { tags: ['console'], summary: 'Check the URL now: online, removed or unreachable (recorded)', params: itemParams, response: { 200: checkView } },
      },
      async (request) => takedown.checkNow(request.params.id, session(request).user.id),
    );

    app.post(
      '/api/console/items/:id/removed',
      {
        config: { access: REVIEWERS },
        schema: { tags: ['console'], summary: 'Confirm that the content is gone (e.g. the page now shows something else): recorded as removed now', params: itemParams },
      },
      async (request, reply) => {
        await takedown.confirmRemoved(request.params.id, session(request).user.id);
        return reply.code(204).send();
      },
    );

    // --- Escalation ---
    app.get(
      '/api/console/cases/:caseId/escalations',
      { config: { access: REVIEWERS }, schema: { tags: ['console'], summary: "A case's escalations to the authorities", params: caseParams, response: { 200: z.object({ escalations: z.array(escalationView) }) } } },
      async (request) => ({ escalations: await escalations.list(request.params.caseId) }),
    );

    app.post(
      '/api/console/cases/:caseId/escalations',
      {
        config: { access: REVIEWERS },
        schema: {
          tags: ['console'],
          summary: 'Escalate a case about a minor: a package (URLs, hashes, decisions) recorded as sent to an authority',
          params: caseParams,
          body: z.object({ authority: z.enum(AUTHORITIES), authorityReference: z.string().min(1).max(100).optional() }).strict(),
          response: { 201: z.object({ escalation: escalationView, package: z.record(z.string(), z.unknown()) }) },
        },
      },
      async (request, reply) => {
        const created = await escalations.create(request.params.caseId, session(request).user.id, request.body);
        return reply.code(201).header('cache-control', 'no-store').send({ escalation: created.escalation, package: { ...created.package } });
      },
    );

    app.patch(
      '/api/console/escalations/:id',
      {
        config: { access: REVIEWERS },
        schema: {
          tags: ['console'],
          summary: "Record the authority's own reference number",
          params: itemParams,
          body: z.object({ authorityReference: z.string().min(1).max(100) }).strict(),
          response: { 200: escalationView },
        },
      },
      async (request) => escalations.setAuthorityReference(request.params.id, session(request).user.id, request.body.authorityReference),
    );

    app.get(
      '/api/console/escalations/:id/package',
      { config: { access: REVIEWERS }, schema: { tags: ['console'], summary: 'The package exactly as sent (audited); x-package-digest is its SHA-256', params: itemParams } },
      async (request, reply) => {
        const { json, digest, reference } = await escalations.package(request.params.id, session(request).user.id);
        return reply
          .header('content-type', 'application/json; charset=utf-8')
          .header('content-disposition', `attachment; filename="${reference}.json"`)
          .header('x-package-digest', digest)
          .header('cache-control', 'no-store')
          .send(json);
      },
    );

    await takedownConsoleRoutes(database)(app);

    // --- Statistics ---
    const periodQuery = z.object({ from: z.iso.datetime().optional(), to: z.iso.datetime().optional() });
    const periodOf = (query: z.infer<typeof periodQuery>): Period => {
      const to = query.to ? new Date(query.to) : new Date();
      const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * 86_400_000);
      if (!(from < to)) throw new AppError('bad_request', '"from" must be before "to"');
      if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * 86_400_000) throw new AppError('bad_request', `a period of at most ${MAX_PERIOD_DAYS} days`);
      return { from, to };
    };
    const counts = z.record(z.string(), z.number().int());
    const removalFigures = z.object({ notified: z.number().int(), removed: z.number().int(), removalRate: z.number().nullable(), medianHoursToRemoval: z.number().nullable() });
    const statsView = z.object({
      period: z.object({ from: z.string(), to: z.string() }),
      reports: z.object({ total: z.number().int(), byAgeGroup: counts, bySituation: counts, withdrawn: z.number().int() }),
      items: z.object({ byKind: counts }),
      decisions: counts,
      bank: z.object({ bySignalType: counts, byStatus: counts, verified: z.number().int(), lastSeq: z.number().int() }),
      notices: z.object({ sent: z.number().int(), waitingInOutbox: z.number().int() }),
      escalations: counts,
      removals: z.object({
        overall: removalFigures,
        byHost: z.array(removalFigures.extend({ name: z.string() })),
        byPartner: z.array(removalFigures.extend({ name: z.string() })),
      }),
      partners: z.object({
        feedback: counts,
        blockedByPartners: z.number().int(),
        byPartner: z.array(z.object({ name: z.string(), PendingReview: z.number().int(), Blocked: z.number().int(), NotBlocked: z.number().int() })).describe("Each partner's feedback in the period"),
        quarantined: z.number().int(),
        openBankReviews: z.number().int(),
      }),
      weekly: z
        .array(z.object({ weekStart: z.string(), reports: z.number().int(), items: z.number().int(), decided: z.number().int(), accepted: z.number().int(), removed: z.number().int() }))
        .describe('Every week (Monday, UTC) the period touches, oldest first, zeros included; accepted = decided ncii_adult or ncii_minor'),
    });

    app.get(
      '/api/console/stats',
      {
        config: { access: ['supervisor', 'admin'] },
        schema: {
          tags: ['console'],
          summary: 'Counts over a period (default: the last 30 days, at most 3660): reports, items, decisions, the bank, notices, removals, partners, and week by week',
          querystring: periodQuery,
          response: { 200: statsView },
        },
      },
      async (request) => consoleStats(database, periodOf(request.query)),
    );

    app.get(
      '/api/console/stats.csv',
      {
        config: { access: ['supervisor', 'admin'] },
        schema: {
          tags: ['console'],
          summary: 'The same statistics as CSV (one figure a row: section,key,subkey,value), for a spreadsheet; the export is audited',
          querystring: periodQuery,
        },
      },
      async (request, reply) => {
        const period = periodOf(request.query);
        const stats = await consoleStats(database, period);
        await database.db.transaction((tx) =>
          appendAudit(tx, { actor: `user:${session(request).user.id}`, action: 'stats.export', subject: null, detail: { from: stats.period.from, to: stats.period.to } }),
        );
        const day = (iso: string) => iso.slice(0, 10);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="disrupt-stats-${day(stats.period.from)}-${day(stats.period.to)}.csv"`)
          .header('cache-control', 'no-store')
          .send(statsCsv(stats));
      },
    );

    // --- The audit log (admins) ---
    const auditDetail = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

    app.get(
      '/api/console/audit',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['console'],
          summary: 'The audit log, newest first, a page at a time (before: an entry id; nextBefore for the next page); action filters one exact action',
          querystring: z.object({
            before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(100),
            action: z.string().min(1).max(100).regex(/^[a-z0-9_.:-]+$/).optional(),
          }),
          response: {
            200: z.object({
              entries: z.array(
                z.object({ id: z.number().int(), at: z.string(), actor: z.string(), actorEmail: z.string().nullable(), action: z.string(), subject: z.string().nullable(), detail: auditDetail }),
              ),
              nextBefore: z.number().int().nullable(),
            }),
          },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send(await listAudit(database, request.query)),
    );

    app.get(
      '/api/console/audit/verify',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['console'],
          summary: 'Recompute the whole hash chain: ok, how many entries hold, and the first broken one (an edit, a deletion or a reordering)',
          response: { 200: z.object({ ok: z.boolean(), entries: z.number().int(), firstBrokenId: z.number().int().nullable(), checkedAt: z.string() }) },
        },
      },
      async (request, reply) => {
        const result = await verifyAudit(database);
        return reply.header('cache-control', 'no-store').send({ ok: result.ok, entries: result.entries, firstBrokenId: result.ok ? null : result.firstBrokenId, checkedAt: new Date().toISOString() });
      },
    );

    // --- The portal's helplines (admins) ---
    app.get(
      '/api/console/helplines',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['console'],
          summary: "The helplines the victim portal shows: the console's list once one was saved (source console), else DISRUPT_HELPLINES or France's lines (source config)",
          response: { 200: z.object({ helplines: z.array(helplineSchema), source: z.enum(['console', 'config']) }) },
        },
      },
      async () => helplines.current(),
    );

    app.put(
      '/api/console/helplines',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['console'],
          summary: 'Replace the portal\'s helplines (at most 20; links https only); the portal shows them at once (audited, with the count only)',
          body: z.object({ helplines: editableHelplinesSchema }).strict(),
          response: { 200: z.object({ helplines: z.array(helplineSchema), source: z.enum(['console', 'config']) }) },
        },
      },
      async (request) => {
        await helplines.replace(request.body.helplines, `user:${session(request).user.id}`);
        return helplines.current();
      },
    );
  };
  return { plugin, table };
}
