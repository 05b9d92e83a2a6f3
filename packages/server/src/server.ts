// Wiring, once: configuration → data folder lock → master key → database →
// services → HTTP app. Every port is created here and passed in explicitly.

import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type HashPool, createHashPool } from '@disrupt/media';
import type { DestinationStream } from 'pino';
import { appendAudit } from './audit/audit.ts';
import { anchorAuditIfDue } from './audit/audit-anchor.ts';
import { auditKeyring, installAuditKeyring } from './audit/audit-keys.ts';
import { BankIndex } from './bank/bank-index.ts';
import { JobQueue } from './jobs/job-queue.ts';
import { repeatEvery } from './jobs/periodic.ts';
import { caseRoutes } from './cases/case.routes.ts';
import { CaseService } from './cases/case.service.ts';
import { AccountService } from './console/account.service.ts';
import { AuditService } from './audit/audit.service.ts';
import { consoleAuthenticator } from './console/console-access.ts';
import { consoleRoutes } from './console/console.routes.ts';
import { StatsService } from './console/stats.service.ts';
import type { RouteAccess } from './http/access.ts';
import { TakedownLists } from './takedown/takedown-lists.ts';
import { ReviewService } from './console/review.service.ts';
import { MediaService } from './cases/media.service.ts';
import { HelplineService } from './portal/helplines.service.ts';
import { portalRoutes } from './portal/portal.routes.ts';
import { LocalMediaStore } from './media/media-store.ts';
import { EscalationService } from './takedown/escalation.service.ts';
import { type Mailer, smtpMailer } from './takedown/mailer.ts';
import { TakedownService } from './takedown/takedown.service.ts';
import type { Resolver } from './net/outbound.ts';
import { UrlChecker } from './takedown/url-checker.ts';
import type { Config } from './config.ts';
import { type Key, asKey, loadOrCreateMasterKey } from './crypto/envelope.ts';
import { type Database, openDatabase } from './db/database.ts';
import { type DataLock, lockDataFolder } from './db/data-lock.ts';
import { type BuiltApp, buildApp } from './http/app.ts';
import { type Logger, createLogger } from './logger.ts';
import { FeedbackService } from './partner/feedback.service.ts';
import { MatchService } from './partner/match.service.ts';
import { NegativeBankService } from './partner/negative-bank.service.ts';
import { PdqMatchPool } from './partner/pdq-match-pool.ts';
import { PartnerGate, partnerAuthenticators } from './partner/partner-access.ts';
import { PartnerFeed } from './partner/partner-feed.ts';
import { partnerRoutes } from './partner/partner.routes.ts';
import { PartnerService } from './partner/partner.service.ts';
import { RateLimiter } from './partner/rate-limiter.ts';
import { PageTokens, stopNciiRoutes } from './partner/stopncii.routes.ts';
import { WebhookService } from './partner/webhook.service.ts';
import { type BudgetStore, MemoryBudgetStore, PgBudgetStore } from './throttle/budget-store.ts';
import { ClientBudgets } from './throttle/client-budgets.ts';
import { SignInGuard } from './throttle/sign-in-guard.ts';

/** How often the in-memory bank catches up with the change sequence. */
export const BANK_REFRESH_MS = 2000;
/** How often the worker looks for partner webhooks behind the bank. */
export const WEBHOOK_DISPATCH_MS = 1000;
/** The audit log's head is anchored once a day (when it moved)… */
export const AUDIT_ANCHOR_EVERY_MS = 24 * 60 * 60 * 1000;
/** …checked hourly, and a minute after start, so that a server restarted more often than daily still anchors. */
export const AUDIT_ANCHOR_CHECK_MS = 60 * 60 * 1000;
export const AUDIT_ANCHOR_FIRST_CHECK_MS = 60 * 1000;
/** How often ended budget windows and forgotten sign-in failures are dropped. */
export const THROTTLE_PRUNE_MS = 60_000;

export interface RunningServer {
  readonly app: BuiltApp;
  readonly database: Database;
  /** The bank in memory, for matching; refreshed from the change sequence. */
  readonly bankIndex: BankIndex;
  readonly logger: Logger;
  readonly accounts: AccountService;
  /** Notices and re-checks (its job handlers are also called directly by tests). */
  readonly takedown: TakedownService;
  /** Partner platforms and their keys. */
  readonly partners: PartnerService;
  /** Partner access; `flush()` writes the waiting call entries to the audit log. */
  readonly partnerGate: PartnerGate;
  /** Every route and who may call it (what the authorisation tests walk). */
  readonly routes: readonly RouteAccess[];
  /** On the first start of an embedded deployment: the first admin's one-time enrolment token. */
  readonly firstAdminEnrolment: string | null;
  /** Where it listens, e.g. http://127.0.0.1:8080 (when started with listen). */
  readonly url: string | null;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Listen on config.host:config.port (default true); false for in-process tests with inject(). */
  readonly listen?: boolean;
  readonly logDestination?: DestinationStream;
  /** Name resolution for outgoing requests, the URL checker's and webhooks' (tests point a name at a local fixture host). */
  readonly urlResolver?: Resolver;
}

/** The master key: from DISRUPT_MASTER_KEY, or the data folder's key file (created on first use). */
export function loadMasterKey(config: Config): Key {
  return config.masterKey ? asKey(config.masterKey) : loadOrCreateMasterKey(config.dataDir);
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = createLogger({ level: config.logLevel, ...(options.logDestination ? { destination: options.logDestination } : {}) });
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const lock: DataLock | null = config.database.kind === 'pglite' ? lockDataFolder(config.dataDir, 'serve') : null;
  let database: Database | null = null;
  let pool: HashPool | null = null;
  let jobs: JobQueue | null = null;
  let mailer: (Mailer & { close(): void }) | null = null;
  let matchPool: PdqMatchPool | null = null;
  let stopAnchoring: (() => void) | null = null;
  try {
    const newKeyFile = !config.masterKey && !existsSync(join(config.dataDir, 'master.key'));
    const masterKey = loadMasterKey(config);
    // Before anything can write to the audit log (see audit/audit-keys.ts for why this is process state).
    installAuditKeyring(auditKeyring(masterKey));
    database = await openDatabase(config.database.kind === 'pglite' ? { kind: 'pglite', dataDir: config.database.dataDir } : config.database);
    if (newKeyFile) await database.db.transaction((tx) => appendAudit(tx, { actor: 'system', action: 'key.create', subject: 'master.key' }));
    const { throttle } = config;
    const guard = new SignInGuard({ database, masterKey, policy: { failures: throttle.signInFailures, pauseMinutes: throttle.signInPauseMinutes } });
    // Replicas share PostgreSQL, so they share one budget there; the embedded database has one process.
    const budgetStore: BudgetStore = database.kind === 'postgres' ? new PgBudgetStore(database) : new MemoryBudgetStore();
    const budgets = new ClientBudgets({ store: budgetStore, masterKey, limits: throttle });
    const cases = new CaseService({ database, masterKey, allowMinorMedia: config.allowMinorMedia, guard });
    const db = database;
    jobs = new JobQueue(database);
    await jobs.start();
    // Partner match threads follow the bank index (its observer), so they are there before it loads.
    if (config.matchWorkers > 0) matchPool = new PdqMatchPool(config.matchWorkers);
    const bankIndex = new BankIndex(database, matchPool);
    matchPool?.attach(bankIndex);
    await bankIndex.refresh();
    const mediaStore = new LocalMediaStore(join(config.dataDir, 'media'));
    pool = createHashPool({ size: Math.max(1, availableParallelism() - 1) });
    const media = new MediaService({
      database,
      masterKey,
      store: mediaStore,
      pool,
      jobs,
      bank: bankIndex,
      allowMinorMedia: config.allowMinorMedia,
      retentionDays: config.mediaRetentionDays,
    });
    if (config.roles.includes('worker')) {
      await jobs.work('media.expire', (data) => media.expire(data.objectId));
    }
    const accounts = new AccountService({ database, masterKey, guard });
    const review = new ReviewService({ database, store: mediaStore, masterKey, bank: bankIndex });
    const checker = new UrlChecker({ allow: config.fetchAllow, ...(options.urlResolver ? { resolve: options.urlResolver } : {}) });
    mailer = config.smtpUrl ? smtpMailer(config.smtpUrl) : null;
    const takedown = new TakedownService({ database, jobs, checker, mailer, hotline: config.hotline });
    const escalations = new EscalationService({ database, masterKey, hotline: config.hotline });
    if (config.roles.includes('worker')) {
      await jobs.work('notice.send', (data) => takedown.sendQueued(data.noticeId));
    }
    if (config.roles.includes('monitor')) {
      await jobs.work('url.recheck', (data) => takedown.recheckJob(data.itemId, new Date(data.due)));
    }
    const helplines = new HelplineService({ database, configured: config.portal.helplines });
    const partners = new PartnerService(database);
    const feed = new PartnerFeed(database, masterKey);
    const feedback = new FeedbackService({ database, masterKey, rule: { minNotBlocked: config.disputeMinNotBlocked, minPartners: config.disputeMinPartners } });
    const webhooks = new WebhookService({ database, masterKey, jobs, feed, allowHttp: config.partnerWebhookAllowHttp, ...(options.urlResolver ? { resolve: options.urlResolver } : {}) });
    const negativeBank = new NegativeBankService(database, bankIndex);
    const gate = new PartnerGate(database, new RateLimiter(), logger);
    const consoleApi = consoleRoutes({
      accounts,
      review,
      takedown,
      takedownLists: new TakedownLists(database),
      escalations,
      helplines,
      stats: new StatsService(database),
      audit: new AuditService(database),
      partners: { partners, negative: negativeBank, webhooks, defaultRateLimit: config.partnerRateLimit },
      settings: config.console,
      budgets,
    });
    if (config.roles.includes('worker')) {
      await jobs.work('partner.webhook', (data) => webhooks.deliver(data.webhookId), 1);
      webhooks.start(WEBHOOK_DISPATCH_MS, (error) => {
        logger.error({ err: error }, 'webhook dispatch failed');
      });
    }
    // No default password: the first admin of an embedded deployment enrols
    // through a one-time link, printed once by `disrupt serve`.
    const firstAdminEnrolment =
      config.database.kind === 'pglite' && !(await accounts.hasUsers()) ? (await accounts.createUser('admin@localhost', 'admin', 'system')).enrolmentToken : null;
    const hashPool = pool;
    const partnerMatchPool = matchPool;
    const jobQueue = jobs;
    const smtp = mailer;
    bankIndex.start(BANK_REFRESH_MS, (error) => {
      logger.error({ err: error }, 'bank index refresh failed');
    });
    if (config.roles.includes('worker')) {
      stopAnchoring = repeatEvery(
        AUDIT_ANCHOR_CHECK_MS,
        async () => {
          const outcome = await anchorAuditIfDue(db, config.auditAnchorDir, AUDIT_ANCHOR_EVERY_MS);
          // The log collector keeps a second copy of every anchor. The MAC is not secret: it forges nothing without the key.
          if (outcome.status === 'anchored') {
            const { entryId, mac, keyVersion, at } = outcome.anchor;
            logger.info({ auditAnchor: { entryId, mac, keyVersion, at, file: outcome.file } }, 'audit anchor');
          }
        },
        (error) => {
          logger.error({ err: error }, 'audit anchor failed');
        },
        AUDIT_ANCHOR_FIRST_CHECK_MS,
      );
    }
    const stopThrottlePrune = repeatEvery(THROTTLE_PRUNE_MS, () => Promise.all([budgetStore.prune(), guard.prune()]), (error) => {
      logger.error({ err: error }, 'throttle prune failed');
    });
    if (config.trustProxy === true) {
      logger.warn(
        'DISRUPT_TRUST_PROXY=true believes every X-Forwarded-For entry, so clients choose their own address and rate-limit bucket; set the number of proxy hops or the proxies\' addresses',
      );
    }
    const app = await buildApp({
      logger,
      bodyLimit: Math.max(config.maxUploadBytes, 10 * 1024 * 1024),
      trustProxy: config.trustProxy,
      ready: () => db.ping(),
      authenticators: {
        ...consoleAuthenticator(accounts),
        victimSession: (token) => cases.caseOfSession(token),
        ...partnerAuthenticators(partners, gate),
        metricsToken: config.metricsToken,
      },
      plugins: [
        // First: the routes below take their limits from it.
        budgets.plugin,
        caseRoutes(cases, media, { maxUploadBytes: config.maxUploadBytes }, budgets),
        consoleApi,
        partnerRoutes({ partners, gate, feed, match: new MatchService(bankIndex, pool, matchPool ?? undefined), feedback, webhooks, maxUploadBytes: config.maxUploadBytes }),
        stopNciiRoutes({ partners, gate, feed, feedback, tokens: new PageTokens(masterKey) }),
        // Last: its catch-all for the portal's files must not shadow an API route.
        portalRoutes(config.portal, { allowMinorMedia: config.allowMinorMedia, helplines: async () => (await helplines.current()).helplines }),
      ],
    });
    let url: string | null = null;
    if (options.listen !== false) {
      url = await app.listen({ host: config.host, port: config.port });
      logger.info({ address: url, database: db.kind, roles: config.roles, bankEntries: bankIndex.size }, 'disrupt listening');
    }
    return {
      app,
      database: db,
      bankIndex,
      logger,
      routes: app.routeTable(),
      partners,
      partnerGate: gate,
      accounts,
      takedown,
      firstAdminEnrolment,
      url,
      async close() {
        stopAnchoring?.();
        stopThrottlePrune();
        bankIndex.stop();
        webhooks.stop();
        await app.close();
        await gate.flush();
        await jobQueue.stop();
        smtp?.close();
        await hashPool.close();
        await partnerMatchPool?.close();
        await db.close();
        lock?.release();
      },
    };
  } catch (error) {
    stopAnchoring?.();
    mailer?.close();
    await jobs?.stop();
    await pool?.close();
    await matchPool?.close();
    await database?.close();
    lock?.release();
    throw error;
  }
}
