// A versioned binary snapshot of a PDQ index, so a process with millions of
// hashes starts in seconds instead of reading them from the database.
//
// Layout (little-endian):
//   0  8 bytes  magic "DSRPDQIX"
//   8  u8       version (1)
//   9  3 bytes  reserved (0)
//  12  u32      entry count N
//  16  u32      FNV-1a 32 of the payload
//  20  payload: N × (u32 id, 8 × u32 hash words)
// A snapshot that is truncated, from another version, or corrupt is refused
// as a value, never half-loaded.

import type { PdqWords } from '@disrupt/hashing';
import type { Result } from '@disrupt/hashing';
import { err, ok } from '@disrupt/hashing';

const MAGIC = [0x44, 0x53, 0x52, 0x50, 0x44, 0x51, 0x49, 0x58]; // DSRPDQIX
export const SNAPSHOT_VERSION = 1;
const HEADER = 20;
const ENTRY_WORDS = 9;

export type SnapshotError = 'not_a_snapshot' | 'unsupported_version' | 'truncated' | 'corrupt';

function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const byte of bytes) h = Math.imul(h ^ byte, 0x01000193);
  return h >>> 0;
}

export function saveSnapshot(entries: Iterable<{ readonly words: PdqWords; readonly id: number }>): Uint8Array {
  const list = [...entries];
  const bytes = new Uint8Array(HEADER + list.length * ENTRY_WORDS * 4);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint8(8, SNAPSHOT_VERSION);
  view.setUint32(12, list.length, true);
  let o = HEADER;
  for (const { words, id } of list) {
    view.setUint32(o, id, true);
    o += 4;
    for (let m = 0; m < 8; m++, o += 4) view.setUint32(o, words[m]!, true);
  }
  view.setUint32(16, fnv1a(bytes.subarray(HEADER)), true);
  return bytes;
}

export function loadSnapshot(bytes: Uint8Array): Result<{ words: Uint32Array; ids: Uint32Array }, SnapshotError> {
  if (bytes.length < HEADER || !MAGIC.every((b, i) => bytes[i] === b)) return err('not_a_snapshot');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint8(8) !== SNAPSHOT_VERSION) return err('unsupported_version');
  const n = view.getUint32(12, true);
  if (bytes.length !== HEADER + n * ENTRY_WORDS * 4) return err('truncated');
  if (fnv1a(bytes.subarray(HEADER)) !== view.getUint32(16, true)) return err('corrupt');
  const words = new Uint32Array(n * 8);
  const ids = new Uint32Array(n);
  let o = HEADER;
  for (let i = 0; i < n; i++) {
    ids[i] = view.getUint32(o, true);
    o += 4;
    for (let m = 0; m < 8; m++, o += 4) words[i * 8 + m] = view.getUint32(o, true);
  }
  return ok({ words, ids });
}

/** Entries of a loaded snapshot, for `addAll`. */
export function* snapshotEntries(loaded: { words: Uint32Array; ids: Uint32Array }): Iterable<{ words: PdqWords; id: number }> {
  for (let i = 0; i < loaded.ids.length; i++) yield { words: loaded.words.subarray(i * 8, i * 8 + 8), id: loaded.ids[i]! };
}
