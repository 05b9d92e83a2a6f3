// /api/partner/v1: the native partner API. Hashes travel in request and
// response bodies only, never in URLs or query strings (proxies and access
// logs keep those). Every route declares its scope; PartnerGate decides.

import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SIGNAL_TYPES } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { access } from '../http/access.ts';
import type { App } from '../http/app.ts';
import { MAX_VPDQ_FRAMES } from '../cases/items.ts';
import { validIdempotencyKey } from '../idempotency.ts';
import { MAX_TAGS, MAX_TAG_LENGTH, type FeedbackService } from './feedback.service.ts';
import { MAX_MATCH_BATCH, type MatchService } from './match.service.ts';
import type { PartnerGate } from './partner-access.ts';
import { type PartnerFeed, nativeRecord } from './partner-feed.ts';
import type { PartnerService } from './partner.service.ts';
import type { WebhookService } from './webhook.service.ts';

export const PARTNER_PREFIX = '/api/partner/v1';
export const MAX_FEED_PAGE = 5000;
const FULL_SYNC_PAGE = 5000;
const MAX_FEEDBACK_BATCH = 1000;

export interface PartnerRouteDeps {
  readonly partners: PartnerService;
  readonly gate: PartnerGate;
  readonly feed: PartnerFeed;
  readonly match: MatchService;
  readonly feedback: FeedbackService;
  readonly webhooks: WebhookService;
  readonly maxUploadBytes: number;
}

const hex64 = z.string().max(64);
const frame = z.object({ frame: z.number().int().min(0), quality: z.number().int().min(0).max(100), pdq: hex64, timestamp: z.number().min(0) }).strict();
const matchQuery = z.discriminatedUnion('signalType', [
  z.object({ signalType: z.literal('pdq'), value: hex64, quality: z.number().int().min(0).max(100).optional() }).strict(),
  z.object({ signalType: z.literal('md5'), value: z.string().max(32) }).strict(),
  z.object({ signalType: z.literal('vpdq'), frames: z.array(frame).min(1).max(MAX_VPDQ_FRAMES) }).strict(),
]);

const bankStatus = z.enum(['active', 'withdrawn', 'deleted', 'quarantined']);
const caseRef = z.object({ ref: z.string(), status: z.enum(['received', 'active', 'withdrawn']) });
const feedbackSummary = z.object({ pendingReview: z.number().int(), blocked: z.number().int(), notBlocked: z.number().int() });
export const nativeRecordSchema = z
  .object({
    seq: z.number().int().meta({ description: 'Change sequence number: resume the feed after the last one you processed.' }),
    signalType: z.enum(SIGNAL_TYPES),
    value: z.string(),
    quality: z.number().int().nullable(),
    verified: z.boolean().meta({ description: 'Confirmed by an analyst of the hotline.' }),
    reviewBeforeAction: z.boolean().meta({ description: 'True when unverified: a match must be reviewed by a person before any action.' }),
    status: bankStatus.meta({ description: 'active: match and act (after review when unverified); withdrawn, deleted: drop the hash (tombstone); quarantined: disputed or held, stop acting on it until further notice.' }),
    cases: z.array(caseRef).meta({ description: 'Opaque references of the cases holding the hash.' }),
    feedback: feedbackSummary.meta({ description: "How many partners' current opinion is each value." }),
    changedAt: z.string(),
  })
  .meta({ id: 'PartnerRecord' });

const matchHit = z.object({
  signalType: z.enum(SIGNAL_TYPES),
  value: z.string(),
  distance: z.number().int().nullable(),
  queryMatchPercent: z.number().optional(),
  compareMatchPercent: z.number().optional(),
  transform: z.string().optional(),
  status: bankStatus,
  verified: z.boolean(),
  reviewBeforeAction: z.boolean(),
});
const matchResult = z.union([
  z.object({ index: z.number().int(), ok: z.literal(true), matches: z.array(matchHit) }),
  z.object({ index: z.number().int(), ok: z.literal(false), reason: z.enum(['malformed_hash', 'low_quality']) }),
]);

function idempotencyKey(request: FastifyRequest): string | undefined {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !validIdempotencyKey(key)) throw new AppError('bad_request', 'Idempotency-Key must be 8 to 200 printable characters');
  return key;
}

/** Refuses an oversize batch before validating it item by item: a clear 413, not a wall of validation errors. */
function batchLimit(field: string, max: number) {
  return (request: FastifyRequest): Promise<void> => {
    const body = request.body as Record<string, unknown> | null | undefined;
    const list = body && typeof body === 'object' ? body[field] : undefined;
    if (Array.isArray(list) && list.length > max) return Promise.reject(new AppError('payload_too_large', `at most ${max} items in "${field}" per request`));
    return Promise.resolve();
  };
}

export function partnerRoutes(deps: PartnerRouteDeps) {
  return async (root: App): Promise<void> => {
    await root.register((app: App) => {
      app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: deps.maxUploadBytes }, (_request, body, done) => {
        done(null, body);
      });
      app.addHook('onSend', (request, reply, payload, done) => {
        deps.gate.audit(request, reply);
        done(null, payload);
      });

      const tags = ['partner'];
      const security = [{ partnerKey: [] }];

      app.get(
        `${PARTNER_PREFIX}/me`,
        {
          config: { access: access.partner('none') },
          schema: { tags, security, summary: 'The partner behind the key, its scopes and rate limit', response: { 200: z.object({ name: z.string(), scopes: z.array(z.string()), rateLimitPerMinute: z.number().int() }) } },
        },
        (request) => {
          const caller = request.partner!;
          return Promise.resolve({ name: caller.partnerName, scopes: [...caller.scopes].sort(), rateLimitPerMinute: caller.rateLimitPerMinute });
        },
      );

      app.get(
        `${PARTNER_PREFIX}/feed`,
        {
          config: { access: access.partner('feed:read') },
          schema: {
            tags,
            security,
            summary: 'Changes to the bank after a cursor, in change order (tombstones included)',
            description:
              'Each record is the current state of one hash, at its latest change. Start at cursor 0, then pass `nextCursor`. Withdrawn, deleted and quarantined records are tombstones: drop or stop acting on the hash. Unverified records (`reviewBeforeAction`) must be reviewed by a person before action.',
            querystring: z.object({ cursor: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(MAX_FEED_PAGE).default(1000) }).strict(),
            response: { 200: z.object({ records: z.array(nativeRecordSchema), nextCursor: z.number().int(), hasMore: z.boolean() }) },
          },
        },
        async (request) => {
          const { cursor, limit } = request.query;
          const page = await deps.feed.page(cursor, limit + 1);
          const records = page.slice(0, limit);
          request.partnerCount = records.length;
          return { records: records.map(nativeRecord), nextCursor: records.at(-1)?.seq ?? cursor, hasMore: page.length > limit };
        },
      );

      app.get(
        `${PARTNER_PREFIX}/feed/full`,
        {
          config: { access: access.partner('feed:read') },
          schema: {
            tags,
            security,
            summary: 'A full sync as NDJSON: every record after the cursor (default 0), one JSON object a line, in change order',
            description: 'Streams PartnerRecord lines (application/x-ndjson). Keep the last `seq` you received: it is the cursor for /feed afterwards, or to resume a cut-off stream.',
            querystring: z.object({ cursor: z.coerce.number().int().min(0).default(0) }).strict(),
          },
        },
        async (request, reply) => {
          const feed = deps.feed;
          let cursor = request.query.cursor;
          async function* lines(): AsyncGenerator<string> {
            for (;;) {
              const page = await feed.ndjsonPage(cursor, FULL_SYNC_PAGE);
              if (page.count === 0) return;
              yield page.text;
              cursor = page.lastSeq;
              if (page.count < FULL_SYNC_PAGE) return;
            }
          }
          return reply.type('application/x-ndjson').send(Readable.from(lines()));
        },
      );

      app.post(
        `${PARTNER_PREFIX}/match`,
        {
          config: { access: access.partner('match') },
          preValidation: batchLimit('hashes', MAX_MATCH_BATCH),
          // The hot route: its answer is typed by the schema at compile time, so it is
          // written straight out rather than validated again, field by field, at run time.
          serializerCompiler: () => (data) => JSON.stringify(data),
          schema: {
            tags,
            security,
            summary: `Match up to ${MAX_MATCH_BATCH} hashes (pdq, md5, vpdq) against the bank`,
            description: 'Every match with its distance and the bank record\'s status and verified flag. Only active records match. Never any case data.',
            body: z.object({ hashes: z.array(matchQuery).min(1).max(MAX_MATCH_BATCH) }).strict(),
            response: { 200: z.object({ results: z.array(matchResult) }) },
          },
        },
        async (request) => {
          request.partnerCount = request.body.hashes.length;
          return { results: await deps.match.matchBatch(request.body.hashes) };
        },
      );

      app.post(
        `${PARTNER_PREFIX}/match/media`,
        {
          config: { access: access.partner('match') },
          schema: {
            tags,
            security,
            summary: 'Match one photo or video: the server fingerprints it (PDQ with the 8 rotations and flips, MD5, vPDQ) and forgets it',
            description: 'Send the file as the request body, Content-Type application/octet-stream. The file is hashed in memory and never stored.',
            consumes: ['application/octet-stream'],
            response: { 200: z.object({ kind: z.enum(['photo', 'video']), matches: z.array(matchHit) }) },
          },
        },
        async (request) => {
          if (!Buffer.isBuffer(request.body) || request.body.length === 0) throw new AppError('bad_request', 'send the file as the body, Content-Type application/octet-stream');
          request.partnerCount = 1;
          return deps.match.matchMedia(new Uint8Array(request.body));
        },
      );

      const feedbackItem = z.discriminatedUnion('signalType', [feedbackFor('pdq'), feedbackFor('md5')]);

      app.post(
        `${PARTNER_PREFIX}/feedback`,
        {
          config: { access: access.partner('feedback:write') },
          preValidation: batchLimit('items', MAX_FEEDBACK_BATCH),
          schema: {
            tags,
            security,
            summary: 'Feedback per hash: PendingReview (a match awaits your review), Blocked, NotBlocked; optional tags and the URL where you saw it',
            description:
              'Rolls up into the bank record (others see the aggregate), the victim\'s item history and statistics. A hash several partners mark NotBlocked, and none Blocked, is quarantined until an analyst decides. Repeating your current opinion is recorded once. Send an Idempotency-Key to retry safely.',
            body: z.object({ items: z.array(feedbackItem).min(1).max(MAX_FEEDBACK_BATCH) }).strict(),
            response: {
              200: z.object({
                results: z.array(
                  z.union([
                    z.object({ index: z.number().int(), ok: z.literal(true), duplicate: z.boolean() }),
                    z.object({ index: z.number().int(), ok: z.literal(false), reason: z.enum(['unknown_hash', 'malformed_hash']) }),
                  ]),
                ),
              }),
            },
          },
        },
        async (request, reply) => {
          request.partnerCount = request.body.items.length;
          const answer = await deps.feedback.feedback(request.partner!, request.body.items, { idempotencyKey: idempotencyKey(request) });
          if (answer.replayed) void reply.header('idempotent-replayed', 'true');
          return { results: answer.results };
        },
      );

      app.post(
        `${PARTNER_PREFIX}/hashes`,
        {
          config: { access: access.partner('hashes:write') },
          preValidation: batchLimit('hashes', MAX_MATCH_BATCH),
          schema: {
            tags,
            security,
            summary: 'Submit hashes of your own (pdq, md5): they enter the bank unverified',
            description: 'PDQ quality, when given, must be at least 50. Hashes near a known benign image are held for an analyst. Send an Idempotency-Key to retry safely.',
            body: z
              .object({
                hashes: z
                  .array(z.object({ signalType: z.enum(['pdq', 'md5']), value: z.string().max(64), quality: z.number().int().min(0).max(100).optional() }).strict())
                  .min(1)
                  .max(MAX_MATCH_BATCH),
              })
              .strict(),
            response: {
              200: z.object({
                results: z.array(
                  z.union([
                    z.object({ index: z.number().int(), ok: z.literal(true), created: z.boolean() }),
                    z.object({ index: z.number().int(), ok: z.literal(false), reason: z.enum(['malformed_hash', 'low_quality']) }),
                  ]),
                ),
              }),
            },
          },
        },
        async (request, reply) => {
          request.partnerCount = request.body.hashes.length;
          const answer = await deps.feedback.submitHashes(request.partner!, request.body.hashes, { idempotencyKey: idempotencyKey(request) });
          if (answer.replayed) void reply.header('idempotent-replayed', 'true');
          return { results: answer.results };
        },
      );

      const webhookView = z.object({ id: z.string(), url: z.string(), cursor: z.number().int(), createdAt: z.string() });

      app.post(
        `${PARTNER_PREFIX}/webhooks`,
        {
          config: { access: access.partner('feed:read') },
          schema: {
            tags,
            security,
            summary: 'Register a URL to receive bank changes (new, changed, withdrawn records) in signed batches',
            description:
              'Each delivery is a POST of {webhookId, deliveryId, cursor, records: PartnerRecord[]} with headers x-disrupt-timestamp (Unix seconds) and x-disrupt-signature: "sha256=" + hex HMAC-SHA256 of "<timestamp>.<raw body>" under the secret returned here (shown once). Refuse old timestamps to stop replays; drop a repeated deliveryId. Answer 2xx; anything else is retried with exponential backoff. Deliveries start from the bank as it is now: use the feed for what came before.',
            body: z.object({ url: z.string().max(2048) }).strict(),
            response: { 201: webhookView.extend({ secret: z.string() }) },
          },
        },
        async (request, reply) => reply.code(201).header('cache-control', 'no-store').send(await deps.webhooks.register(request.partner!, request.body.url)),
      );

      app.get(
        `${PARTNER_PREFIX}/webhooks`,
        { config: { access: access.partner('feed:read') }, schema: { tags, security, summary: 'Your webhooks', response: { 200: z.object({ webhooks: z.array(webhookView) }) } } },
        async (request) => ({ webhooks: await deps.webhooks.list(request.partner!) }),
      );

      app.delete(
        `${PARTNER_PREFIX}/webhooks/:id`,
        { config: { access: access.partner('feed:read') }, schema: { tags, security, summary: 'Remove a webhook', params: z.object({ id: z.uuid() }) } },
        async (request, reply) => {
          await deps.webhooks.remove(request.partner!, request.params.id);
          return reply.code(204).send();
        },
      );

      app.get(
        `${PARTNER_PREFIX}/webhooks/:id/deliveries`,
        {
          config: { access: access.partner('feed:read') },
          schema: {
            tags,
            security,
            summary: 'The delivery log of a webhook, newest first',
            params: z.object({ id: z.uuid() }),
            response: {
              200: z.object({
                deliveries: z.array(
                  z.object({ id: z.number().int(), fromSeq: z.number().int(), toSeq: z.number().int(), count: z.number().int(), statusCode: z.number().int().nullable(), ok: z.boolean(), error: z.string().nullable(), ms: z.number().int(), at: z.string() }),
                ),
              }),
            },
          },
        },
        async (request) => ({ deliveries: await deps.webhooks.deliveries(request.partner!, request.params.id) }),
      );
      return Promise.resolve();
    });
  };
}

function feedbackFor(signalType: 'pdq' | 'md5') {
  return z
    .object({
      signalType: z.literal(signalType),
      value: z.string().max(64),
      feedback: z.enum(['PendingReview', 'Blocked', 'NotBlocked']),
      tags: z.array(z.string().min(1).max(MAX_TAG_LENGTH)).max(MAX_TAGS).optional(),
      url: z.url({ protocol: /^https?$/ }).max(2048).optional(),
    })
    .strict();
}
