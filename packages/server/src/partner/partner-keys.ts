// Partner credentials: 256 random bits behind a visible prefix. The prefix
// (`dpk_3f9a1c2e`) finds the key's row and lets people tell keys apart in
// lists and logs; the whole key is stored only as a SHA-256 digest. A fast
// digest is enough: the keys are random and long, there is nothing to guess,
// and every partner request checks one.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { PARTNER_KEY_KINDS } from '../db/schema.ts';

export type PartnerKeyKind = (typeof PARTNER_KEY_KINDS)[number];

/** Three letters per kind, so that a key pasted in the wrong header is refused before any lookup. */
const TAGS: Readonly<Record<PartnerKeyKind, string>> = { api: 'dpk', stopncii_subscription: 'dss', stopncii_function: 'dsf' };

const KEY_PATTERN = /^(d(?:pk|ss|sf))_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewKey {
  /** The whole key: shown once, to the operator who created it. */
  readonly key: string;
  readonly prefix: string;
  readonly digest: string;
}

export function keyDigest(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function newKey(kind: PartnerKeyKind): NewKey {
  const prefix = `${TAGS[kind]}_${randomBytes(6).toString('hex')}`;
  const key = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, digest: keyDigest(key) };
}

/** The prefix of a well-formed key of `kind`, or null (then nothing is looked up). */
export function keyPrefix(key: string, kind: PartnerKeyKind): string | null {
  const match = KEY_PATTERN.exec(key);
  if (!match || match[1] !== TAGS[kind]) return null;
  return `${match[1]}_${match[2]!}`;
}

export function digestMatches(key: string, storedDigest: string): boolean {
  const a = Buffer.from(keyDigest(key), 'hex');
  const b = Buffer.from(storedDigest, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
