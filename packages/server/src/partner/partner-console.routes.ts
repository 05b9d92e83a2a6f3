// Console routes for partners, the negative bank and the review of held or
// disputed bank entries. They sit under /api/console, so the console's one
// access function (console.routes.ts) admits or refuses them by the roles
// each declares here, and the authorisation matrix test lists them.

import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PARTNER_SCOPES } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { App } from '../http/app.ts';
import type { NegativeBankService } from './negative-bank.service.ts';
import type { PartnerService } from './partner.service.ts';

const credentials = z.object({
  name: z.string(),
  apiKey: z.string(),
  stopncii: z.object({ subscriptionKey: z.string(), functionKeys: z.object({ FetchHashes: z.string(), SubmitHashes: z.string(), SubmitFeedback: z.string() }) }),
});

function userId(request: FastifyRequest): string {
  const session = request.consoleSession;
  if (!session) throw new AppError('unauthorized');
  return session.user.id;
}

export function partnerConsoleRoutes(partners: PartnerService, negative: NegativeBankService, defaultRateLimit: number) {
  return (app: App): Promise<void> => {
    const tags = ['console'];

    app.get(
      '/api/console/partners',
      {
        config: { access: ['admin'] },
        schema: {
          tags,
          summary: 'Partner platforms and their keys (prefixes only)',
          response: {
            200: z.object({
              partners: z.array(
                z.object({
                  id: z.string(),
                  name: z.string(),
                  rateLimitPerMinute: z.number().int(),
                  createdAt: z.string(),
                  revokedAt: z.string().nullable(),
                  keys: z.array(z.object({ prefix: z.string(), kind: z.string(), endpoint: z.string().nullable(), scopes: z.array(z.string()), createdAt: z.string(), revokedAt: z.string().nullable() })),
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
        config: { access: ['admin'] },
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
      { config: { access: ['admin'] }, schema: { tags, summary: 'New keys for a partner; the old ones stop working at once', params: z.object({ id: z.uuid() }), response: { 200: credentials } } },
      async (request, reply) => {
        const result = await partners.rotate(request.params.id, `user:${userId(request)}`);
        if (result === 'not_found') throw new AppError('not_found');
        if (result === 'revoked') throw new AppError('conflict', 'this partner is revoked');
        return reply.header('cache-control', 'no-store').send(result);
      },
    );

    app.post(
      '/api/console/partners/:id/revoke',
      { config: { access: ['admin'] }, schema: { tags, summary: 'Revoke a partner and all its keys, at once', params: z.object({ id: z.uuid() }) } },
      async (request, reply) => {
        if ((await partners.revoke(request.params.id, `user:${userId(request)}`)) === 'not_found') throw new AppError('not_found');
        return reply.code(204).send();
      },
    );

    app.get(
      '/api/console/negative-bank',
      {
        config: { access: ['admin'] },
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
        config: { access: ['admin'] },
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
      { config: { access: ['admin'] }, schema: { tags, summary: 'Remove a negative-bank entry', params: z.object({ id: z.coerce.number().int().min(1) }) } },
      async (request, reply) => {
        await negative.remove(request.params.id, `user:${userId(request)}`);
        return reply.code(204).send();
      },
    );

    app.get(
      '/api/console/bank-reviews',
      {
        config: { access: ['analyst', 'supervisor'] },
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
        config: { access: ['analyst', 'supervisor'] },
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
