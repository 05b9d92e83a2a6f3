import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeStorage } from '../../test/databases.ts';
import { anchorAudit, anchorAuditIfDue, latestAnchor, writeAnchor } from './audit-anchor.ts';
import { installedAuditKeyring } from './audit-keys.ts';
import { appendAudit, auditHead } from './audit.ts';

const DAY = 24 * 60 * 60 * 1000;
const MAC = (c: string) => c.repeat(64);
const root = mkdtempSync(join(tmpdir(), 'disrupt-anchor-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

it('writes a file per anchor, never over another, and reads back the one furthest along', () => {
  const dir = join(root, 'files');
  expect(latestAnchor(dir)).toEqual({ ok: true, anchor: null, count: 0 });
  const first = { entryId: 7, mac: MAC('a'), keyVersion: '0123456789abcdef', at: '2025-03-01T00:00:00.000Z' };
  expect(writeAnchor(dir, first).written).toBe(true);
  // The same name again is left alone, even with other content.
  const again = writeAnchor(dir, { ...first, mac: MAC('b') });
  expect(again.written).toBe(false);
  expect(JSON.parse(readFileSync(again.file, 'utf8'))).toMatchObject({ mac: MAC('a') });
  writeAnchor(dir, { entryId: 12, mac: MAC('c'), keyVersion: null, at: '2025-03-02T00:00:00.000Z' });
  writeAnchor(dir, { entryId: 12, mac: MAC('d'), keyVersion: null, at: '2025-03-03T00:00:00.000Z' });
  writeAnchor(dir, { entryId: 9, mac: MAC('e'), keyVersion: null, at: '2025-03-04T00:00:00.000Z' });
  expect(readdirSync(dir)).toHaveLength(4);
  expect(latestAnchor(dir)).toEqual({ ok: true, anchor: { entryId: 12, mac: MAC('d'), keyVersion: null, at: '2025-03-03T00:00:00.000Z' }, count: 4 });

  // A damaged anchor is named, not skipped; other files are none of its business.
  writeFileSync(join(dir, 'README'), 'anchors of the audit log');
  expect(latestAnchor(dir).ok).toBe(true);
  const damaged = join(dir, 'audit-anchor-000000000013-x.json');
  writeFileSync(damaged, '{"format":1,"entryId":13}');
  expect(latestAnchor(dir)).toEqual({ ok: false, file: damaged });
});

describeStorage('audit anchors', ({ database }) => {
  it('anchors the head on demand, and once a period when it moved', async () => {
    const dir = mkdtempSync(join(root, 'job-'));
    const t0 = new Date('2025-06-01T12:00:00.000Z');
    expect(await anchorAudit(database(), dir, t0)).toEqual({ status: 'empty' });
    expect(await anchorAuditIfDue(database(), dir, DAY, t0)).toEqual({ status: 'empty' });
    const append = (i: number) => database().db.transaction((tx) => appendAudit(tx, { actor: 'system', action: 'media.expire', subject: `media:${i}` }));
    await append(1);
    await append(2);

    const first = await anchorAuditIfDue(database(), dir, DAY, t0);
    expect(first).toMatchObject({ status: 'anchored', anchor: { entryId: 2, keyVersion: installedAuditKeyring().current.version, at: t0.toISOString() } });
    expect(first.status === 'anchored' && first.anchor.mac).toBe((await auditHead(database()))!.mac);
    // Within the period: nothing, whatever happened since.
    await append(3);
    expect(await anchorAuditIfDue(database(), dir, DAY, new Date(t0.getTime() + DAY - 1))).toMatchObject({ status: 'recent', anchor: { entryId: 2 } });
    // After it: the head moved, a new anchor.
    const t1 = new Date(t0.getTime() + DAY);
    expect(await anchorAuditIfDue(database(), dir, DAY, t1)).toMatchObject({ status: 'anchored', anchor: { entryId: 3 } });
    // A period later with no new entry: the latest anchor still pins the head.
    expect(await anchorAuditIfDue(database(), dir, DAY, new Date(t1.getTime() + 2 * DAY))).toMatchObject({ status: 'unchanged', anchor: { entryId: 3 } });
    // On demand: always.
    expect(await anchorAudit(database(), dir, new Date(t1.getTime() + 3 * DAY))).toMatchObject({ status: 'anchored', anchor: { entryId: 3 } });
    expect(latestAnchor(dir)).toMatchObject({ ok: true, count: 3, anchor: { entryId: 3, at: new Date(t1.getTime() + 3 * DAY).toISOString() } });
  });
});
