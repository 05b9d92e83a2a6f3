// Envelope encryption: each case has its own random data key, stored only
// wrapped (encrypted) by the master key. Erasing a case's wrapped key erases
// everything encrypted under it, wherever copies of the ciphertext remain
// (backups, replicas): crypto-shredding for withdrawal and retention.
//
// Format of every blob: version byte (1) | 12-byte nonce | ciphertext | 16-byte tag,
// AES-256-GCM, with associated data binding a blob to its purpose and owner
// (a contact blob cannot be swapped in for another case's).

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

declare const keyBrand: unique symbol;
export type Key = Uint8Array & { readonly [keyBrand]: true };

export function asKey(bytes: Uint8Array): Key {
  if (bytes.length !== KEY_BYTES) throw new RangeError('a key is 32 bytes');
  return bytes as Key;
}

export function randomKey(): Key {
  return asKey(randomBytes(KEY_BYTES));
}

export function encrypt(key: Key, plaintext: Uint8Array, associatedData: string): Uint8Array {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), nonce, body, cipher.getAuthTag()]);
}

/** Null when the blob is not ours, was tampered with, or belongs elsewhere. */
export function decrypt(key: Key, blob: Uint8Array, associatedData: string): Uint8Array | null {
  if (blob.length < 1 + NONCE_BYTES + TAG_BYTES || blob[0] !== VERSION) return null;
  const nonce = blob.subarray(1, 1 + NONCE_BYTES);
  const tag = blob.subarray(blob.length - TAG_BYTES);
  const body = blob.subarray(1 + NONCE_BYTES, blob.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return null;
  }
}

export function wrapKey(master: Key, dataKey: Key, owner: string): Uint8Array {
  return encrypt(master, dataKey, `wrapped-key:${owner}`);
}

export function unwrapKey(master: Key, wrapped: Uint8Array, owner: string): Key | null {
  const bytes = decrypt(master, wrapped, `wrapped-key:${owner}`);
  return bytes && bytes.length === KEY_BYTES ? asKey(bytes) : null;
}

/** A key for one purpose, derived from the master key and some input (HKDF-SHA256). */
export function deriveKey(master: Key, purpose: string, input: Uint8Array): Key {
  return asKey(new Uint8Array(hkdfSync('sha256', master, input, purpose, KEY_BYTES)));
}

/**
 * The embedded deployment's master key: a file in the data folder, created
 * once with mode 0600 (exclusive create, so two processes cannot both make one).
 */
export function loadOrCreateMasterKey(dataDir: string): Key {
  const path = join(dataDir, 'master.key');
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, `${randomBytes(KEY_BYTES).toString('base64')}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
  }
  const bytes = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (bytes.length !== KEY_BYTES) throw new Error('master.key in the data folder is not a base64 32-byte key');
  return asKey(bytes);
}
