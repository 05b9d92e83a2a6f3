import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decrypt, deriveKey, encrypt, loadOrCreateMasterKey, randomKey, unwrapKey, wrapKey } from './envelope.ts';

describe('envelope encryption', () => {
  const master = randomKey();
  const text = new TextEncoder().encode('victim@example.org');

  it('round-trips and never stores the plaintext', () => {
    const key = randomKey();
    const blob = encrypt(key, text, 'contact:case-1');
    expect(Buffer.from(blob).includes(Buffer.from(text))).toBe(false);
    expect(decrypt(key, blob, 'contact:case-1')).toEqual(Buffer.from(text));
  });

  it('refuses another purpose, another key, a tampered or truncated blob', () => {
    const key = randomKey();
    const blob = encrypt(key, text, 'contact:case-1');
    expect(decrypt(key, blob, 'contact:case-2')).toBeNull();
    expect(decrypt(randomKey(), blob, 'contact:case-1')).toBeNull();
    const tampered = Uint8Array.from(blob);
    tampered[20] = tampered[20]! ^ 1;
    expect(decrypt(key, tampered, 'contact:case-1')).toBeNull();
    expect(decrypt(key, blob.subarray(0, 10), 'contact:case-1')).toBeNull();
    expect(decrypt(key, Uint8Array.of(2, ...blob.subarray(1)), 'contact:case-1')).toBeNull();
  });

  it('wraps data keys for one owner only', () => {
    const dataKey = randomKey();
    const wrapped = wrapKey(master, dataKey, 'case-1');
    expect(unwrapKey(master, wrapped, 'case-1')).toEqual(dataKey);
    expect(unwrapKey(master, wrapped, 'case-2')).toBeNull();
  });

  it('derives distinct keys per purpose and input', () => {
    const a = deriveKey(master, 'idempotency', new TextEncoder().encode('k1'));
    expect(deriveKey(master, 'idempotency', new TextEncoder().encode('k1'))).toEqual(a);
    expect(deriveKey(master, 'idempotency', new TextEncoder().encode('k2'))).not.toEqual(a);
    expect(deriveKey(master, 'other', new TextEncoder().encode('k1'))).not.toEqual(a);
  });

  it('creates the embedded master key once, readable by its owner only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'disrupt-key-'));
    try {
      const first = loadOrCreateMasterKey(dir);
      expect(loadOrCreateMasterKey(dir)).toEqual(first);
      expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
