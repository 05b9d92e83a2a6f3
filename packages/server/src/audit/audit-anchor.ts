// Anchors of the audit log: the head's position and MAC, kept outside the
// database.
//
// Why: the keyed chain stops a database writer from editing an entry or
// recomputing the chain, but not from cutting entries off the end (what is
// left is a valid chain) or from replacing every entry with legacy-looking
// ones (plain hashes need no key). An anchor written elsewhere — a file in
// DISRUPT_AUDIT_ANCHOR_DIR, and a line in the server's log that the log
// collector keeps — pins the head: `disrupt audit verify` fails when the log
// no longer reaches the anchored entry, or that entry no longer carries the
// anchored MAC. The MAC is not secret: without the key it lets nobody forge
// an entry.
//
// One file per anchor, created exclusively and never rewritten, named by the
// entry and the time so that the folder reads in order and can be copied
// append-only (rsync --ignore-existing, a WORM bucket).

import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { type AuditHead, auditHead } from './audit.ts';

const FORMAT = 1;
const PREFIX = 'audit-anchor-';

export interface AuditAnchor extends AuditHead {
  /** When the anchor was taken (ISO 8601). */
  readonly at: string;
}

const anchorFile = z
  .object({
    format: z.literal(FORMAT),
    entryId: z.number().int().positive(),
    mac: z.string().regex(/^[0-9a-f]{64}$/),
    keyVersion: z.string().regex(/^[0-9a-f]{16}$/).nullable(),
    at: z.iso.datetime(),
  })
  .strict();

function fileName(anchor: AuditAnchor): string {
  return `${PREFIX}${String(anchor.entryId).padStart(12, '0')}-${anchor.at.replace(/[-:.]/g, '')}.json`;
}

/** Writes one anchor file; an existing file of the same name (same entry, same instant) is left as it is. */
export function writeAnchor(dir: string, anchor: AuditAnchor): { readonly file: string; readonly written: boolean } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, fileName(anchor));
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EEXIST') return { file, written: false };
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify({ format: FORMAT, entryId: anchor.entryId, mac: anchor.mac, keyVersion: anchor.keyVersion, at: anchor.at })}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { file, written: true };
}

export type LatestAnchor = { readonly ok: true; readonly anchor: AuditAnchor | null; readonly count: number } | { readonly ok: false; readonly file: string };

/**
 * The anchor furthest along the log (the latest entry; of two anchors of one
 * entry, the later). A file that is not an anchor is reported, not skipped:
 * a damaged anchor folder is something the operator must hear about.
 */
export function latestAnchor(dir: string): LatestAnchor {
  if (!existsSync(dir)) return { ok: true, anchor: null, count: 0 };
  let latest: AuditAnchor | null = null;
  let count = 0;
  for (const name of readdirSync(dir).sort()) {
    if (!name.startsWith(PREFIX) || !name.endsWith('.json')) continue;
    const file = join(dir, name);
    let parsed: z.infer<typeof anchorFile>;
    try {
      parsed = anchorFile.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      return { ok: false, file };
    }
    count++;
    if (!latest || parsed.entryId > latest.entryId || (parsed.entryId === latest.entryId && Date.parse(parsed.at) > Date.parse(latest.at))) {
      latest = { entryId: parsed.entryId, mac: parsed.mac, keyVersion: parsed.keyVersion, at: parsed.at };
    }
  }
  return { ok: true, anchor: latest, count };
}

export type AnchorOutcome =
  | { readonly status: 'anchored'; readonly anchor: AuditAnchor; readonly file: string }
  /** Nothing to anchor yet. */
  | { readonly status: 'empty' }
  /** The latest anchor already pins the head, or is recent enough. */
  | { readonly status: 'unchanged' | 'recent'; readonly anchor: AuditAnchor };

function anchorHead(head: AuditHead, dir: string, now: Date): AnchorOutcome {
  const anchor: AuditAnchor = { ...head, at: now.toISOString() };
  return { status: 'anchored', anchor, file: writeAnchor(dir, anchor).file };
}

/** Anchors the head now (`disrupt audit anchor`). */
export async function anchorAudit(database: Database, dir: string, now: Date = new Date()): Promise<AnchorOutcome> {
  const head = await auditHead(database);
  return head ? anchorHead(head, dir, now) : { status: 'empty' };
}

/**
 * The periodic job: anchors the head when the latest anchor is older than
 * `maxAgeMs` (or there is none, or the folder is damaged) and the head moved
 * since. Idempotent: run it as often as you like, it writes at most one anchor
 * per period. It reads the folder rather than remembering when it last ran, so
 * that a server restarted more often than once a period still anchors.
 */
export async function anchorAuditIfDue(database: Database, dir: string, maxAgeMs: number, now: Date = new Date()): Promise<AnchorOutcome> {
  const latest = latestAnchor(dir);
  const previous = latest.ok ? latest.anchor : null;
  if (previous && now.getTime() - Date.parse(previous.at) < maxAgeMs) return { status: 'recent', anchor: previous };
  const head = await auditHead(database);
  if (!head) return { status: 'empty' };
  if (previous && previous.entryId === head.entryId && previous.mac === head.mac) return { status: 'unchanged', anchor: previous };
  return anchorHead(head, dir, now);
}
