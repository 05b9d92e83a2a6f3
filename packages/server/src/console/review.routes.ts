// Reviewing items: the queue, claims, decisions and reversals, safe previews
// and revealed originals, and an item's whole context.

import { z } from 'zod';
import { DECISIONS, ITEM_STATUSES, NOT_ACTIONABLE_REASONS } from '../db/schema.ts';
import type { App } from '../http/app.ts';
import type { EscalationService } from '../takedown/escalation.service.ts';
import type { TakedownService } from '../takedown/takedown.service.ts';
import { caseParams, checkView, escalationView, hostView, idParams, language, noticeView } from '../takedown/takedown-views.ts';
import { REVIEWERS, SUPERVISORS, signedIn } from './console-access.ts';
import { MEDIA_STATES, type ReviewService } from './review.service.ts';

export interface ReviewRouteDeps {
  readonly review: ReviewService;
  readonly takedown: TakedownService;
  readonly escalations: EscalationService;
}

export function reviewRoutes({ review, takedown, escalations }: ReviewRouteDeps) {
  return (app: App): Promise<void> => {
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
      async (request) => ({ item: await review.claimNext(signedIn(request).user.id) }),
    );

    app.post(
      '/api/console/items/:id/release',
      { config: { access: REVIEWERS }, schema: { tags: ['console'], summary: 'Release a claimed item', params: z.object({ id: z.uuid() }) } },
      async (request, reply) => {
        await review.release(request.params.id, signedIn(request).user.id);
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
        await review.decide(request.params.id, signedIn(request).user.id, request.body);
        return reply.code(204).send();
      },
    );

    app.post(
      '/api/console/items/:id/reverse',
      {
        config: { access: SUPERVISORS },
        schema: {
          tags: ['console'],
          summary: 'Reverse a decision (supervisors; audited): the bank follows',
          params: z.object({ id: z.uuid() }),
          body: decisionBody,
        },
      },
      async (request, reply) => {
        await review.reverse(request.params.id, signedIn(request).user.id, request.body);
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
        const { bytes, mediaType, revealsToday } = await review.reveal(request.params.id, signedIn(request).user.id);
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
      async (request) => ({ today: await review.revealsToday(signedIn(request).user.id) }),
    );

    const decision = z.enum(DECISIONS);

    app.get(
      '/api/console/items/:id',
      {
        config: { access: REVIEWERS },
        schema: {
          tags: ['console'],
          summary: "An item with its case's context, its host, its hashes' state, bank entries near them (matches: PDQ ≤ 31, MD5 exact, vPDQ by shared frames; of another case only whether it is this one), notices, re-checks and escalations",
          params: idParams,
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
          detail.item.host ? takedown.hostOf(detail.item.host) : Promise.resolve(null),
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
    return Promise.resolve();
  };
}
