// The audit log for admins: a page at a time, and the chain's verification.

import { z } from 'zod';
import { ADMINS } from '../console/console-access.ts';
import type { App } from '../http/app.ts';
import type { AuditService } from './audit.service.ts';

export function auditRoutes(audit: AuditService) {
  return (app: App): Promise<void> => {
    const auditDetail = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

    app.get(
      '/api/console/audit',
      {
        config: { access: ADMINS },
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
      async (request, reply) => reply.header('cache-control', 'no-store').send(await audit.list(request.query)),
    );

    app.get(
      '/api/console/audit/verify',
      {
        config: { access: ADMINS },
        schema: {
          tags: ['console'],
          summary: 'Recompute the whole hash chain: ok, how many entries hold, and the first broken one (an edit, a deletion or a reordering)',
          response: { 200: z.object({ ok: z.boolean(), entries: z.number().int(), firstBrokenId: z.number().int().nullable(), checkedAt: z.string() }) },
        },
      },
      async (request, reply) => {
        const result = await audit.verify();
        return reply.header('cache-control', 'no-store').send({ ok: result.ok, entries: result.entries, firstBrokenId: result.ok ? null : result.firstBrokenId, checkedAt: new Date().toISOString() });
      },
    );
    return Promise.resolve();
  };
}
