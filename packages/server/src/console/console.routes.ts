// /api/console/*: the analysts' API, one encapsulated area. Each module
// below owns one part of the console; every route declares who may call it
// (console-access.ts: ANY_STAFF, REVIEWERS, SUPERVISORS, ADMINS, or public for
// signing in and enrolling), and the one access gate (http/access.ts) decides
// from the route that matched. A signed-in user whose role is not admitted
// gets "not found", exactly as for a route that does not exist.

import type { App } from '../http/app.ts';
import { type AuditService } from '../audit/audit.service.ts';
import { auditRoutes } from '../audit/audit.routes.ts';
import type { ConsoleConfig } from '../config.ts';
import { partnerConsoleRoutes, type PartnerConsoleServices } from '../partner/partner-console.routes.ts';
import { helplineRoutes } from '../portal/helplines.routes.ts';
import type { HelplineService } from '../portal/helplines.service.ts';
import type { EscalationService } from '../takedown/escalation.service.ts';
import { escalationRoutes } from '../takedown/escalation.routes.ts';
import { hostRoutes } from '../takedown/hosts.routes.ts';
import { noticeRoutes } from '../takedown/notice.routes.ts';
import { takedownListRoutes } from '../takedown/takedown-console.routes.ts';
import type { TakedownLists } from '../takedown/takedown-lists.ts';
import type { TakedownService } from '../takedown/takedown.service.ts';
import type { ClientBudgets } from '../throttle/client-budgets.ts';
import type { AccountService } from './account.service.ts';
import { reviewRoutes } from './review.routes.ts';
import type { ReviewService } from './review.service.ts';
import { sessionRoutes } from './session.routes.ts';
import { statsRoutes } from './stats.routes.ts';
import type { StatsService } from './stats.service.ts';
import { userRoutes } from './users.routes.ts';

export { SESSION_COOKIE } from './console-access.ts';

export interface ConsoleServices {
  readonly accounts: AccountService;
  readonly review: ReviewService;
  readonly takedown: TakedownService;
  readonly takedownLists: TakedownLists;
  readonly escalations: EscalationService;
  readonly helplines: HelplineService;
  readonly stats: StatsService;
  readonly audit: AuditService;
  readonly partners: PartnerConsoleServices;
  /** When the console suggests a break (DISRUPT_BREAK_AFTER_*). */
  readonly settings: ConsoleConfig;
  /** The per-client sign-in budget (the per-account pause is the account service's). */
  readonly budgets: ClientBudgets;
}

export function consoleRoutes(services: ConsoleServices) {
  const parts = [
    sessionRoutes(services),
    userRoutes(services.accounts),
    reviewRoutes(services),
    hostRoutes(services.takedown),
    noticeRoutes(services.takedown),
    escalationRoutes(services.escalations),
    takedownListRoutes(services.takedownLists),
    statsRoutes(services.stats),
    auditRoutes(services.audit),
    helplineRoutes(services.helplines),
    partnerConsoleRoutes(services.partners),
  ];
  return async (root: App): Promise<void> => {
    await root.register(async (app: App) => {
      for (const part of parts) await part(app);
    });
  };
}
