// The pure parts of the statistics: weeks of a period, CSV cells and rows.
import { describe, expect, it } from 'vitest';
import { csvCell, csvText, statsCsv, statsRows } from './stats-csv.ts';
import { type ConsoleStats, mondayOf, weeksOf } from './stats.service.ts';

const figures = (notified: number, removed: number, median: number | null) => ({ notified, removed, removalRate: notified ? removed / notified : null, medianHoursToRemoval: median });

const stats: ConsoleStats = {
  period: { from: '2026-11-10T00:00:00.000Z', to: '2026-11-24T00:00:00.000Z' },
  reports: { total: 4, byAgeGroup: { adult: 3, minor: 1 }, bySituation: { online: 4 }, withdrawn: 0 },
  items: { byKind: { url: 2, photo: 5 } },
  decisions: { ncii_adult: 12 },
  bank: { bySignalType: { pdq: 5, md5: 0, vpdq: 0 }, byStatus: { active: 5, withdrawn: 0, deleted: 0, quarantined: 0 }, verified: 3, lastSeq: 9 },
  notices: { sent: 2, waitingInOutbox: 1 },
  escalations: { pharos: 1 },
  removals: {
    overall: figures(2, 1, 5.5),
    byHost: [{ name: 'Example Host', ...figures(1, 1, 5.5) }, { name: '@evil, "quoted"', ...figures(1, 0, null) }],
    byPartner: [],
  },
  partners: { feedback: { Blocked: 2 }, blockedByPartners: 1, byPartner: [{ name: '=Partner', Blocked: 2, NotBlocked: 0, PendingReview: 0 }], quarantined: 0, openBankReviews: 0 },
  weekly: [
    { weekStart: '2026-11-09', reports: 0, items: 0, decided: 0, accepted: 0, removed: 0 },
    { weekStart: '2026-11-16', reports: 4, items: 7, decided: 12, accepted: 12, removed: 1 },
    { weekStart: '2026-11-23', reports: 0, items: 0, decided: 0, accepted: 0, removed: 0 },
  ],
};

describe('weeks of a period', () => {
  it('starts a week on Monday, UTC', () => {
    expect(mondayOf(new Date('2026-11-16T00:00:00Z')).toISOString()).toBe('2026-11-16T00:00:00.000Z'); // a Monday
    expect(mondayOf(new Date('2026-11-22T23:59:59Z')).toISOString()).toBe('2026-11-16T00:00:00.000Z'); // the Sunday after
    expect(mondayOf(new Date('2026-11-23T00:30:00+02:00')).toISOString()).toBe('2026-11-16T00:00:00.000Z'); // still Sunday in UTC
    expect(mondayOf(new Date('2027-01-01T12:00:00Z')).toISOString()).toBe('2026-12-28T00:00:00.000Z'); // across a year
  });

  it('lists every week the period touches, oldest first; an exclusive end on a Monday adds no week', () => {
    expect(weeksOf({ from: new Date('2026-11-10T00:00:00Z'), to: new Date('2026-11-23T00:00:00Z') })).toEqual(['2026-11-09', '2026-11-16']);
    expect(weeksOf({ from: new Date('2026-11-10T00:00:00Z'), to: new Date('2026-11-23T00:00:01Z') })).toEqual(['2026-11-09', '2026-11-16', '2026-11-23']);
    expect(weeksOf({ from: new Date('2026-11-18T10:00:00Z'), to: new Date('2026-11-18T11:00:00Z') })).toEqual(['2026-11-16']);
    expect(weeksOf({ from: new Date('2026-03-23T00:00:00Z'), to: new Date('2026-04-06T00:00:00Z') })).toHaveLength(2); // across a DST change elsewhere: UTC has none
  });
});

describe('CSV', () => {
  it('quotes cells as RFC 4180 says: commas, quotes, line breaks', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('Example Host')).toBe('Example Host');
    expect(csvCell(5.5)).toBe('5.5');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(null)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvText([['a', 'b,c'], [1, null]])).toBe('a,"b,c"\r\n1,\r\n');
  });

  it('never starts a text cell with a formula: = + - @ tab and CR get a single quote first', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('\rcmd')).toBe('"\'\rcmd"');
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('writes one figure a row: section,key,subkey,value', () => {
    const rows = statsRows(stats);
    expect(rows).toContainEqual(['decisions', 'ncii_adult', '', 12]);
    expect(rows).toContainEqual(['weekly', '2026-11-16', 'reports', 4]);
    expect(rows).toContainEqual(['removals_by_host', 'Example Host', 'median_hours', 5.5]);
    expect(rows).toContainEqual(['removals_by_host', '@evil, "quoted"', 'median_hours', null]);
    expect(rows).toContainEqual(['partners', 'feedback', 'Blocked', 2]);
    expect(rows).toContainEqual(['feedback_by_partner', '=Partner', 'Blocked', 2]);
    expect(rows).toContainEqual(['reports_by_age_group', 'minor', '', 1]);
    expect(rows.filter((r) => r[0] === 'weekly')).toHaveLength(15);

    const text = statsCsv(stats);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('section,key,subkey,value');
    expect(lines).toContain('weekly,2026-11-16,reports,4');
    expect(lines).toContain('decisions,ncii_adult,,12');
    expect(lines).toContain('removals_by_host,Example Host,median_hours,5.5');
    expect(lines).toContain('removals_by_host,"\'@evil, ""quoted""",removal_rate,0');
    expect(lines).toContain('removals,overall,removal_rate,0.5');
    expect(lines).toContain("feedback_by_partner,'=Partner,NotBlocked,0");
    expect(text.endsWith('\r\n')).toBe(true);
  });
});
