// The shapes the console shows of hosts, notices, re-checks and escalations,
// defined once for every route that answers with them.

import { z } from 'zod';
import { AUTHORITIES, CHECK_OUTCOMES, NOTICE_STATUSES } from '../db/schema.ts';

export const language = z.enum(['fr', 'en']);

export const hostView = z.object({ id: z.string(), domain: z.string(), name: z.string(), abuseEmail: z.string().nullable(), language, partner: z.boolean() });

export const noticeView = z.object({
  id: z.string(),
  reference: z.string(),
  itemId: z.string(),
  hostId: z.string().nullable(),
  recipient: z.string().nullable(),
  language,
  channel: z.enum(['email', 'outbox']),
  status: z.enum(NOTICE_STATUSES),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});

export const checkView = z.object({ checkedAt: z.string(), outcome: z.enum(CHECK_OUTCOMES), httpStatus: z.number().int().nullable(), manual: z.boolean() });

/** An escalation as the console shows it (also the shape of the per-case and per-item escalation answers). */
export const escalationView = z.object({
  id: z.string(),
  reference: z.string(),
  caseId: z.string(),
  authority: z.enum(AUTHORITIES),
  authorityReference: z.string().nullable(),
  packageDigest: z.string(),
  itemCount: z.number().int(),
  createdAt: z.string(),
});

/** A console path parameter naming an item, host, notice or escalation. */
export const idParams = z.object({ id: z.uuid() });
export const caseParams = z.object({ caseId: z.uuid() });
