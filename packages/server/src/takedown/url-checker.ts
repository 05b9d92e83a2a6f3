// Re-checks a reported URL: is the content still online, removed, or can we
// not tell? The URLs come from victims, so from anyone: fetching them is a
// server-side request forgery risk. The checker therefore resolves the name
// itself, refuses any address the address policy refuses (net/address-policy.ts:
// every special-purpose range, unless the deployment allows it), connects to
// the address it checked (no second lookup an attacker's DNS could answer
// differently), re-validates every redirect, reads at most a little of the
// body and gives up after a few seconds.

import http from 'node:http';
import https from 'node:https';
import { AddressPolicy, hostLiteral } from '../net/address-policy.ts';
import { type ResolvedAddress, type Resolver, reachableAddresses, systemResolve } from '../net/outbound.ts';

export type CheckOutcome = 'online' | 'removed' | 'unreachable';

export interface CheckResult {
  readonly outcome: CheckOutcome;
  /** The final answer's status, or null when no answer came. */
  readonly httpStatus: number | null;
  /** Why it is unreachable, as a code (never the URL or an address). */
  readonly reason?: UnreachableReason;
}

export type UnreachableReason = 'address_not_allowed' | 'dns_failed' | 'connect_failed' | 'timeout' | 'too_many_redirects' | 'bad_redirect' | 'http_error';

export interface UrlCheckerOptions {
  /** Address ranges that may be fetched although they are not public, e.g. ['127.0.0.1/32'] for a test fixture (DISRUPT_FETCH_ALLOW). */
  readonly allow?: readonly string[];
  /** Name resolution; the system resolver by default. */
  readonly resolve?: Resolver;
  readonly timeoutMs?: number;
  readonly maxRedirects?: number;
  /** Body bytes read before the connection is dropped: the status is what counts. */
  readonly maxBodyBytes?: number;
  readonly userAgent?: string;
}

/** Answers that mean the host took the content down: gone, not found, or withheld for legal reasons. */
const REMOVED_STATUSES = new Set([404, 410, 451]);

class Refused extends Error {
  constructor(readonly reason: UnreachableReason) {
    super(reason);
  }
}

export class UrlChecker {
  private readonly policy: AddressPolicy;
  private readonly resolve: Resolver;
  private readonly timeoutMs: number;
  private readonly maxRedirects: number;
  private readonly maxBodyBytes: number;
  private readonly userAgent: string;

  constructor(options: UrlCheckerOptions = {}) {
    this.policy = new AddressPolicy(options.allow);
    this.resolve = options.resolve ?? systemResolve;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxRedirects = options.maxRedirects ?? 5;
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
    this.userAgent = options.userAgent ?? 'Disrupt-URL-Check/1.0';
  }

  async check(url: string): Promise<CheckResult> {
    const deadline = Date.now() + this.timeoutMs;
    let current: URL;
    try {
      current = new URL(url);
    } catch {
      return { outcome: 'unreachable', httpStatus: null, reason: 'bad_redirect' };
    }
    try {
      for (let hop = 0; ; hop++) {
        if (current.protocol !== 'http:' && current.protocol !== 'https:') throw new Refused('bad_redirect');
        const { status, location } = await this.request(current, deadline);
        if (status >= 300 && status < 400 && location !== null) {
          if (hop >= this.maxRedirects) throw new Refused('too_many_redirects');
          if (!URL.canParse(location, current)) throw new Refused('bad_redirect');
          current = new URL(location, current);
          continue;
        }
        if (REMOVED_STATUSES.has(status)) return { outcome: 'removed', httpStatus: status };
        if (status >= 200 && status < 300) return { outcome: 'online', httpStatus: status };
        return { outcome: 'unreachable', httpStatus: status, reason: 'http_error' };
      }
    } catch (error) {
      return { outcome: 'unreachable', httpStatus: null, reason: error instanceof Refused ? error.reason : 'connect_failed' };
    }
  }

  /** The addresses to connect to: every one must be allowed, or none is used. */
  private async addresses(hostname: string): Promise<readonly ResolvedAddress[]> {
    const reachable = await reachableAddresses(this.policy, this.resolve, hostname);
    if (!reachable.ok) throw new Refused(reachable.reason);
    return reachable.addresses;
  }

  private async request(url: URL, deadline: number): Promise<{ status: number; location: string | null }> {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Refused('timeout');
    const [target] = await this.addresses(url.hostname);
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = client.request(
        {
          protocol: url.protocol,
          // Connect to the address we checked; the name still goes in Host and SNI.
          host: target!.address,
          family: target!.family,
          port: url.port || (url.protocol === 'https:' ? 443 : 80),
          path: `${url.pathname}${url.search}`,
          method: 'GET',
          servername: hostLiteral(url.hostname) === null ? url.hostname : undefined,
          headers: { host: url.host, 'user-agent': this.userAgent, accept: '*/*', 'accept-encoding': 'identity' },
          agent: false,
          timeout: remaining,
        },
        (response) => {
          const status = response.statusCode ?? 0;
          const location = typeof response.headers.location === 'string' ? response.headers.location : null;
          let read = 0;
          response.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read >= this.maxBodyBytes) {
              response.destroy();
              resolve({ status, location });
            }
          });
          const done = () => {
            resolve({ status, location });
          };
          response.on('end', done);
          response.on('error', done);
        },
      );
      const giveUp = () => {
        request.destroy(new Refused('timeout'));
      };
      const timer = setTimeout(giveUp, remaining);
      request.on('timeout', giveUp);
      request.on('error', (error) => {
        reject(error instanceof Refused ? error : new Refused('connect_failed'));
      });
      request.on('close', () => {
        clearTimeout(timer);
      });
      request.end();
    });
  }
}
