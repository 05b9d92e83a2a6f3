// Statistics for supervisors, over a period: reports received (by age group
// and situation), items by kind, decisions by category, the bank, notices,
// escalations, removal rate and time to removal (overall, per host, per
// partner). Counts only: nothing here identifies a victim or a piece of content.

import { type SQL, and, count, eq, gte, isNotNull, lt, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { appendAudit } from '../audit/audit.ts';
import { bankStats } from '../bank/bank.repository.ts';
import type { Database, Executor } from '../db/database.ts';
import { caseItems, cases, escalations, hosts, notices } from '../db/schema.ts';
import { partnerStats } from '../partner/feedback.service.ts';
import { directoryEntryOf } from '../takedown/takedown.service.ts';

export interface Period {
  readonly from: Date;
  readonly to: Date;
}

/** The longest period the statistics cover in one request (ten years: about 520 weekly rows). */
export const MAX_PERIOD_DAYS = 3660;

export interface WeekFigures {
  /** The week's Monday (UTC), YYYY-MM-DD. */
  readonly weekStart: string;
  /** Cases opened. */
  readonly reports: number;
  /** Items received. */
  readonly items: number;
  /** Items decided. */
  readonly decided: number;
  /** Of those, content shared without consent (ncii_adult, ncii_minor). */
  readonly accepted: number;
  /** URLs found gone (after a notice, or confirmed by an analyst). */
  readonly removed: number;
}

export type ConsoleStats = Awaited<ReturnType<typeof consoleStats>>;

/** The statistics the console shows, and their audited export. */
export class StatsService {
  constructor(private readonly database: Database) {}

  figures(period: Period): Promise<ConsoleStats> {
    return consoleStats(this.database, period);
  }

  /** The figures for an export: the export itself is audited (who, which period). */
  async export(period: Period, actor: string): Promise<ConsoleStats> {
    const figures = await consoleStats(this.database, period);
    await this.database.db.transaction((tx) => appendAudit(tx, { actor, action: 'stats.export', subject: null, detail: { from: figures.period.from, to: figures.period.to } }));
    return figures;
  }
}

export async function consoleStats(database: Database, period: Period) {
  const db = database.db;
  const inCases = and(gte(cases.createdAt, period.from), lt(cases.createdAt, period.to));
  const inItems = and(gte(caseItems.createdAt, period.from), lt(caseItems.createdAt, period.to));
  const byAge = await db.select({ key: cases.ageGroup, n: count() }).from(cases).where(inCases).groupBy(cases.ageGroup);
  const bySituation = await db.select({ key: cases.situation, n: count() }).from(cases).where(inCases).groupBy(cases.situation);
  const withdrawn = await db.select({ n: count() }).from(cases).where(and(inCases, isNotNull(cases.withdrawnAt)));
  const byKind = await db.select({ key: caseItems.kind, n: count() }).from(caseItems).where(inItems).groupBy(caseItems.kind);
  const decided = and(isNotNull(caseItems.decidedAt), gte(caseItems.decidedAt, period.from), lt(caseItems.decidedAt, period.to));
  const byDecision = await db.select({ key: caseItems.decision, n: count() }).from(caseItems).where(decided).groupBy(caseItems.decision);
  const sent = await db.select({ n: count() }).from(notices).where(and(isNotNull(notices.sentAt), gte(notices.sentAt, period.from), lt(notices.sentAt, period.to)));
  const outbox = await db.select({ n: count() }).from(notices).where(eq(notices.status, 'outbox'));
  const byAuthority = await db
    .select({ key: escalations.authority, n: count() })
    .from(escalations)
    .where(and(gte(escalations.createdAt, period.from), lt(escalations.createdAt, period.to)))
    .groupBy(escalations.authority);
  const toRecord = (rows: { key: string | null; n: number }[]) => Object.fromEntries(rows.filter((r) => r.key !== null).map((r) => [r.key, r.n])) as Record<string, number>;
  return {
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    reports: { total: byAge.reduce((sum, r) => sum + r.n, 0), byAgeGroup: toRecord(byAge), bySituation: toRecord(bySituation), withdrawn: withdrawn[0]?.n ?? 0 },
    items: { byKind: toRecord(byKind) },
    decisions: toRecord(byDecision),
    bank: await bankStats(db),
    notices: { sent: sent[0]?.n ?? 0, waitingInOutbox: outbox[0]?.n ?? 0 },
    escalations: toRecord(byAuthority),
    removals: await removalStats(database, period),
    partners: await partnerStats(db, period),
    weekly: await weeklyStats(db, period),
  };
}

const DAY_MS = 86_400_000;

/** The Monday (00:00 UTC) of the week holding `at`. */
export function mondayOf(at: Date): Date {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  return new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * DAY_MS);
}

/** Every week the period touches, oldest first: the first holds `from`, the last holds the period's last instant. */
export function weeksOf(period: Period): string[] {
  const weeks: string[] = [];
  const last = mondayOf(new Date(period.to.getTime() - 1)).getTime();
  for (let t = mondayOf(period.from).getTime(); t <= last; t += 7 * DAY_MS) weeks.push(new Date(t).toISOString().slice(0, 10));
  return weeks;
}

/**
 * Figures per week (Monday to Sunday, UTC), every week of the period with
 * zeros included, so a chart's x axis is the period and not the busy weeks.
 * The first and last weeks count only what falls inside the period.
 */
async function weeklyStats(db: Executor, period: Period): Promise<WeekFigures[]> {
  // PostgreSQL's ISO weeks start on Monday; the timestamps are read in UTC whatever the session's time zone.
  const week = (column: PgColumn) => sql<string>`to_char(date_trunc('week', ${column} at time zone 'UTC'), 'YYYY-MM-DD')`;
  const within = (column: PgColumn): SQL => and(isNotNull(column), gte(column, period.from), lt(column, period.to))!;
  const perWeek = async (column: PgColumn, table: typeof cases | typeof caseItems, extra?: SQL) => {
    const rows = await db
      .select({ week: week(column), n: count() })
      .from(table)
      .where(and(within(column), extra))
      .groupBy(week(column));
    return new Map(rows.map((r) => [r.week, r.n]));
  };
  const reports = await perWeek(cases.createdAt, cases);
  const items = await perWeek(caseItems.createdAt, caseItems);
  const decided = await perWeek(caseItems.decidedAt, caseItems);
  const accepted = await perWeek(caseItems.decidedAt, caseItems, sql`${caseItems.decision} in ('ncii_adult', 'ncii_minor')`);
  const removed = await perWeek(caseItems.removedAt, caseItems);
  return weeksOf(period).map((weekStart) => ({
    weekStart,
    reports: reports.get(weekStart) ?? 0,
    items: items.get(weekStart) ?? 0,
    decided: decided.get(weekStart) ?? 0,
    accepted: accepted.get(weekStart) ?? 0,
    removed: removed.get(weekStart) ?? 0,
  }));
}

export interface RemovalFigures {
  /** URLs whose first notice went out in the period. */
  readonly notified: number;
  /** Of those, how many are gone now. */
  readonly removed: number;
  /** removed / notified, or null when nothing was notified. */
  readonly removalRate: number | null;
  /** From the first notice to the removal, in hours. */
  readonly medianHoursToRemoval: number | null;
}

/**
 * Removal rate and median time to removal, overall, per host (the host
 * directory's name for the domain, or the domain itself) and per partner
 * platform. Computed from one row per notified URL: a hotline notifies
 * thousands a year, not millions.
 */
async function removalStats(database: Database, period: Period) {
  const db = database.db;
  const rows = await db
    .select({ host: caseItems.host, notifiedAt: caseItems.notifiedAt, removedAt: caseItems.removedAt })
    .from(caseItems)
    .where(and(isNotNull(caseItems.notifiedAt), gte(caseItems.notifiedAt, period.from), lt(caseItems.notifiedAt, period.to)));
  const directory = await db.select({ domain: hosts.domain, name: hosts.name, partner: hosts.partner }).from(hosts);
  const byDomain = new Map(directory.map((h) => [h.domain, h]));
  const groups = new Map<string, { partner: boolean; rows: typeof rows }>();
  for (const row of rows) {
    const entry = row.host ? directoryEntryOf(byDomain, row.host) : null;
    const key = entry?.name ?? row.host ?? 'unknown';
    const group = groups.get(key) ?? { partner: entry?.partner ?? false, rows: [] };
    group.rows.push(row);
    groups.set(key, group);
  }
  const named = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, g]) => ({ name, ...figures(g.rows) }));
  const partners = new Set([...groups.entries()].filter(([, g]) => g.partner).map(([name]) => name));
  return { overall: figures(rows), byHost: named, byPartner: named.filter((g) => partners.has(g.name)) };
}

function figures(rows: readonly { notifiedAt: Date | null; removedAt: Date | null }[]): RemovalFigures {
  const hours = rows
    .filter((r) => r.notifiedAt && r.removedAt)
    .map((r) => Math.max(0, r.removedAt!.getTime() - r.notifiedAt!.getTime()) / 3_600_000)
    .sort((a, b) => a - b);
  const mid = hours.length >> 1;
  const median = hours.length === 0 ? null : hours.length % 2 === 1 ? hours[mid]! : (hours[mid - 1]! + hours[mid]!) / 2;
  return {
    notified: rows.length,
    removed: hours.length,
    removalRate: rows.length === 0 ? null : hours.length / rows.length,
    medianHoursToRemoval: median === null ? null : Math.round(median * 100) / 100,
  };
}
