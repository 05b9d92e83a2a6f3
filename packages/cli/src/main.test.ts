import { describe, expect, it } from 'vitest';
import { helpText, main } from './main.ts';
import { captureIo } from './test-io.ts';

describe('disrupt', () => {
  it('prints help with no command', async () => {
    const io = captureIo();
    expect(await main([], io)).toBe(0);
    expect(io.out()).toBe(helpText());
    expect(io.out()).toContain('hash');
  });

  it('refuses an unknown command with exit code 2', async () => {
    const io = captureIo();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.err()).toContain("unknown command 'frobnicate'");
  });

  it('prints a command\'s usage with --help', async () => {
    const io = captureIo();
    expect(await main(['hash', '--help'], io)).toBe(0);
    expect(io.out()).toContain('Usage: disrupt hash');
  });
});
