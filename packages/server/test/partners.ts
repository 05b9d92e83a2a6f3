// Partners for HTTP tests: created through the service (as the CLI does), and
// requests made with their keys.
import { randomBytes } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import type { PartnerCredentials, PartnerScope } from '../src/partner/partner.service.ts';
import type { RunningServer } from '../src/server.ts';

export async function createPartner(server: RunningServer, options: { name?: string; scopes?: PartnerScope[]; rateLimitPerMinute?: number } = {}): Promise<PartnerCredentials> {
  const name = options.name ?? `Partner ${Math.random().toString(36).slice(2, 8)}`;
  const result = await server.partners.create(name, { ...(options.scopes ? { scopes: options.scopes } : {}), rateLimitPerMinute: options.rateLimitPerMinute ?? 100_000 }, 'system');
  if (!result.ok) throw new Error(`partner not created: ${result.reason}`);
  return result.credentials;
}

/** A native API request with the partner's key. */
export function withKey(key: string, options: InjectOptions): InjectOptions {
  return { ...options, headers: { ...(options.headers ?? {}), authorization: `Bearer ${key}` } };
}

/** A random PDQ hash: two of them are ~128 bits apart, never within the match radius. */
export const randomPdq = () => randomBytes(32).toString('hex');
export const randomMd5 = () => randomBytes(16).toString('hex');

/** `hash` with its first `bits` bits flipped. */
export function flipBits(hash: string, bits: number): string {
  const chars = hash.split('');
  for (let b = 0; b < bits; b++) {
    const i = Math.floor(b / 4);
    chars[i] = (parseInt(chars[i]!, 16) ^ (1 << (b % 4))).toString(16);
  }
  return chars.join('');
}
