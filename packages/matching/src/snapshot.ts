// A versioned binary snapshot of a PDQ index's entries, so a process with
// millions of hashes starts in seconds instead of reading them from the
// database: load, then `addMany` (one O(n) build).
//
// Layout (little-endian):
//   0  8 bytes  magic "DSRPDQIX"
//   8  u8       version (1)
//   9  3 bytes  reserved (0)
//  12  u32      entry count N
//  16  u32      FNV-1a 32 of the payload
//  20  payload: N × (u32 id, 8 × u32 hash words)
// A snapshot that is truncated, from another version, or corrupt is refused
// as a value, never half-loaded and never thrown: the caller falls back to
// the database.

import type { Result } from '@disrupt/hashing';
import { err, ok } from '@disrupt/hashing';
import { type PdqEntries, checkEntries } from './pdq-index.ts';

const MAGIC = [0x44, 0x53, 0x52, 0x50, 0x44, 0x51, 0x49, 0x58]; // DSRPDQIX
export const SNAPSHOT_VERSION = 1;
const HEADER = 20;
const ENTRY_BYTES = 36;

export type SnapshotError = 'not_a_snapshot' | 'unsupported_version' | 'truncated' | 'corrupt';

function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

export function saveSnapshot(entries: PdqEntries): Uint8Array {
  checkEntries(entries);
  const n = entries.ids.length;
  const bytes = new Uint8Array(HEADER + n * ENTRY_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint8(8, SNAPSHOT_VERSION);
  view.setUint32(12, n, true);
  const { words, ids } = entries;
  for (let i = 0, o = HEADER; i < n; i++) {
    view.setUint32(o, ids[i]!, true);
    o += 4;
    for (let m = 0; m < 8; m++, o += 4) view.setUint32(o, words[i * 8 + m]!, true);
  }
  view.setUint32(16, fnv1a(bytes.subarray(HEADER)), true);
  return bytes;
}

export function loadSnapshot(bytes: Uint8Array): Result<PdqEntries, SnapshotError> {
  if (bytes.length < HEADER || !MAGIC.every((b, i) => bytes[i] === b)) return err('not_a_snapshot');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint8(8) !== SNAPSHOT_VERSION) return err('unsupported_version');
  const n = view.getUint32(12, true);
  if (bytes.length !== HEADER + n * ENTRY_BYTES) return err('truncated');
  if (fnv1a(bytes.subarray(HEADER)) !== view.getUint32(16, true)) return err('corrupt');
  const words = new Uint32Array(n * 8);
  const ids = new Uint32Array(n);
  for (let i = 0, o = HEADER; i < n; i++) {
    ids[i] = view.getUint32(o, true);
    o += 4;
    for (let m = 0; m < 8; m++, o += 4) words[i * 8 + m] = view.getUint32(o, true);
  }
  return ok({ words, ids });
}
