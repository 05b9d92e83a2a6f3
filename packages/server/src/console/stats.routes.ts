// Statistics for supervisors and admins, as JSON and as an audited CSV export.

import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { App } from '../http/app.ts';
import { SUPERVISORS, signedIn } from './console-access.ts';
import { MAX_PERIOD_DAYS, type Period, type StatsService } from './stats.service.ts';
import { statsCsv } from './stats-csv.ts';

export function statsRoutes(stats: StatsService) {
  return (app: App): Promise<void> => {
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
        config: { access: SUPERVISORS },
        schema: {
          tags: ['console'],
          summary: 'Counts over a period (default: the last 30 days, at most 3660): reports, items, decisions, the bank, notices, removals, partners, and week by week',
          querystring: periodQuery,
          response: { 200: statsView },
        },
      },
      async (request) => stats.figures(periodOf(request.query)),
    );

    app.get(
      '/api/console/stats.csv',
      {
        config: { access: SUPERVISORS },
        schema: {
          tags: ['console'],
          summary: 'The same statistics as CSV (one figure a row: section,key,subkey,value), for a spreadsheet; the export is audited',
          querystring: periodQuery,
        },
      },
      async (request, reply) => {
        const period = periodOf(request.query);
        const figures = await stats.export(period, `user:${signedIn(request).user.id}`);
        const day = (iso: string) => iso.slice(0, 10);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="disrupt-stats-${day(figures.period.from)}-${day(figures.period.to)}.csv"`)
          .header('cache-control', 'no-store')
          .send(statsCsv(figures));
      },
    );
    return Promise.resolve();
  };
}
