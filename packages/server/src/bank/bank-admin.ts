// The operator's bank tools (`disrupt bank …`): import NDJSON, export,
// remove a signal (a tombstone for partners), statistics.

import { asc, gt } from 'drizzle-orm';
import { defaultSignalTypes } from '@disrupt/matching';
import { appendAudit } from '../audit/audit.ts';
import type { Database } from '../db/database.ts';
import { bankEntries } from '../db/schema.ts';
import { type BankStats, type SignalType, bankStats, findSignal, setStatus, upsertSignal } from './bank.repository.ts';
import { MIN_PDQ_QUALITY } from '../cases/items.ts';

export interface ImportReport {
  readonly imported: number;
  readonly alreadyPresent: number;
  readonly refused: readonly { readonly line: number; readonly reason: string }[];
}

const signalTypes = defaultSignalTypes();
const IMPORT_CHUNK = 500;

type Parsed = { ok: true; signalType: SignalType; value: string; quality: number | null; verified: boolean } | { ok: false; reason: string };

/** One NDJSON line: {"signalType":"pdq","value":"…","quality":90,"verified":true}. */
export function parseImportLine(text: string): Parsed {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return { ok: false, reason: 'not a JSON object' };
  const { signalType, value, quality, verified } = record as Record<string, unknown>;
  if (signalType !== 'pdq' && signalType !== 'md5' && signalType !== 'vpdq') return { ok: false, reason: 'signalType must be pdq, md5 or vpdq' };
  if (typeof value !== 'string') return { ok: false, reason: 'value must be a string' };
  const type = signalTypes.get(signalType)!;
  const parsed = type.parse(value);
  if (!parsed.ok) return { ok: false, reason: `malformed ${signalType} value` };
  if (verified !== undefined && typeof verified !== 'boolean') return { ok: false, reason: 'verified must be true or false' };
  let q: number | null = null;
  if (signalType === 'pdq') {
    if (typeof quality !== 'number' || !Number.isInteger(quality) || quality < 0 || quality > 100) return { ok: false, reason: 'pdq needs an integer quality 0–100' };
    if (quality < MIN_PDQ_QUALITY) return { ok: false, reason: `quality under ${MIN_PDQ_QUALITY}` };
    q = quality;
  }
  return { ok: true, signalType, value: type.format(parsed.value), quality: q, verified: verified === true };
}

export async function importLines(database: Database, lines: AsyncIterable<string> | Iterable<string>): Promise<ImportReport> {
  let imported = 0;
  let alreadyPresent = 0;
  const refused: { line: number; reason: string }[] = [];
  let chunk: Extract<Parsed, { ok: true }>[] = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    const batch = chunk;
    chunk = [];
    await database.db.transaction(async (tx) => {
      for (const signal of batch) {
        const { created } = await upsertSignal(tx, signal);
        if (created) imported++;
        else alreadyPresent++;
      }
    });
  };
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    const parsed = parseImportLine(text);
    if (!parsed.ok) refused.push({ line, reason: parsed.reason });
    else chunk.push(parsed);
    if (chunk.length >= IMPORT_CHUNK) await flush();
  }
  await flush();
  await database.db.transaction((tx) =>
    appendAudit(tx, { actor: 'operator:cli', action: 'bank.import', detail: { imported, alreadyPresent, refused: refused.length } }),
  );
  return { imported, alreadyPresent, refused };
}

export interface ExportRecord {
  readonly signalType: SignalType;
  readonly value: string;
  readonly quality: number | null;
  readonly verified: boolean;
  readonly status: string;
  readonly seq: number;
}

/** Every entry, tombstones included, in change order, a page at a time. A finished export is audited (how many, never which). */
export async function* exportEntries(database: Database, pageSize = 1000): AsyncGenerator<ExportRecord> {
  let cursor = 0;
  let records = 0;
  for (;;) {
    const rows = await database.db.select().from(bankEntries).where(gt(bankEntries.seq, cursor)).orderBy(asc(bankEntries.seq)).limit(pageSize);
    for (const r of rows) yield { signalType: r.signalType, value: r.value, quality: r.quality, verified: r.verified, status: r.status, seq: r.seq };
    records += rows.length;
    if (rows.length < pageSize) break;
    cursor = rows[rows.length - 1]!.seq;
  }
  await database.db.transaction((tx) => appendAudit(tx, { actor: 'operator:cli', action: 'bank.export', detail: { records } }));
}

/** Marks a signal `deleted` (partners receive a tombstone). False when the bank does not hold it. */
export async function removeSignal(database: Database, signalType: SignalType, text: string): Promise<'deleted' | 'not_found' | 'malformed'> {
  const type = signalTypes.get(signalType)!;
  const parsed = type.parse(text);
  if (!parsed.ok) return 'malformed';
  const value = type.format(parsed.value);
  return database.db.transaction(async (tx) => {
    const entry = await findSignal(tx, signalType, value);
    if (!entry) return 'not_found';
    if (entry.status !== 'deleted') {
      await setStatus(tx, entry.id, 'deleted');
      await appendAudit(tx, { actor: 'operator:cli', action: 'bank.remove', subject: `bank:${entry.id}`, detail: { signalType } });
    }
    return 'deleted';
  });
}

export function stats(database: Database): Promise<BankStats> {
  return bankStats(database.db);
}
