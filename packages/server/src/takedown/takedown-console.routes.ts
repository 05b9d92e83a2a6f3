// Console routes for the takedown and escalation lists: the URLs being taken
// down across cases, a case's URLs with what the takedown page needs of
// each, and escalations across cases. The actions (notices, checks, removal,
// escalating) are in notice.routes.ts and escalation.routes.ts.

import { z } from 'zod';
import { REVIEWERS } from '../console/console-access.ts';
import { CHECK_OUTCOMES, DECISIONS, ITEM_STATUSES } from '../db/schema.ts';
import type { App } from '../http/app.ts';
import { TAKEDOWN_STATES, type TakedownLists } from './takedown-lists.ts';
import { escalationView } from './takedown-views.ts';

const tags = ['console'];

const trackedUrl = z.object({
  id: z.string(),
  caseId: z.string(),
  position: z.number().int(),
  url: z.string(),
  host: z.string().nullable(),
  hostEntry: z.object({ id: z.string(), name: z.string(), domain: z.string(), hasAddress: z.boolean() }).nullable(),
  status: z.enum(ITEM_STATUSES),
  decision: z.enum(DECISIONS).nullable(),
  minor: z.boolean(),
  decidedAt: z.string().nullable(),
  notifiedAt: z.string().nullable(),
  removedAt: z.string().nullable(),
  lastCheck: z.object({ checkedAt: z.string(), outcome: z.enum(CHECK_OUTCOMES), httpStatus: z.number().int().nullable() }).nullable(),
  noticeCount: z.number().int(),
  pendingNotices: z.number().int(),
});

const limit = z.coerce.number().int().min(1).max(200).default(50);
const cursor = z.string().max(100).optional();

export function takedownListRoutes(lists: TakedownLists) {
  return (app: App): Promise<void> => {
    app.get(
      '/api/console/takedowns',
      {
        config: { access: REVIEWERS },
        schema: {
          tags,
          summary: 'Accepted URLs across cases by state: awaiting a notice, notified (waiting for removal), removed; with the count in each state',
          querystring: z.object({ state: z.enum(TAKEDOWN_STATES), after: cursor, limit }),
          response: {
            200: z.object({
              items: z.array(trackedUrl),
              nextAfter: z.string().nullable(),
              counts: z.object({ awaiting: z.number().int(), notified: z.number().int(), removed: z.number().int() }),
            }),
          },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send(await lists.byState(request.query.state, request.query.after, request.query.limit)),
    );

    app.get(
      '/api/console/cases/:caseId/takedowns',
      {
        config: { access: REVIEWERS },
        schema: {
          tags,
          summary: "A case's URLs, a page at a time (by position), with host entry, notices, last check and removal",
          params: z.object({ caseId: z.uuid() }),
          querystring: z.object({ after: z.coerce.number().int().min(0).default(0), limit }),
          response: {
            200: z.object({
              case: z.object({ id: z.string(), ageGroup: z.enum(['minor', 'adult', 'unsure']), aboutMinor: z.boolean(), urlCount: z.number().int() }),
              items: z.array(trackedUrl),
              nextAfter: z.number().int().nullable(),
            }),
          },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send(await lists.ofCase(request.params.caseId, request.query.after, request.query.limit)),
    );

    app.get(
      '/api/console/escalations/awaiting',
      {
        config: { access: REVIEWERS },
        schema: {
          tags,
          summary: 'Cases about a minor with nothing escalated yet, the oldest report first (a worklist, so that none is forgotten)',
          querystring: z.object({ limit }),
          response: {
            200: z.object({
              cases: z.array(
                z.object({
                  caseId: z.string(),
                  ageGroup: z.enum(['minor', 'adult', 'unsure']),
                  reportedAt: z.string(),
                  items: z.number().int().describe('Items an escalation would carry (not rejected)'),
                  urls: z.number().int(),
                  minorDecisions: z.number().int().describe('Items an analyst decided ncii_minor'),
                }),
              ),
              total: z.number().int(),
            }),
          },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send(await lists.awaitingEscalation(request.query.limit)),
    );

    app.get(
      '/api/console/escalations',
      {
        config: { access: REVIEWERS },
        schema: {
          tags,
          summary: 'Escalations to the authorities across cases, newest first',
          querystring: z.object({ after: cursor, limit }),
          response: { 200: z.object({ escalations: z.array(escalationView), nextAfter: z.string().nullable() }) },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send(await lists.escalations(request.query.after, request.query.limit)),
    );
    return Promise.resolve();
  };
}
