import { expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { describeStorage } from '../../test/databases.ts';
import { auditLog } from '../db/schema.ts';
import { exportEntries, importLines, removeSignal, stats } from './bank-admin.ts';

const PDQ = 'd8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22';
const MD5 = '9108849f0d0bb6d3c40844f4eb72767b';

describeStorage('bank admin', ({ database }) => {
  it('imports good lines, reports bad ones by number, and is idempotent', async () => {
    const lines = [
      JSON.stringify({ signalType: 'pdq', value: PDQ.toUpperCase(), quality: 90, verified: true }),
      '',
      '{not json',
      JSON.stringify({ signalType: 'pdq', value: PDQ.slice(2), quality: 90 }),
      JSON.stringify({ signalType: 'pdq', value: PDQ, quality: 20 }),
      JSON.stringify({ signalType: 'sha1', value: 'x' }),
      JSON.stringify({ signalType: 'md5', value: MD5 }),
      JSON.stringify({ signalType: 'vpdq', value: `0,100,${PDQ},0.000` }),
      '[1,2]',
    ];
    const report = await importLines(database(), lines);
    expect(report.imported).toBe(3);
    expect(report.refused.map((r) => r.line)).toEqual([3, 4, 5, 6, 9]);
    expect(JSON.stringify(report)).not.toContain(PDQ.slice(2));
    const again = await importLines(database(), lines);
    expect(again).toMatchObject({ imported: 0, alreadyPresent: 3 });
    expect(await stats(database())).toMatchObject({ bySignalType: { pdq: 1, md5: 1, vpdq: 1 }, byStatus: { active: 3 }, verified: 1 });
  });

  it('removes a signal as a tombstone that the export still carries', async () => {
    expect(await removeSignal(database(), 'md5', MD5.toUpperCase())).toBe('deleted');
    expect(await removeSignal(database(), 'md5', 'f'.repeat(32))).toBe('not_found');
    expect(await removeSignal(database(), 'pdq', 'zz')).toBe('malformed');
    const exported = [];
    for await (const record of exportEntries(database(), 2)) exported.push(record);
    expect(exported.map((r) => [r.signalType, r.status])).toEqual([
      ['pdq', 'active'],
      ['vpdq', 'active'],
      ['md5', 'deleted'],
    ]);
    const seqs = exported.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const [audit] = await database().db.select().from(auditLog).where(eq(auditLog.action, 'bank.export'));
    expect(audit?.detail).toEqual({ records: 3 }); // how many, never which
  });
});
