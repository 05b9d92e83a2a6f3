// The statistics as CSV, for a spreadsheet or a script: one figure a row in a
// tidy long format (section, key, subkey, value), so a new figure adds rows,
// never columns, and a pivot table rebuilds any view.
//
// Two defences, because host names and partner names are typed by people:
// RFC 4180 quoting (a comma or a quote in a name cannot shift the columns),
// and no formulas — a cell that a spreadsheet would run (starting with = + - @,
// a tab or a carriage return) gets a leading single quote (OWASP's advice).

import type { ConsoleStats, RemovalFigures } from './stats.service.ts';

export type CsvValue = string | number | null;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: text guarded against formulas and quoted when it must be; numbers as they are; null empty. */
export function csvCell(value: CsvValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows joined with CRLF, as RFC 4180 says, ending with one. */
export function csvText(rows: readonly (readonly CsvValue[])[]): string {
  return rows.map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}

export const CSV_HEADER = ['section', 'key', 'subkey', 'value'] as const;

type Row = readonly [section: string, key: string, subkey: string, value: number | string | null];

function removalRows(section: string, key: string, f: RemovalFigures): Row[] {
  return [
    [section, key, 'notified', f.notified],
    [section, key, 'removed', f.removed],
    [section, key, 'removal_rate', f.removalRate === null ? null : Math.round(f.removalRate * 10_000) / 10_000],
    [section, key, 'median_hours', f.medianHoursToRemoval],
  ];
}

const entries = (record: Readonly<Record<string, number | undefined>>) => Object.entries(record).filter((e): e is [string, number] => e[1] !== undefined);

/** Every figure of GET /api/console/stats as one row each, in the answer's order. */
export function statsRows(stats: ConsoleStats): Row[] {
  const rows: Row[] = [
    ['period', 'from', '', stats.period.from],
    ['period', 'to', '', stats.period.to],
    ['reports', 'total', '', stats.reports.total],
    ['reports', 'withdrawn', '', stats.reports.withdrawn],
  ];
  for (const [key, n] of entries(stats.reports.byAgeGroup)) rows.push(['reports_by_age_group', key, '', n]);
  for (const [key, n] of entries(stats.reports.bySituation)) rows.push(['reports_by_situation', key, '', n]);
  for (const [key, n] of entries(stats.items.byKind)) rows.push(['items_by_kind', key, '', n]);
  for (const [key, n] of entries(stats.decisions)) rows.push(['decisions', key, '', n]);
  for (const [key, n] of entries(stats.bank.bySignalType)) rows.push(['bank_by_signal_type', key, '', n]);
  for (const [key, n] of entries(stats.bank.byStatus)) rows.push(['bank_by_status', key, '', n]);
  rows.push(['bank', 'verified', '', stats.bank.verified], ['bank', 'last_seq', '', stats.bank.lastSeq]);
  rows.push(['notices', 'sent', '', stats.notices.sent], ['notices', 'waiting_in_outbox', '', stats.notices.waitingInOutbox]);
  for (const [key, n] of entries(stats.escalations)) rows.push(['escalations', key, '', n]);
  rows.push(...removalRows('removals', 'overall', stats.removals.overall));
  for (const host of stats.removals.byHost) rows.push(...removalRows('removals_by_host', host.name, host));
  for (const partner of stats.removals.byPartner) rows.push(...removalRows('removals_by_partner', partner.name, partner));
  for (const [key, n] of entries(stats.partners.feedback)) rows.push(['partners', 'feedback', key, n]);
  for (const partner of stats.partners.byPartner) {
    rows.push(['feedback_by_partner', partner.name, 'Blocked', partner.Blocked], ['feedback_by_partner', partner.name, 'NotBlocked', partner.NotBlocked], ['feedback_by_partner', partner.name, 'PendingReview', partner.PendingReview]);
  }
  rows.push(
    ['partners', 'blocked_by_partners', '', stats.partners.blockedByPartners],
    ['partners', 'quarantined', '', stats.partners.quarantined],
    ['partners', 'open_bank_reviews', '', stats.partners.openBankReviews],
  );
  for (const week of stats.weekly) {
    rows.push(
      ['weekly', week.weekStart, 'reports', week.reports],
      ['weekly', week.weekStart, 'items', week.items],
      ['weekly', week.weekStart, 'decided', week.decided],
      ['weekly', week.weekStart, 'accepted', week.accepted],
      ['weekly', week.weekStart, 'removed', week.removed],
    );
  }
  return rows;
}

/** The whole file: the header, then statsRows. */
export function statsCsv(stats: ConsoleStats): string {
  return csvText([CSV_HEADER, ...statsRows(stats)]);
}
