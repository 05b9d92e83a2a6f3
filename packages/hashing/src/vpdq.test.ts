import { describe, expect, it } from 'vitest';
import { formatVpdqLine, parseVpdqLine, vpdqFrameMod, vpdqHashFrame } from './vpdq.ts';

const LINE = '30,100,df83b48f2ad34d68169c36bc6d2f6b36ce5ed08701a301e9cbb9fc12f80b8154,1.000';

describe('vPDQ sampling', () => {
  it('hashes one frame in int(secondsPerHash × fps), never zero', () => {
    expect(vpdqFrameMod(30)).toBe(30);
    expect(vpdqFrameMod(29.97)).toBe(29);
    expect(vpdqFrameMod(30000 / 1001, 2)).toBe(59);
    expect(vpdqFrameMod(30, 0)).toBe(1);
    expect(vpdqFrameMod(0.5)).toBe(1);
  });

  it('refuses nonsense rates', () => {
    expect(() => vpdqFrameMod(0)).toThrow(RangeError);
    expect(() => vpdqFrameMod(Number.NaN)).toThrow(RangeError);
    expect(() => vpdqFrameMod(30, -1)).toThrow(RangeError);
  });

  it('stamps a frame with its number and time', () => {
    const frame = { width: 8, height: 8, channels: 3 as const, data: new Uint8Array(8 * 8 * 3).map((_, i) => (i * 37) % 256) };
    const hashed = vpdqHashFrame(frame, 60, 30);
    expect(hashed.frame).toBe(60);
    expect(hashed.timestamp).toBe(2);
    expect(hashed.pdq).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('vPDQ text lines', () => {
  it('round-trips the reference format', () => {
    const parsed = parseVpdqLine(LINE);
    expect(parsed.ok && formatVpdqLine(parsed.value)).toBe(LINE);
  });

  it.each([
    '30,100,df83,1.000',
    '30,101,df83b48f2ad34d68169c36bc6d2f6b36ce5ed08701a301e9cbb9fc12f80b8154,1.000',
    '-1,100,df83b48f2ad34d68169c36bc6d2f6b36ce5ed08701a301e9cbb9fc12f80b8154,1.000',
    '30,100,df83b48f2ad34d68169c36bc6d2f6b36ce5ed08701a301e9cbb9fc12f80b8154,',
    '30,100,df83b48f2ad34d68169c36bc6d2f6b36ce5ed08701a301e9cbb9fc12f80b8154',
    'garbage',
  ])('refuses %s', (line) => {
    expect(parseVpdqLine(line)).toEqual({ ok: false, reason: 'malformed_vpdq' });
  });
});
