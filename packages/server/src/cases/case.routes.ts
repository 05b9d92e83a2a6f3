// /api/victim/*: the victim's side of the API, used by the portal.
//
// A victim authenticates with the case number and secret once, then carries
// a bearer token (an hour); the access gate (http/access.ts) recognises it on
// every route declared `access.victim` and puts its case on the request.
// Nothing here records who is asking: no IP address or user agent is stored.
// Sign-in is paused per case number after too many failures (the case
// service), and limited per client far more loosely; the client budgets key
// on an HMAC of the address, never the address, and forget it within the
// hour (throttle/client-budgets.ts).

import multipart from '@fastify/multipart';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { FastifyRequest } from 'fastify';
import { access } from '../http/access.ts';
import type { App } from '../http/app.ts';
import { validIdempotencyKey } from '../idempotency.ts';
import type { ClientBudgets } from '../throttle/client-budgets.ts';
import { signInPaused } from '../throttle/sign-in-guard.ts';
import { type CaseService, MAX_ITEMS_PER_BATCH } from './case.service.ts';
import { ITEM_REJECTIONS } from './items.ts';
import { ITEM_STATUSES, SIGNAL_TYPES } from '../db/schema.ts';
import type { MediaService } from './media.service.ts';

const openCaseBody = z
  .object({
    situation: z.enum(['online', 'at_risk']).describe('The content is already online, or someone threatens to share it'),
    ageGroup: z.enum(['minor', 'adult', 'unsure']).describe('Age of the person when the content was made'),
    aiGenerated: z.enum(['yes', 'no', 'unsure']),
    language: z.enum(['fr', 'en']),
    description: z.string().trim().max(2000).optional(),
    contact: z.object({ email: z.email().max(254) }).strict().optional(),
  })
  .strict();

const openedCase = z.object({
  caseNumber: z.string(),
  secret: z.string().describe('Shown once: it cannot be recovered'),
  token: z.string(),
  expiresAt: z.string(),
});

const signInBody = z.object({ caseNumber: z.string().max(40), secret: z.string().max(100) }).strict();
const session = z.object({ token: z.string(), expiresAt: z.string() });

const itemStatus = z.enum(ITEM_STATUSES);
const caseView = z.object({
  caseNumber: z.string(),
  status: z.enum(['open', 'withdrawn']),
  situation: z.enum(['online', 'at_risk']),
  ageGroup: z.enum(['minor', 'adult', 'unsure']),
  aiGenerated: z.enum(['yes', 'no', 'unsure']),
  language: z.enum(['fr', 'en']),
  description: z.string().nullable(),
  contact: z.object({ email: z.string() }).nullable(),
  createdAt: z.string(),
  withdrawnAt: z.string().nullable(),
  itemCount: z.number().int(),
  items: z.array(
    z.object({
      id: z.string(),
      position: z.number().int(),
      kind: z.enum(['url', 'photo', 'video']),
      url: z.string().nullable(),
      host: z.string().nullable(),
      status: itemStatus,
      createdAt: z.string(),
      notifiedAt: z.string().nullable().describe('URLs: when the first takedown notice went to the host'),
      removedAt: z.string().nullable().describe('URLs: when the content was found gone'),
      history: z.array(z.object({ status: itemStatus, at: z.string() })),
      signals: z
        .array(z.object({ signalType: z.enum(SIGNAL_TYPES), value: z.string() }))
        .describe("The item's fingerprints as given: never the shared bank entry's state, which other cases' items and the hotline change"),
    }),
  ),
  nextAfter: z.number().int().nullable(),
});

const addItemsBody = z
  .object({
    items: z
      .array(z.unknown())
      .min(1)
      .max(MAX_ITEMS_PER_BATCH)
      .describe('Each item: {type:"url",url} | {type:"photo",pdq,quality,md5?} | {type:"video",md5,vpdq:[{frame,quality,pdq,timestamp}]}'),
  })
  .strict();
const itemResults = z.object({
  results: z.array(
    z.union([
      z.object({ index: z.number().int(), ok: z.literal(true), itemId: z.string(), duplicate: z.boolean() }),
      z.object({ index: z.number().int(), ok: z.literal(false), reason: z.enum([...ITEM_REJECTIONS, 'case_full']) }),
    ]),
  ),
});

/**
 * The most one batch of items may weigh: a few MiB, enough for a 4-hour
 * video's vPDQ (14,401 frames, about 1.6 MB of JSON) with room to spare. The
 * portal splits its batches by this as well as by count (web/src/api.ts).
 */
export const MAX_ITEMS_BODY_BYTES = 4 * 1024 * 1024;

const addedMedia = z.object({ itemId: z.string(), kind: z.enum(['photo', 'video']), duplicate: z.boolean() });

export function caseRoutes(cases: CaseService, media: MediaService, limits: { maxUploadBytes: number }, budgets: ClientBudgets) {
  const authHeaders = z.object({ authorization: z.string().optional() });

  return async (root: App): Promise<void> => {
    await root.register(async (app: App) => {
    await app.register(multipart, { limits: { fileSize: limits.maxUploadBytes, files: 1, fields: 0, parts: 1 } });

    app.post(
      '/api/victim/cases',
      {
        config: { access: access.public },
        // A retry whose key already opened a case is answered with it, whatever the budget (and spends none);
        // without a valid key the handler refuses it, so it spends none either.
        preHandler: budgets.caseOpening(async (request) => {
          const key = request.headers['idempotency-key'];
          return typeof key !== 'string' || !validIdempotencyKey(key) || (await cases.isReplay({ scope: 'open-case', key, body: request.body }));
        }),
        schema: {
          tags: ['victim'],
          summary: 'Open a case',
          description:
            'Requires an Idempotency-Key header: a retried request gets the same answer and never opens a second case, even once the hourly budget is spent. Too many cases from one client, or from everyone, in an hour: 429 with Retry-After.',
          headers: z.object({ 'idempotency-key': z.string().optional() }),
          body: openCaseBody,
          response: { 201: openedCase },
        },
      },
      async (request, reply) => {
        const key = request.headers['idempotency-key'];
        if (!validIdempotencyKey(key)) throw new AppError('bad_request', 'an Idempotency-Key header (8–200 visible characters) is required');
        const body = request.body;
        const opened = await cases.openCase(
          { ...body, description: body.description || undefined },
          { scope: 'open-case', key, body },
        );
        return reply.code(201).header('cache-control', 'no-store').send(opened);
      },
    );

    app.post(
      '/api/victim/sessions',
      {
        config: { access: access.public },
        onRequest: budgets.signIn('victim'),
        schema: {
          tags: ['victim'],
          summary: 'Sign in with a case number and secret',
          description:
            'After too many failures for one case number (existing or not), sign-in to it is paused: 429 sign_in_paused with Retry-After, unchecked, until the time the message gives. Too many attempts from one client: 429 too_many_requests.',
          body: signInBody,
          response: { 200: session },
        },
      },
      async (request, reply) => {
        const result = await cases.signIn(request.body.caseNumber, request.body.secret);
        if (!result.ok) throw result.reason === 'paused' ? signInPaused('victim', result.pausedUntil) : new AppError('unauthorized', 'case number or secret not recognised');
        await budgets.signInSucceeded(request);
        return reply.header('cache-control', 'no-store').send({ token: result.token, expiresAt: result.expiresAt });
      },
    );

    app.delete(
      '/api/victim/session',
      { config: { access: access.victim }, schema: { tags: ['victim'], summary: 'Sign out', headers: authHeaders } },
      async (request, reply) => {
        await cases.signOut(request.headers.authorization!.slice('Bearer '.length));
        return reply.code(204).send();
      },
    );

    app.get(
      '/api/victim/case',
      {
        config: { access: access.victim },
        schema: {
          tags: ['victim'],
          summary: 'The case and a page of its items with their status and history',
          headers: authHeaders,
          querystring: z.object({ after: z.coerce.number().int().min(0).optional(), limit: z.coerce.number().int().min(1).max(500).optional() }),
          response: { 200: caseView },
        },
      },
      async (request, reply) => {
        const caseId = victimCase(request);
        const view = await cases.view(caseId, {
          ...(request.query.after === undefined ? {} : { after: request.query.after }),
          ...(request.query.limit === undefined ? {} : { limit: request.query.limit }),
        });
        return reply.header('cache-control', 'no-store').send(view);
      },
    );

    app.post(
      '/api/victim/case/items',
      {
        config: { access: access.victim },
        bodyLimit: MAX_ITEMS_BODY_BYTES,
        schema: {
          tags: ['victim'],
          summary: 'Add a batch of items (URLs, photo and video fingerprints)',
          description: 'Each item is validated on its own; the answer has one result per item, in order. A retried batch finds its items as duplicates.',
          headers: authHeaders,
          body: addItemsBody,
          response: { 200: itemResults },
        },
      },
      async (request) => {
        const caseId = victimCase(request);
        return { results: [...(await cases.addItems(caseId, request.body.items))] };
      },
    );

    app.post(
      '/api/victim/case/withdraw',
      {
        config: { access: access.victim },
        schema: {
          tags: ['victim'],
          summary: 'Withdraw the case',
          description: "Its hashes leave the bank (partners receive tombstones), its contact, description and URLs are erased, and its sessions end.",
          headers: authHeaders,
          response: { 200: z.object({ status: z.literal('withdrawn') }) },
        },
      },
      async (request) => {
        const caseId = victimCase(request);
        await cases.withdraw(caseId);
        return { status: 'withdrawn' as const };
      },
    );
    app.post(
      '/api/victim/case/media',
      {
        config: { access: access.victim },
        schema: {
          tags: ['victim'],
          summary: 'Send a photo or video for verification by an analyst',
          description:
            'multipart/form-data with one field "file". The server fingerprints the file itself, stores it encrypted, and deletes it once reviewed. Refused (403) for content of minors unless the deployment allows it.',
          consumes: ['multipart/form-data'],
          headers: authHeaders,
          response: { 200: addedMedia, 201: addedMedia },
        },
      },
      async (request, reply) => {
        const caseId = victimCase(request);
        if (!request.isMultipart()) throw new AppError('unsupported_media_type', 'send the file as multipart/form-data');
        const file = await request.file();
        if (!file) throw new AppError('bad_request', 'a "file" field is required');
        const bytes = await file.toBuffer();
        const added = await media.addMedia(caseId, bytes);
        return reply.code(added.duplicate ? 200 : 201).send(added);
      },
    );
    });
  };
}

/** The case the gate found for this request's session (every victim route declares `access.victim`). */
function victimCase(request: FastifyRequest): string {
  if (request.victimCaseId === undefined) throw new AppError('unauthorized');
  return request.victimCaseId;
}

// The wire contract as types, for the portal's client (type-only imports: no server code reaches the browser).
export type OpenCaseRequest = z.input<typeof openCaseBody>;
export type OpenedCase = z.infer<typeof openedCase>;
export type VictimSession = z.infer<typeof session>;
export type CaseView = z.infer<typeof caseView>;
export type CaseItemView = CaseView['items'][number];
export type ItemResults = z.infer<typeof itemResults>;
export type AddedMedia = z.infer<typeof addedMedia>;
