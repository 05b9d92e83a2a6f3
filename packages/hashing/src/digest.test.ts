import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMd5, createSha256, md5Hex, parseMd5, sha256Hex } from './digest.ts';

describe('digests (pure JS, for the browser)', () => {
  const bytes = new Uint8Array(1_000_003).map((_, i) => (i * 7919) % 251);

  it('match node:crypto, whole and chunk by chunk', () => {
    const md5 = createHash('md5').update(bytes).digest('hex');
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(md5Hex(bytes)).toBe(md5);
    expect(sha256Hex(bytes)).toBe(sha);
    const m = createMd5();
    const s = createSha256();
    for (let i = 0; i < bytes.length; i += 65_537) {
      m.update(bytes.subarray(i, i + 65_537));
      s.update(bytes.subarray(i, i + 65_537));
    }
    expect(m.digestHex()).toBe(md5);
    expect(s.digestHex()).toBe(sha);
  });

  it('knows the empty input', () => {
    expect(md5Hex(new Uint8Array())).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });

  it('validates MD5 text', () => {
    expect(parseMd5('D41D8CD98F00B204E9800998ECF8427E')).toEqual({ ok: true, value: 'd41d8cd98f00b204e9800998ecf8427e' });
    expect(parseMd5('d41d8cd98f00b204e9800998ecf8427')).toEqual({ ok: false, reason: 'malformed_md5' });
    expect(parseMd5(7)).toEqual({ ok: false, reason: 'malformed_md5' });
  });
});
