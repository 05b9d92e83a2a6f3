// A victim's way back to their case: a case number that can be read aloud on
// the phone to a hotline, and a secret of 140 random bits, shown once. Both
// use Crockford's base 32 (no I, L, O, U), and typing is forgiving: case,
// spaces, dashes and the look-alikes O→0, I/L→1 do not matter.

import { createHash, randomBytes, randomInt } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const SECRET_CHARS = 28; // 28 × 5 = 140 bits
const NUMBER_CHARS = 8; // 40 bits: unguessable enough with the secret, short enough to read aloud

function randomChars(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[randomInt(ALPHABET.length)]!;
  return s;
}

function groups(s: string, size: number): string {
  return s.match(new RegExp(`.{1,${size}}`, 'g'))!.join('-');
}

/** Folds what a person typed into the canonical characters (no separators). */
export function normaliseTyped(text: string): string {
  return text
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

/** A reference for a notice or an escalation, quoted in correspondence: e.g. DN-7K3M-Q2XA. */
export function newReference(prefix: string): string {
  return `${prefix}-${groups(randomChars(NUMBER_CHARS), 4)}`;
}

export function newCaseNumber(): string {
  return `DSR-${groups(randomChars(NUMBER_CHARS), 4)}`;
}

/** The canonical form of a typed case number, or null when it cannot be one. */
export function parseCaseNumber(text: string): string | null {
  const body = normaliseTyped(text).replace(/^DSR/, '');
  if (body.length !== NUMBER_CHARS || !/^[0-9A-HJKMNP-TV-Z]+$/.test(body)) return null;
  return `DSR-${groups(body, 4)}`;
}

export function newSecret(): string {
  return groups(randomChars(SECRET_CHARS), 4);
}

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
// (algorithm 2 is Argon2id: the package's enum is a const enum, unusable under isolated modules.)
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashSecret(secret: string): Promise<string> {
  return hash(normaliseTyped(secret), ARGON2);
}

// Verified when the case does not exist, so that "no such case" takes as
// long as "wrong secret".
let dummyHash: Promise<string> | null = null;

/** argon2id check; with `storedHash` null, spends the same time and says no. */
export async function verifySecret(storedHash: string | null, secret: string): Promise<boolean> {
  const typed = normaliseTyped(secret);
  if (storedHash === null) {
    dummyHash ??= hash(randomBytes(16).toString('hex'), ARGON2);
    await verify(await dummyHash, typed).catch(() => false);
    return false;
  }
  return verify(storedHash, typed).catch(() => false);
}

/** Session tokens are random; only their SHA-256 is stored. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
