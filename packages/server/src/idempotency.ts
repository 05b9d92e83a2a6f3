// Idempotent POSTs: a client that retries (timeout, dropped connection) with
// the same Idempotency-Key and the same body gets the same answer, and the
// work is done once. Same key with another body: 422.
//
// The claim is a row inserted in the same transaction as the work. A second
// request with the key waits on that row (INSERT … ON CONFLICT waits for the
// first transaction), then replays its committed answer, so two concurrent
// retries still open one case. The stored answer can hold a case secret: it
// is encrypted under a key derived from the master key and the idempotency
// key (neither alone opens it) and pruned after a day.

import { createHash } from 'node:crypto';
import { eq, lt } from 'drizzle-orm';
import { type Key, decrypt, deriveKey, encrypt } from './crypto/envelope.ts';
import type { Executor } from './db/database.ts';
import { idempotencyRecords } from './db/schema.ts';
import { AppError } from './errors.ts';

export interface IdempotencyRequest {
  /** Which operation: the same key may be used on two routes. */
  readonly scope: string;
  readonly key: string;
  /** The request body, canonicalised by the caller (parsed JSON is fine). */
  readonly body: unknown;
}

export const IDEMPOTENCY_TTL_HOURS = 24;
const MAX_KEY_LENGTH = 200;

export function validIdempotencyKey(key: string | undefined): key is string {
  return key !== undefined && key.length >= 8 && key.length <= MAX_KEY_LENGTH && /^[\x21-\x7e]+$/.test(key);
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with sorted keys: the same body in another key order is the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function responseKey(master: Key, request: IdempotencyRequest): Key {
  return deriveKey(master, 'idempotency-response', new TextEncoder().encode(`${request.scope}\n${request.key}`));
}

/**
 * Whether this key already holds a committed answer to this very request: a
 * retry that `claimIdempotency` will replay. Read without waiting, so a retry
 * racing the first request reads false (and is then replayed all the same).
 */
export async function hasAnswer(executor: Executor, request: IdempotencyRequest): Promise<boolean> {
  const [record] = await executor
    .select({ requestDigest: idempotencyRecords.requestDigest, statusCode: idempotencyRecords.statusCode, createdAt: idempotencyRecords.createdAt })
    .from(idempotencyRecords)
    .where(eq(idempotencyRecords.keyDigest, digest(`${request.scope}\n${request.key}`)));
  return (
    record !== undefined &&
    record.statusCode !== 0 &&
    record.requestDigest === digest(canonicalJson(request.body)) &&
    record.createdAt.getTime() >= Date.now() - IDEMPOTENCY_TTL_HOURS * 3_600_000
  );
}

export type Claim = { readonly replay: false } | { readonly replay: true; readonly statusCode: number; readonly response: Record<string, unknown> };

/** Claims the key inside the caller's transaction, or returns the answer already given. */
export async function claimIdempotency(tx: Executor, master: Key, request: IdempotencyRequest): Promise<Claim> {
  const keyDigest = digest(`${request.scope}\n${request.key}`);
  const requestDigest = digest(canonicalJson(request.body));
  await tx.delete(idempotencyRecords).where(lt(idempotencyRecords.createdAt, new Date(Date.now() - IDEMPOTENCY_TTL_HOURS * 3_600_000)));
  const inserted = await tx
    .insert(idempotencyRecords)
    .values({ keyDigest, requestDigest, statusCode: 0, responseEnc: new Uint8Array() })
    .onConflictDoNothing()
    .returning({ keyDigest: idempotencyRecords.keyDigest });
  if (inserted.length > 0) return { replay: false };
  const [record] = await tx.select().from(idempotencyRecords).where(eq(idempotencyRecords.keyDigest, keyDigest));
  if (!record || record.requestDigest !== requestDigest) throw new AppError('idempotency_mismatch');
  const plain = decrypt(responseKey(master, request), record.responseEnc, keyDigest);
  if (!plain) throw new AppError('idempotency_mismatch');
  return { replay: true, statusCode: record.statusCode, response: JSON.parse(new TextDecoder().decode(plain)) as Record<string, unknown> };
}

/** Stores the answer of a claimed key, in the same transaction as the work. */
export async function completeIdempotency(tx: Executor, master: Key, request: IdempotencyRequest, statusCode: number, response: object): Promise<void> {
  const keyDigest = digest(`${request.scope}\n${request.key}`);
  const responseEnc = encrypt(responseKey(master, request), new TextEncoder().encode(JSON.stringify(response)), keyDigest);
  await tx.update(idempotencyRecords).set({ statusCode, responseEnc }).where(eq(idempotencyRecords.keyDigest, keyDigest));
}
