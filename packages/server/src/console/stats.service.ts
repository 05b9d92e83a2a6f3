// Statistics for supervisors, over a period: reports received (by age group
// and situation), items by kind, decisions by category, the bank. Counts only:
// nothing here identifies a victim or a piece of content.

import { and, count, gte, isNotNull, lt } from 'drizzle-orm';
import { bankStats } from '../bank/bank.repository.ts';
import type { Database } from '../db/database.ts';
import { caseItems, cases } from '../db/schema.ts';
import { partnerStats } from '../partner/feedback.service.ts';

export interface Period {
  readonly from: Date;
  readonly to: Date;
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
  const toRecord = (rows: { key: string | null; n: number }[]) => Object.fromEntries(rows.filter((r) => r.key !== null).map((r) => [r.key, r.n])) as Record<string, number>;
  return {
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    reports: { total: byAge.reduce((sum, r) => sum + r.n, 0), byAgeGroup: toRecord(byAge), bySituation: toRecord(bySituation), withdrawn: withdrawn[0]?.n ?? 0 },
    items: { byKind: toRecord(byKind) },
    decisions: toRecord(byDecision),
    bank: await bankStats(db),
    partners: await partnerStats(db, period),
  };
}
