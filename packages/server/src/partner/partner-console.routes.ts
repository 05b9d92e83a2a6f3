// Console routes for partners, the negative bank and the review of held or
// disputed bank entries; part of the console's area (console.routes.ts).

import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { FEEDBACK_VALUES, PARTNER_SCOPES } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { ADMINS, REVIEWERS, signedIn } from '../console/console-access.ts';
import type { App } from '../http/app.ts';
import type { NegativeBankService } from './negative-bank.service.ts';
import type { PartnerCaller, PartnerService } from './partner.service.ts';
import type { WebhookService } from './webhook.service.ts';

const credentials = z.object({
  name: z.string(),
  apiKey: z.string(),
  stopncii: z.object({ subscriptionKey: z.string(), functionKeys: z.object({ FetchHashes: z.string(), SubmitHashes: z.string(), SubmitFeedback: z.string() }) }),
});

function userId(request: FastifyRequest): string {
  return signedIn(request).user.id;
}

const webhookView = z.object({ id: z.string(), url: z.string(), cursor: z.number().int(), createdAt: z.string() });
const deliveryView = z.object({ id: z.number().int(), fromSeq: z.number().int(), toSeq: z.number().int(), count: z.number().int(), statusCode: z.number().int().nullable(), ok: z.boolean(), error: z.string().nullable(), ms: z.number().int(), at: z.string() });

export interface PartnerConsoleServices {
  readonly partners: PartnerService;
  readonly negative: NegativeBankService;
  readonly webhooks: WebhookService;
  /** Requests a minute per key for partners created without their own limit. */
  readonly defaultRateLimit: number;
}

export function partnerConsoleRoutes({ partners, negative, webhooks, defaultRateLimit }: PartnerConsoleServices) {
  /** The partner as the webhook service's caller, or not found. */
  const partnerCaller = async (partnerId: string): Promise<{ caller: PartnerCaller; revoked: boolean }> => {
    const found = await partners.consoleCaller(partnerId);
    if (!found) throw new AppError('not_found');
    return found;
  };

  return (app: App): Promise<void> => {
    const tags = ['console'];

    app.get(
      '/api/console/partners',
      {
        config: { access: ADMINS },
        schema: {
          tags,
          summary: 'Partner platforms: status, scopes, rate limit, keys (prefixes only) and how many opinions each gave',
          response: {
            200: z.object({
              partners: z.array(
                z.object({
                  id: z.string(),
                  name: z.string(),
                  status: z.enum(['active', 'revoked']),
                  scopes: z.array(z.string()),
                  rateLimitPerMinute: z.number().int(),
                  createdAt: z.string(),
                  revokedAt: z.string().nullable(),
                  keys: z.array(z.object({ prefix: z.string(), kind: z.string(), endpoint: z.string().nullable(), scopes: z.array(z.string()), createdAt: z.string(), revokedAt: z.string().nullable() })),
                  feedback: z.object(Object.fromEntries(FEEDBACK_VALUES.map((v) => [v, z.number().int()])) as Record<(typeof FEEDBACK_VALUES)[number], z.ZodNumber>),
                }),
              ),
            }),
          },
        },
      },
      async () => ({ partners: await partners.list() }),
    );

    app.post(
      '/api/console/partners',
      {
        config: { access: ADMINS },
        schema: {
          tags,
          summary: 'Create a partner: its keys are in this answer only',
          body: z.object({ name: z.string().min(1).max(100), scopes: z.array(z.enum(PARTNER_SCOPES)).min(1).optional(), rateLimitPerMinute: z.number().int().min(1).max(1_000_000).optional() }).strict(),
          response: { 201: credentials },
        },
      },
      async (request, reply) => {
        const { name, scopes, rateLimitPerMinute } = request.body;
        const result = await partners.create(name, { ...(scopes ? { scopes } : {}), rateLimitPerMinute: rateLimitPerMinute ?? defaultRateLimit }, `user:${userId(request)}`);
        if (!result.ok) throw result.reason === 'name_taken' ? new AppError('conflict', 'a partner has this name') : new AppError('bad_request', 'a name of letters, digits, spaces, dots, dashes and underscores');
        return reply.code(201).header('cache-control', 'no-store').send(result.credentials);
      },
    );

    app.post(
      '/api/console/partners/:id/rotate',
      { config: { access: ADMINS }, schema: { tags, summary: 'New keys for a partner; the old ones stop working at once', params: z.object({ id: z.uuid() }), response: { 200: credentials } } },
      async (request, reply) => {
        const result = await partners.rotate(request.params.id, `user:${userId(request)}`);
        if (result === 'not_found') throw new AppError('not_found');
        if (result === 'revoked') throw new AppError('conflict', 'this partner is revoked');
        return reply.header('cache-control', 'no-store').send(result);
      },
    );

    app.post(
      '/api/console/partners/:id/revoke',
      { config: { access: ADMINS }, schema: { tags, summary: 'Revoke a partner and all its keys, at once', params: z.object({ id: z.uuid() }) } },
      async (request, reply) => {
        if ((await partners.revoke(request.params.id, `user:${userId(request)}`)) === 'not_found') throw new AppError('not_found');
        return reply.code(204).send();
      },
    );

    // --- A partner's webhooks, managed by an admin (the same service, URL rules and limits as the partner API) ---
    const partnerParams = z.object({ id: z.uuid() });
    const webhookParams = z.object({ id: z.uuid(), webhookId: z.uuid() });

    app.get(
      '/api/console/partners/:id/webhooks',
      { config: { access: ADMINS }, schema: { tags, summary: "A partner's webhooks", params: partnerParams, response: { 200: z.object({ webhooks: z.array(webhookView) }) } } },
      async (request) => ({ webhooks: await webhooks.list((await partnerCaller(request.params.id)).caller) }),
    );

    app.post(
      '/api/console/partners/:id/webhooks',
      {
        config: { access: ADMINS },
        schema: {
          tags,
          summary: 'Register a webhook for a partner (https to a public host; at most 5): the signing secret is in this answer only',
          params: partnerParams,
          body: z.object({ url: z.string().max(2048) }).strict(),
          response: { 201: webhookView.extend({ secret: z.string() }) },
        },
      },
      async (request, reply) => {
        const { caller, revoked } = await partnerCaller(request.params.id);
        if (revoked) throw new AppError('conflict', 'this partner is revoked');
        const created = await webhooks.register(caller, request.body.url, `user:${userId(request)}`);
        return reply.code(201).header('cache-control', 'no-store').send(created);
      },
    );

    app.delete(
      '/api/console/partners/:id/webhooks/:webhookId',
      { config: { access: ADMINS }, schema: { tags, summary: "Remove a partner's webhook: deliveries stop at once", params: webhookParams } },
      async (request, reply) => {
        await webhooks.remove((await partnerCaller(request.params.id)).caller, request.params.webhookId, `user:${userId(request)}`);
        return reply.code(204).send();
      },
    );

    app.get(
      '/api/console/partners/:id/webhooks/:webhookId/deliveries',
      {
        config: { access: ADMINS },
        schema: { tags, summary: "A partner webhook's delivery log, newest first (status codes and error codes, never bodies)", params: webhookParams, response: { 200: z.object({ deliveries: z.array(deliveryView) }) } },
      },
      async (request) => ({ deliveries: await webhooks.deliveries((await partnerCaller(request.params.id)).caller, request.params.webhookId) }),
    );

    app.get(
      '/api/console/negative-bank',
      {
        config: { access: ADMINS },
        schema: {
          tags,
          summary: 'The negative bank: PDQ hashes of known benign images',
          response: { 200: z.object({ entries: z.array(z.object({ id: z.number().int(), value: z.string(), label: z.string().nullable(), createdAt: z.string() })) }) },
        },
      },
      async () => ({ entries: await negative.list() }),
    );

    app.post(
      '/api/console/negative-bank',
      {
        config: { access: ADMINS },
        schema: {
          tags,
          summary: 'Add known benign images (PDQ): a hash within distance 31 never enters the bank; active entries that close are quarantined for review',
          body: z.object({ entries: z.array(z.object({ pdq: z.string().max(64), label: z.string().max(200).optional() }).strict()).min(1).max(1000) }).strict(),
          response: {
            200: z.object({
              results: z.array(z.union([z.object({ index: z.number().int(), ok: z.literal(true), created: z.boolean() }), z.object({ index: z.number().int(), ok: z.literal(false), reason: z.literal('malformed_pdq') })])),
              quarantined: z.number().int(),
            }),
          },
        },
      },
      async (request) => negative.add(request.body.entries, `user:${userId(request)}`),
    );

    app.delete(
      '/api/console/negative-bank/:id',
      { config: { access: ADMINS }, schema: { tags, summary: 'Remove a negative-bank entry', params: z.object({ id: z.coerce.number().int().min(1) }) } },
      async (request, reply) => {
        await negative.remove(request.params.id, `user:${userId(request)}`);
        return reply.code(204).send();
      },
    );

    app.get(
      '/api/console/bank-reviews',
      {
        config: { access: REVIEWERS },
        schema: {
          tags,
          summary: 'Bank entries held for review: near a known benign image, or disputed by partners',
          response: {
            200: z.object({
              reviews: z.array(z.object({ entryId: z.number().int(), signalType: z.string(), value: z.string(), verified: z.boolean(), reason: z.string(), hidden: z.boolean(), openedAt: z.string() })),
            }),
          },
        },
      },
      async () => ({ reviews: await negative.openReviews() }),
    );

    app.post(
      '/api/console/bank-reviews/:entryId',
      {
        config: { access: REVIEWERS },
        schema: {
          tags,
          summary: 'Decide a held entry: restore it to the active bank, or delete it (a tombstone for partners)',
          params: z.object({ entryId: z.coerce.number().int().min(1) }),
          body: z.object({ outcome: z.enum(['restored', 'deleted']) }).strict(),
        },
      },
      async (request, reply) => {
        await negative.decide(request.params.entryId, request.body.outcome, userId(request));
        return reply.code(204).send();
      },
    );
    return Promise.resolve();
  };
}
