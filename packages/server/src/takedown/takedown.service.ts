// Getting content taken down: the host directory, notices (sent by SMTP or
// left in an outbox for an analyst to download), and re-checks of each
// notified URL until the content is gone, with the time it went.
//
// A URL's life after an analyst accepts it: notice created → sent (or
// downloaded from the outbox) → item `notified`, re-checks scheduled → a
// re-check finds it gone (404, 410, 451) or an analyst confirms it → item
// `removed`, with the time. Every step lands in the item's history, which is
// what the victim's status page shows.

import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { appendAudit } from '../audit/audit.ts';
import { newReference } from '../cases/credentials.ts';
import type { Database, Executor } from '../db/database.ts';
import { CHECK_OUTCOMES, NOTICE_STATUSES, caseItems, cases, hosts, itemEvents, notices, urlChecks } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { type Mailer, type NoticeMessage, composeEml } from './mailer.ts';
import { type NoticeLanguage, renderNotice } from './notice-template.ts';
import type { CheckResult, UrlChecker } from './url-checker.ts';

export type NoticeStatus = (typeof NOTICE_STATUSES)[number];
export type CheckOutcome = (typeof CHECK_OUTCOMES)[number];

export interface HostInput {
  readonly domain: string;
  readonly name: string;
  readonly abuseEmail?: string | null | undefined;
  readonly language?: NoticeLanguage | undefined;
  readonly partner?: boolean | undefined;
}

export interface HostView {
  readonly id: string;
  readonly domain: string;
  readonly name: string;
  readonly abuseEmail: string | null;
  readonly language: NoticeLanguage;
  readonly partner: boolean;
}

export interface NoticeView {
  readonly id: string;
  readonly reference: string;
  readonly itemId: string;
  readonly hostId: string | null;
  readonly recipient: string | null;
  readonly language: NoticeLanguage;
  readonly channel: 'email' | 'outbox';
  readonly status: NoticeStatus;
  readonly createdAt: string;
  readonly sentAt: string | null;
}

export interface CheckView {
  readonly checkedAt: string;
  readonly outcome: CheckOutcome;
  readonly httpStatus: number | null;
  /** True when an analyst asked for it, false for a scheduled re-check. */
  readonly manual: boolean;
}

export interface NoticeRequest {
  readonly language?: NoticeLanguage | undefined;
  /** An address the analyst found (e.g. in the site's legal notice), when the directory has none. */
  readonly recipient?: string | undefined;
}

/** Re-checks after a notice: an hour, six hours, a day, then daily, for 30 days. */
export const RECHECK_DELAYS_HOURS = [1, 6, 24] as const;
export const RECHECK_FOR_DAYS = 30;

const ACCEPTED = ['ncii_adult', 'ncii_minor', 'duplicate'];
const HOUR = 3_600_000;

export interface TakedownDeps {
  readonly database: Database;
  readonly jobs: JobQueue;
  readonly checker: UrlChecker;
  /** Null: no SMTP server; notices wait in the outbox. */
  readonly mailer: Mailer | null;
  readonly hotline: { readonly name: string; readonly email: string };
  readonly now?: () => Date;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

function noticeView(row: typeof notices.$inferSelect): NoticeView {
  return {
    id: row.id,
    reference: row.reference,
    itemId: row.itemId,
    hostId: row.hostId,
    recipient: row.recipient,
    language: row.language,
    channel: row.channel,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    sentAt: iso(row.sentAt),
  };
}

function hostView(row: typeof hosts.$inferSelect): HostView {
  return { id: row.id, domain: row.domain, name: row.name, abuseEmail: row.abuseEmail, language: row.language, partner: row.partner };
}

/** A domain as the directory keys it: lower case, no trailing dot, punycode; null when it is not a domain name. */
export function normaliseDomain(text: string): string | null {
  const trimmed = text.trim().replace(/\.$/, '');
  if (trimmed === '' || /[\s/:@?#\\]/.test(trimmed)) return null;
  let host: string;
  try {
    host = new URL(`http://${trimmed}/`).hostname;
  } catch {
    return null;
  }
  return host.includes('.') && isIP(host) === 0 && /^[a-z0-9.-]+$/.test(host) && !host.startsWith('.') && !host.includes('..') ? host : null;
}

/** The domain and each parent: a.b.example.com → a.b.example.com, b.example.com, example.com. */
export function domainSuffixes(hostname: string): string[] {
  const labels = hostname.split('.');
  const list: string[] = [];
  for (let i = 0; i < labels.length - 1; i++) list.push(labels.slice(i).join('.'));
  return list;
}

/** The directory entry for a host among entries keyed by domain: the longest domain that covers it, as for notices. */
export function directoryEntryOf<T>(byDomain: ReadonlyMap<string, T>, hostname: string): T | null {
  return domainSuffixes(hostname.toLowerCase()).map((d) => byDomain.get(d)).find((e) => e !== undefined) ?? null;
}

export class TakedownService {
  private readonly now: () => Date;

  constructor(private readonly deps: TakedownDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  get channel(): 'email' | 'outbox' {
    return this.deps.mailer ? 'email' : 'outbox';
  }

  // --- The host directory -------------------------------------------------

  async listHosts(): Promise<HostView[]> {
    const rows = await this.deps.database.db.select().from(hosts).orderBy(asc(hosts.domain));
    return rows.map(hostView);
  }

  async createHost(input: HostInput, actor: string): Promise<HostView> {
    const domain = normaliseDomain(input.domain);
    if (!domain) throw new AppError('validation_failed', 'not a domain name', { details: [{ path: 'body.domain', message: 'expected a domain such as example.com' }] });
    return this.deps.database.db.transaction(async (tx) => {
      const [existing] = await tx.select({ id: hosts.id }).from(hosts).where(eq(hosts.domain, domain));
      if (existing) throw new AppError('conflict', 'this domain is already in the directory');
      const [row] = await tx
        .insert(hosts)
        .values({ id: randomUUID(), domain, name: input.name, abuseEmail: input.abuseEmail ?? null, language: input.language ?? 'en', partner: input.partner ?? false })
        .returning();
      await appendAudit(tx, { actor, action: 'host.create', subject: `host:${row!.id}` }, this.now());
      return hostView(row!);
    });
  }

  async updateHost(id: string, patch: { readonly [K in Exclude<keyof HostInput, 'domain'>]?: HostInput[K] | undefined }, actor: string): Promise<HostView> {
    return this.deps.database.db.transaction(async (tx) => {
      const [row] = await tx
        .update(hosts)
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.abuseEmail !== undefined ? { abuseEmail: patch.abuseEmail } : {}),
          ...(patch.language !== undefined ? { language: patch.language } : {}),
          ...(patch.partner !== undefined ? { partner: patch.partner } : {}),
          updatedAt: this.now(),
        })
        .where(eq(hosts.id, id))
        .returning();
      if (!row) throw new AppError('not_found');
      await appendAudit(tx, { actor, action: 'host.update', subject: `host:${id}` }, this.now());
      return hostView(row);
    });
  }

  async deleteHost(id: string, actor: string): Promise<void> {
    await this.deps.database.db.transaction(async (tx) => {
      const deleted = await tx.delete(hosts).where(eq(hosts.id, id)).returning({ id: hosts.id });
      if (deleted.length === 0) throw new AppError('not_found');
      await appendAudit(tx, { actor, action: 'host.delete', subject: `host:${id}` }, this.now());
    });
  }

  /** The directory entry for a host name, outside any transaction. */
  hostOf(hostname: string): Promise<HostView | null> {
    return this.hostFor(this.deps.database.db, hostname);
  }

  /** The directory entry for a host name: the longest matching domain (sub.example.com falls back to example.com). */
  async hostFor(tx: Executor, hostname: string): Promise<HostView | null> {
    const candidates = domainSuffixes(hostname.toLowerCase());
    if (candidates.length === 0) return null;
    const rows = await tx.select().from(hosts).where(inArray(hosts.domain, candidates));
    rows.sort((a, b) => b.domain.length - a.domain.length);
    return rows[0] ? hostView(rows[0]) : null;
  }

  // --- Notices -------------------------------------------------------------

  /** The notice as it would go out now: for the analyst to read before sending. */
  async previewNotice(itemId: string, request: NoticeRequest = {}): Promise<{ recipient: string | null; channel: 'email' | 'outbox'; host: HostView | null; subject: string; text: string }> {
    const db = this.deps.database.db;
    const context = await this.noticeContext(db, itemId);
    const language = request.language ?? context.host?.language ?? 'en';
    const rendered = renderNotice({ ...context.template, language, reference: 'DN-XXXX-XXXX', hotline: this.deps.hotline, date: this.now() });
    const recipient = request.recipient ?? context.host?.abuseEmail ?? null;
    return { recipient, channel: this.deps.mailer && recipient ? 'email' : 'outbox', host: context.host, ...rendered };
  }

  /**
   * Records a notice for an accepted URL. With SMTP and a recipient it is
   * queued for sending (a job, retried); otherwise it waits in the outbox
   * until an analyst downloads it.
   */
  async createNotice(itemId: string, userId: string, request: NoticeRequest = {}): Promise<NoticeView> {
    const now = this.now();
    return this.deps.database.db.transaction(async (tx) => {
      const context = await this.noticeContext(tx, itemId, true);
      const recipient = request.recipient ?? context.host?.abuseEmail ?? null;
      const channel = this.deps.mailer && recipient ? 'email' : 'outbox';
      const [row] = await tx
        .insert(notices)
        .values({
          id: randomUUID(),
          reference: newReference('DN'),
          itemId,
          hostId: context.host?.id ?? null,
          recipient,
          language: request.language ?? context.host?.language ?? 'en',
          channel,
          status: channel === 'email' ? 'queued' : 'outbox',
          createdBy: userId,
          createdAt: now,
        })
        .returning();
      if (channel === 'email') await this.deps.jobs.enqueue(tx, 'notice.send', { noticeId: row!.id });
      await appendAudit(tx, { actor: `user:${userId}`, action: 'notice.create', subject: `item:${itemId}`, detail: { notice: row!.id, channel } }, now);
      return noticeView(row!);
    });
  }

  /** The `notice.send` job: sends a queued notice once; a second run finds it sent. */
  async sendQueued(noticeId: string): Promise<'done' | 'nothing_to_do'> {
    const db = this.deps.database.db;
    const [notice] = await db.select().from(notices).where(eq(notices.id, noticeId));
    if (notice?.status !== 'queued' || !notice.recipient || !this.deps.mailer) return 'nothing_to_do';
    let message: NoticeMessage;
    try {
      message = await this.message(db, notice);
    } catch (error) {
      // The item was withdrawn meanwhile (its URL erased): nothing to send, ever.
      if (error instanceof AppError) return 'nothing_to_do';
      throw error;
    }
    // Sent before recorded: a crash in between sends the notice twice, which
    // is better than never (hosts dedupe by the reference in the subject).
    await this.deps.mailer.send(message);
    const now = this.now();
    await db.transaction(async (tx) => {
      const [current] = await tx.select({ status: notices.status }).from(notices).where(eq(notices.id, noticeId)).for('update');
      if (current?.status !== 'queued') return;
      await tx.update(notices).set({ status: 'sent', sentAt: now }).where(eq(notices.id, noticeId));
      await this.markNotified(tx, notice.itemId, now);
      await appendAudit(tx, { actor: 'system', action: 'notice.send', subject: `item:${notice.itemId}`, detail: { notice: noticeId } }, now);
    });
    return 'done';
  }

  /** Notices waiting to be downloaded and sent, the oldest first, each with its case and its place there (to open the case from the list). */
  async outbox(): Promise<(NoticeView & { caseId: string; position: number })[]> {
    const rows = await this.deps.database.db
      .select({ notice: notices, caseId: caseItems.caseId, position: caseItems.position })
      .from(notices)
      .innerJoin(caseItems, eq(caseItems.id, notices.itemId))
      .where(eq(notices.status, 'outbox'))
      .orderBy(asc(notices.createdAt));
    return rows.map((row) => ({ ...noticeView(row.notice), caseId: row.caseId, position: row.position }));
  }

  /**
   * A notice as an .eml file. Downloading one from the outbox is taken as
   * sending it (the analyst sends it from the hotline's mailbox): the item
   * becomes `notified` and its re-checks start. Audited as an export.
   */
  async exportNotice(noticeId: string, userId: string): Promise<{ filename: string; eml: Buffer }> {
    const now = this.now();
    return this.deps.database.db.transaction(async (tx) => {
      const [notice] = await tx.select().from(notices).where(eq(notices.id, noticeId)).for('update');
      if (!notice) throw new AppError('not_found');
      const eml = await composeEml(await this.message(tx, notice));
      if (notice.status === 'outbox') {
        await tx.update(notices).set({ status: 'exported', sentAt: now }).where(eq(notices.id, noticeId));
        await this.markNotified(tx, notice.itemId, now);
      }
      await appendAudit(tx, { actor: `user:${userId}`, action: 'notice.export', subject: `item:${notice.itemId}`, detail: { notice: noticeId } }, now);
      return { filename: `${notice.reference}.eml`, eml };
    });
  }

  async noticesOf(itemId: string): Promise<NoticeView[]> {
    const rows = await this.deps.database.db.select().from(notices).where(eq(notices.itemId, itemId)).orderBy(asc(notices.createdAt));
    return rows.map(noticeView);
  }

  // --- Re-checks -------------------------------------------------------------

  /** Checks a URL now, at an analyst's request, and records what it found. */
  async checkNow(itemId: string, userId: string): Promise<CheckView> {
    const url = await this.urlOf(itemId);
    const result = await this.deps.checker.check(url);
    const now = this.now();
    await this.deps.database.db.transaction(async (tx) => {
      await this.recordCheck(tx, itemId, result, now, userId);
      await appendAudit(tx, { actor: `user:${userId}`, action: 'url.check', subject: `item:${itemId}`, detail: { outcome: result.outcome } }, now);
    });
    return { checkedAt: now.toISOString(), outcome: result.outcome, httpStatus: result.httpStatus, manual: true };
  }

  /**
   * The `url.recheck` job. Runs once per schedule slot (a duplicate run finds
   * a scheduled check after `due` and stops), records the outcome, and
   * schedules the next slot until the content is gone or the period ends.
   */
  async recheckJob(itemId: string, due: Date): Promise<'done' | 'nothing_to_do'> {
    const db = this.deps.database.db;
    const [item] = await db.select({ url: caseItems.url, removedAt: caseItems.removedAt, notifiedAt: caseItems.notifiedAt }).from(caseItems).where(eq(caseItems.id, itemId));
    if (!item?.url || item.removedAt || !item.notifiedAt) return 'nothing_to_do';
    if (await this.scheduledCheckSince(db, itemId, due)) return 'nothing_to_do';
    const result = await this.deps.checker.check(item.url);
    const now = this.now();
    return db.transaction(async (tx) => {
      const [locked] = await tx.select({ id: caseItems.id, notifiedAt: caseItems.notifiedAt }).from(caseItems).where(eq(caseItems.id, itemId)).for('update');
      if (!locked?.notifiedAt || (await this.scheduledCheckSince(tx, itemId, due))) return 'nothing_to_do';
      const removed = await this.recordCheck(tx, itemId, result, now, null);
      if (!removed) {
        const [{ n } = { n: 0 }] = await tx
          .select({ n: sql<number>`count(*)::int` })
          .from(urlChecks)
          .where(and(eq(urlChecks.itemId, itemId), isNull(urlChecks.checkedBy)));
        const next = new Date(now.getTime() + RECHECK_DELAYS_HOURS[Math.min(n, RECHECK_DELAYS_HOURS.length - 1)]! * HOUR);
        if (next.getTime() <= locked.notifiedAt.getTime() + RECHECK_FOR_DAYS * 24 * HOUR) {
          await this.deps.jobs.enqueue(tx, 'url.recheck', { itemId, due: next.toISOString() }, { startAfter: next });
        }
      }
      return 'done';
    });
  }

  async checksOf(itemId: string): Promise<CheckView[]> {
    const rows = await this.deps.database.db.select().from(urlChecks).where(eq(urlChecks.itemId, itemId)).orderBy(desc(urlChecks.checkedAt), desc(urlChecks.id)).limit(200);
    return rows.map((r) => ({ checkedAt: r.checkedAt.toISOString(), outcome: r.outcome, httpStatus: r.httpStatus, manual: r.checkedBy !== null }));
  }

  /** An analyst saw the content gone (e.g. the page now shows something else): recorded as removed now. */
  async confirmRemoved(itemId: string, userId: string): Promise<void> {
    const now = this.now();
    await this.deps.database.db.transaction(async (tx) => {
      const [item] = await tx.select({ kind: caseItems.kind, removedAt: caseItems.removedAt, url: caseItems.url }).from(caseItems).where(eq(caseItems.id, itemId)).for('update');
      if (item?.kind !== 'url' || !item.url) throw new AppError('not_found');
      if (item.removedAt) return;
      await this.setRemoved(tx, itemId, now);
      await appendAudit(tx, { actor: `user:${userId}`, action: 'url.confirm_removed', subject: `item:${itemId}` }, now);
    });
  }

  // --- Internals --------------------------------------------------------------

  /** Records a check; marks the item removed (or back online). Returns whether the item is now removed. */
  private async recordCheck(tx: Executor, itemId: string, result: CheckResult, now: Date, userId: string | null): Promise<boolean> {
    await tx.insert(urlChecks).values({ itemId, checkedAt: now, outcome: result.outcome, httpStatus: result.httpStatus, checkedBy: userId });
    const [item] = await tx.select({ removedAt: caseItems.removedAt, notifiedAt: caseItems.notifiedAt, status: caseItems.status }).from(caseItems).where(eq(caseItems.id, itemId));
    if (!item || item.status === 'withdrawn') return false;
    if (result.outcome === 'removed') {
      if (!item.removedAt) await this.setRemoved(tx, itemId, now);
      return true;
    }
    if (result.outcome === 'online' && item.removedAt) {
      // Back at the same address: the removal did not last. Watching resumes.
      const status = item.notifiedAt ? 'notified' : 'in_review';
      await tx.update(caseItems).set({ removedAt: null, status, updatedAt: now }).where(eq(caseItems.id, itemId));
      await tx.insert(itemEvents).values({ itemId, status, at: now });
      if (item.notifiedAt) {
        const next = new Date(now.getTime() + 24 * HOUR);
        await this.deps.jobs.enqueue(tx, 'url.recheck', { itemId, due: next.toISOString() }, { startAfter: next });
      }
    }
    return false;
  }

  private async setRemoved(tx: Executor, itemId: string, now: Date): Promise<void> {
    await tx.update(caseItems).set({ removedAt: now, status: 'removed', updatedAt: now }).where(eq(caseItems.id, itemId));
    await tx.insert(itemEvents).values({ itemId, status: 'removed', at: now });
  }

  /** First notice out: the item is `notified` and its re-checks are scheduled. */
  private async markNotified(tx: Executor, itemId: string, now: Date): Promise<void> {
    const [item] = await tx.select({ notifiedAt: caseItems.notifiedAt, removedAt: caseItems.removedAt, status: caseItems.status }).from(caseItems).where(eq(caseItems.id, itemId));
    if (!item || item.notifiedAt || item.status === 'withdrawn') return;
    await tx
      .update(caseItems)
      .set({ notifiedAt: now, ...(item.removedAt ? {} : { status: 'notified' as const }), updatedAt: now })
      .where(eq(caseItems.id, itemId));
    await tx.insert(itemEvents).values({ itemId, status: 'notified', at: now });
    if (!item.removedAt) {
      const due = new Date(now.getTime() + RECHECK_DELAYS_HOURS[0] * HOUR);
      await this.deps.jobs.enqueue(tx, 'url.recheck', { itemId, due: due.toISOString() }, { startAfter: due });
    }
  }

  private async scheduledCheckSince(tx: Executor, itemId: string, due: Date): Promise<boolean> {
    const [row] = await tx
      .select({ id: urlChecks.id })
      .from(urlChecks)
      .where(and(eq(urlChecks.itemId, itemId), isNull(urlChecks.checkedBy), sql`${urlChecks.checkedAt} >= ${due}`))
      .limit(1);
    return row !== undefined;
  }

  private async urlOf(itemId: string): Promise<string> {
    const [item] = await this.deps.database.db.select({ kind: caseItems.kind, url: caseItems.url }).from(caseItems).where(eq(caseItems.id, itemId));
    if (item?.kind !== 'url' || !item.url) throw new AppError('not_found');
    return item.url;
  }

  /** What a notice about this item says; refuses items that may not be notified. */
  private async noticeContext(tx: Executor, itemId: string, lock = false) {
    const query = tx
      .select({ item: caseItems, ageGroup: cases.ageGroup, aiGenerated: cases.aiGenerated, caseStatus: cases.status })
      .from(caseItems)
      .innerJoin(cases, eq(cases.id, caseItems.caseId))
      .where(eq(caseItems.id, itemId));
    const [row] = lock ? await query.for('update', { of: caseItems }) : await query;
    if (row?.item.kind !== 'url' || !row.item.url || !row.item.host || row.caseStatus !== 'open') throw new AppError('not_found');
    if (!row.item.decision || !ACCEPTED.includes(row.item.decision)) throw new AppError('conflict', 'only a URL an analyst accepted can be notified');
    const minor = row.item.decision === 'ncii_minor' || row.ageGroup === 'minor';
    const host = await this.hostFor(tx, row.item.host);
    return {
      host,
      template: {
        url: row.item.url,
        category: minor ? ('minor' as const) : ('adult' as const),
        aiGenerated: row.item.decisionAiGenerated ?? row.aiGenerated === 'yes',
        hostName: host?.name ?? null,
      },
    };
  }

  private async message(tx: Executor, notice: typeof notices.$inferSelect): Promise<NoticeMessage> {
    const context = await this.noticeContext(tx, notice.itemId);
    const [host] = notice.hostId ? await tx.select().from(hosts).where(eq(hosts.id, notice.hostId)) : [];
    const rendered = renderNotice({
      ...context.template,
      hostName: host?.name ?? null,
      language: notice.language,
      reference: notice.reference,
      hotline: this.deps.hotline,
      date: notice.sentAt ?? this.now(),
    });
    return { from: { name: this.deps.hotline.name, address: this.deps.hotline.email }, to: notice.recipient, subject: rendered.subject, text: rendered.text, reference: notice.reference };
  }
}
