// The takedown lists the console shows: URLs across cases by where they stand
// (awaiting a notice, notified and waiting for removal, removed), a case's
// URLs, and escalations across cases. Read-only, paged by keyset (a page
// never skips or repeats a row when new ones arrive), PostgreSQL-15 SQL.
//
// Only open cases: a withdrawn case's URLs are erased, and nothing of it is
// worked on any more.

import { and, asc, count, desc, eq, inArray, isNotNull, isNull, notExists, sql, type SQL } from 'drizzle-orm';
import { type Database, queryRows } from '../db/database.ts';
import { caseItems, cases, escalations, hosts, notices, urlChecks } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { ESCALATED, type EscalationView } from './escalation.service.ts';
import { directoryEntryOf, domainSuffixes } from './takedown.service.ts';
import type { CheckOutcome } from './takedown.service.ts';

/** A case about a minor with nothing escalated yet. */
export interface AwaitingEscalation {
  readonly caseId: string;
  readonly ageGroup: 'minor' | 'adult' | 'unsure';
  readonly reportedAt: string;
  /** Items an escalation would carry (not rejected). */
  readonly items: number;
  readonly urls: number;
  /** Items an analyst decided `ncii_minor`. */
  readonly minorDecisions: number;
}

export const TAKEDOWN_STATES = ['awaiting', 'notified', 'removed'] as const;
export type TakedownState = (typeof TAKEDOWN_STATES)[number];

const ACCEPTED = ['ncii_adult', 'ncii_minor', 'duplicate'] as const;

export interface TrackedUrl {
  readonly id: string;
  readonly caseId: string;
  readonly position: number;
  readonly url: string;
  readonly host: string | null;
  /** The host directory's entry for the host (the longest matching domain), if any. */
  readonly hostEntry: { readonly id: string; readonly name: string; readonly domain: string; readonly hasAddress: boolean } | null;
  readonly status: Item['status'];
  readonly decision: Item['decision'];
  /** The case is about a minor (reported as one, or this URL decided `ncii_minor`). */
  readonly minor: boolean;
  readonly decidedAt: string | null;
  readonly notifiedAt: string | null;
  readonly removedAt: string | null;
  readonly lastCheck: { readonly checkedAt: string; readonly outcome: CheckOutcome; readonly httpStatus: number | null } | null;
  readonly noticeCount: number;
  /** Notices not out yet: queued for SMTP, or waiting in the outbox. */
  readonly pendingNotices: number;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** A keyset cursor: the sort time and the id of the last row of a page. Opaque to clients. */
function encodeCursor(time: Date, id: string): string {
  return `${time.toISOString()}~${id}`;
}

function decodeCursor(cursor: string): { time: string; id: string } {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)~([0-9a-f-]{36})$/.exec(cursor);
  if (!match || Number.isNaN(Date.parse(match[1]!))) throw new AppError('bad_request', 'not a cursor this list gave');
  return { time: match[1]!, id: match[2]! };
}

const columns = {
  id: caseItems.id,
  caseId: caseItems.caseId,
  position: caseItems.position,
  url: caseItems.url,
  host: caseItems.host,
  status: caseItems.status,
  decision: caseItems.decision,
  ageGroup: cases.ageGroup,
  decidedAt: caseItems.decidedAt,
  notifiedAt: caseItems.notifiedAt,
  removedAt: caseItems.removedAt,
};
type Item = typeof caseItems.$inferSelect;
interface Row {
  readonly id: string;
  readonly caseId: string;
  readonly position: number;
  readonly url: string | null;
  readonly host: string | null;
  readonly status: Item['status'];
  readonly decision: Item['decision'];
  readonly ageGroup: 'minor' | 'adult' | 'unsure';
  readonly decidedAt: Date | null;
  readonly notifiedAt: Date | null;
  readonly removedAt: Date | null;
}

export class TakedownLists {
  constructor(private readonly database: Database) {}

  /**
   * Accepted URLs across open cases in one state. Awaiting: no notice yet,
   * oldest decision first. Notified: a notice went out and the content is
   * still there, longest waiting first. Removed: most recent removal first.
   */
  async byState(state: TakedownState, after: string | undefined, limit: number): Promise<{ items: TrackedUrl[]; nextAfter: string | null; counts: Record<TakedownState, number> }> {
    const { sortColumn, direction } = ORDER[state];
    const cursor = after === undefined ? undefined : decodeCursor(after);
    const keyset = cursor
      ? direction === 'asc'
        ? sql`(${sortColumn}, ${caseItems.id}) > (${cursor.time}::timestamptz, ${cursor.id}::uuid)`
        : sql`(${sortColumn}, ${caseItems.id}) < (${cursor.time}::timestamptz, ${cursor.id}::uuid)`
      : undefined;
    const order = direction === 'asc' ? [asc(sortColumn), asc(caseItems.id)] : [desc(sortColumn), desc(caseItems.id)];
    const rows: Row[] = await this.database.db
      .select(columns)
      .from(caseItems)
      .innerJoin(cases, eq(cases.id, caseItems.caseId))
      .where(and(this.inState(state), keyset))
      .orderBy(...order)
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const lastTime = last ? (state === 'awaiting' ? last.decidedAt : state === 'notified' ? last.notifiedAt : last.removedAt) : null;
    const counts = Object.fromEntries(
      await Promise.all(
        TAKEDOWN_STATES.map(async (s) => {
          const [row] = await this.database.db.select({ n: count() }).from(caseItems).innerJoin(cases, eq(cases.id, caseItems.caseId)).where(this.inState(s));
          return [s, row?.n ?? 0] as const;
        }),
      ),
    ) as Record<TakedownState, number>;
    return { items: await this.complete(page), nextAfter: rows.length > limit && last && lastTime ? encodeCursor(lastTime, last.id) : null, counts };
  }

  /** A case's URLs, whatever their decision, by position; and what the page needs to know of the case. */
  async ofCase(
    caseId: string,
    after: number,
    limit: number,
  ): Promise<{ case: { id: string; ageGroup: 'minor' | 'adult' | 'unsure'; aboutMinor: boolean; urlCount: number }; items: TrackedUrl[]; nextAfter: number | null }> {
    const db = this.database.db;
    const [found] = await db.select({ id: cases.id, ageGroup: cases.ageGroup }).from(cases).where(and(eq(cases.id, caseId), eq(cases.status, 'open')));
    if (!found) throw new AppError('not_found');
    const isUrl = and(eq(caseItems.caseId, caseId), eq(caseItems.kind, 'url'), isNotNull(caseItems.url));
    const rows: Row[] = await db
      .select(columns)
      .from(caseItems)
      .innerJoin(cases, eq(cases.id, caseItems.caseId))
      .where(and(isUrl, sql`${caseItems.position} > ${after}`))
      .orderBy(asc(caseItems.position))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const [urls] = await db.select({ n: count() }).from(caseItems).where(isUrl);
    const [minorItem] = await db
      .select({ id: caseItems.id })
      .from(caseItems)
      .where(and(eq(caseItems.caseId, caseId), eq(caseItems.decision, 'ncii_minor')))
      .limit(1);
    return {
      case: { id: found.id, ageGroup: found.ageGroup, aboutMinor: found.ageGroup === 'minor' || minorItem !== undefined, urlCount: urls?.n ?? 0 },
      items: await this.complete(page),
      nextAfter: rows.length > limit ? page[page.length - 1]!.position : null,
    };
  }

  /**
   * Cases about a minor that nobody has escalated yet, the oldest report
   * first, so that none is forgotten: open, reported as a minor or with an
   * item decided `ncii_minor`, with something to escalate (an item not
   * rejected), and no escalation recorded.
   */
  async awaitingEscalation(limit: number): Promise<{ cases: AwaitingEscalation[]; total: number }> {
    const eligible = sql`c.status = 'open'
      and (c.age_group = 'minor' or exists (select 1 from case_items m where m.case_id = c.id and m.decision = 'ncii_minor'))
      and not exists (select 1 from escalations e where e.case_id = c.id)`;
    const escalable = sql`(i.decision is null or i.decision in (${sql.join(ESCALATED.map((d) => sql`${d}`), sql`, `)}))`;
    const rows = await queryRows<{ id: string; age_group: AwaitingEscalation['ageGroup']; created_at: string | Date; items: number | string; urls: number | string; minor_decisions: number | string }>(
      this.database.db,
      sql`select c.id, c.age_group, c.created_at,
            count(*) as items,
            count(*) filter (where i.kind = 'url') as urls,
            count(*) filter (where i.decision = 'ncii_minor') as minor_decisions
          from cases c join case_items i on i.case_id = c.id
          where ${eligible} and ${escalable}
          group by c.id, c.age_group, c.created_at
          order by c.created_at asc, c.id asc
          limit ${limit}`,
    );
    const [total] = await queryRows<{ n: number | string }>(
      this.database.db,
      sql`select count(*) as n from cases c where ${eligible} and exists (select 1 from case_items i where i.case_id = c.id and ${escalable})`,
    );
    return {
      cases: rows.map((r) => ({
        caseId: r.id,
        ageGroup: r.age_group,
        reportedAt: new Date(r.created_at).toISOString(),
        items: Number(r.items),
        urls: Number(r.urls),
        minorDecisions: Number(r.minor_decisions),
      })),
      total: Number(total?.n ?? 0),
    };
  }

  /** Escalations across cases, newest first. */
  async escalations(after: string | undefined, limit: number): Promise<{ escalations: EscalationView[]; nextAfter: string | null }> {
    const cursor = after === undefined ? undefined : decodeCursor(after);
    const rows = await this.database.db
      .select()
      .from(escalations)
      .where(cursor ? sql`(${escalations.createdAt}, ${escalations.id}) < (${cursor.time}::timestamptz, ${cursor.id}::uuid)` : undefined)
      .orderBy(desc(escalations.createdAt), desc(escalations.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      escalations: page.map((row) => ({
        id: row.id,
        reference: row.reference,
        caseId: row.caseId,
        authority: row.authority,
        authorityReference: row.authorityReference,
        packageDigest: row.packageDigest,
        itemCount: row.itemCount,
        createdAt: row.createdAt.toISOString(),
      })),
      nextAfter: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  private inState(state: TakedownState): SQL | undefined {
    const tracked = and(eq(cases.status, 'open'), eq(caseItems.kind, 'url'), isNotNull(caseItems.url), inArray(caseItems.decision, [...ACCEPTED]));
    switch (state) {
      case 'awaiting':
        return and(
          tracked,
          isNull(caseItems.notifiedAt),
          isNull(caseItems.removedAt),
          notExists(this.database.db.select({ one: sql`1` }).from(notices).where(eq(notices.itemId, caseItems.id))),
        );
      case 'notified':
        return and(tracked, isNotNull(caseItems.notifiedAt), isNull(caseItems.removedAt));
      case 'removed':
        return and(tracked, isNotNull(caseItems.removedAt));
    }
  }

  /** Adds each row's directory entry, last check and notice counts (three queries for the page). */
  private async complete(rows: readonly Row[]): Promise<TrackedUrl[]> {
    if (rows.length === 0) return [];
    const db = this.database.db;
    const ids = rows.map((r) => r.id);
    const hostNames = [...new Set(rows.flatMap((r) => (r.host ? [r.host.toLowerCase()] : [])))];
    const suffixes = [...new Set(hostNames.flatMap(domainSuffixes))];
    const directory = suffixes.length === 0 ? [] : await db.select().from(hosts).where(inArray(hosts.domain, suffixes));
    const byDomain = new Map(directory.map((h) => [h.domain, h]));
    const checks = await db
      .selectDistinctOn([urlChecks.itemId], { itemId: urlChecks.itemId, checkedAt: urlChecks.checkedAt, outcome: urlChecks.outcome, httpStatus: urlChecks.httpStatus })
      .from(urlChecks)
      .where(inArray(urlChecks.itemId, ids))
      .orderBy(urlChecks.itemId, desc(urlChecks.checkedAt), desc(urlChecks.id));
    const lastCheck = new Map(checks.map((c) => [c.itemId, c]));
    const noticeCounts = await db
      .select({ itemId: notices.itemId, total: count(), pending: sql<number>`count(*) filter (where ${notices.status} in ('queued', 'outbox'))::int` })
      .from(notices)
      .where(inArray(notices.itemId, ids))
      .groupBy(notices.itemId);
    const countsOf = new Map(noticeCounts.map((n) => [n.itemId, n]));
    return rows.map((row) => {
      const entry = row.host ? directoryEntryOf(byDomain, row.host) : null;
      const check = lastCheck.get(row.id);
      return {
        id: row.id,
        caseId: row.caseId,
        position: row.position,
        url: row.url ?? '',
        host: row.host,
        hostEntry: entry ? { id: entry.id, name: entry.name, domain: entry.domain, hasAddress: entry.abuseEmail !== null } : null,
        status: row.status,
        decision: row.decision,
        minor: row.ageGroup === 'minor' || row.decision === 'ncii_minor',
        decidedAt: iso(row.decidedAt),
        notifiedAt: iso(row.notifiedAt),
        removedAt: iso(row.removedAt),
        lastCheck: check ? { checkedAt: check.checkedAt.toISOString(), outcome: check.outcome, httpStatus: check.httpStatus } : null,
        noticeCount: countsOf.get(row.id)?.total ?? 0,
        pendingNotices: countsOf.get(row.id)?.pending ?? 0,
      };
    });
  }
}

const ORDER = {
  awaiting: { sortColumn: caseItems.decidedAt, direction: 'asc' },
  notified: { sortColumn: caseItems.notifiedAt, direction: 'asc' },
  removed: { sortColumn: caseItems.removedAt, direction: 'desc' },
} as const;
