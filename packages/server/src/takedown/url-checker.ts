// Re-checks a reported URL: is the content still online, removed, or can we
// not tell? The URLs come from victims, so from anyone: fetching them is a
// server-side request forgery risk. The checker therefore resolves the name
// itself, refuses any private, loopback, link-local or otherwise non-public
// address (unless the deployment allows that range), connects to the address
// it checked (no second lookup an attacker's DNS could answer differently),
// re-validates every redirect, reads at most a little of the body and gives
// up after a few seconds.

import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, type LookupFunction, isIP } from 'node:net';

export type CheckOutcome = 'online' | 'removed' | 'unreachable';

export interface CheckResult {
  readonly outcome: CheckOutcome;
  /** The final answer's status, or null when no answer came. */
  readonly httpStatus: number | null;
  /** Why it is unreachable, as a code (never the URL or an address). */
  readonly reason?: UnreachableReason;
}

export type UnreachableReason = 'address_not_allowed' | 'dns_failed' | 'connect_failed' | 'timeout' | 'too_many_redirects' | 'bad_redirect' | 'http_error';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export interface UrlCheckerOptions {
  /** Address ranges that may be fetched although they are not public, e.g. ['127.0.0.1/32'] for a test fixture. */
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

/** Ranges that are never the public web (IANA special-purpose registries). */
const NON_PUBLIC: readonly [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.88.99.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'],
  ['64:ff9b:1::', 48, 'ipv6'],
  ['100::', 64, 'ipv6'],
  ['2001::', 23, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['2002::', 16, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

class Refused extends Error {
  constructor(readonly reason: UnreachableReason) {
    super(reason);
  }
}

export class UrlChecker {
  private readonly blocked = new BlockList();
  private readonly allowed = new BlockList();
  private readonly resolve: Resolver;
  private readonly timeoutMs: number;
  private readonly maxRedirects: number;
  private readonly maxBodyBytes: number;
  private readonly userAgent: string;

  constructor(options: UrlCheckerOptions = {}) {
    for (const [net, prefix, type] of NON_PUBLIC) this.blocked.addSubnet(net, prefix, type);
    for (const range of options.allow ?? []) {
      const parsed = parseRange(range);
      if (!parsed) throw new Error('allowed fetch ranges must be CIDR ranges or addresses');
      this.allowed.addSubnet(parsed.address, parsed.prefix, parsed.type);
    }
    this.resolve = options.resolve ?? systemResolve;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxRedirects = options.maxRedirects ?? 5;
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
    this.userAgent = options.userAgent ?? 'Disrupt-URL-Check/1.0';
  }

  /** May this address be fetched? */
  isAllowed(address: string): boolean {
    const v4mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    const ip = v4mapped ? v4mapped[1]! : address;
    const type = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (this.allowed.check(ip, type)) return true;
    return !this.blocked.check(ip, type);
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
    const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
    const literal = isIP(bare);
    let list: readonly ResolvedAddress[];
    if (literal !== 0) list = [{ address: bare, family: literal === 6 ? 6 : 4 }];
    else {
      try {
        list = await this.resolve(bare);
      } catch {
        throw new Refused('dns_failed');
      }
    }
    if (list.length === 0) throw new Refused('dns_failed');
    // One bad address refuses the name: a host that answers with both a
    // public and a private address is trying something.
    if (!list.every((a) => this.isAllowed(a.address))) throw new Refused('address_not_allowed');
    return list;
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
          servername: isIP(url.hostname) === 0 ? url.hostname : undefined,
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

/**
 * A `lookup` for node:http(s) requests that resolves the name and refuses it
 * when any of its addresses is not allowed: the connection then goes to an
 * address that was checked, so a second DNS answer cannot redirect it.
 */
export function guardedLookup(checker: UrlChecker, resolve: Resolver = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (list) => {
        const refused = Object.assign(new Error('address not allowed'), { code: 'EADDRNOTALLOWED' });
        if (list.length === 0 || !list.every((a) => checker.isAllowed(a.address))) {
          callback(refused, '', 4);
        } else if (options.all) {
          (callback as unknown as (e: null, all: ResolvedAddress[]) => void)(null, [...list]);
        } else {
          callback(null, list[0]!.address, list[0]!.family);
        }
      },
      (error: unknown) => {
        callback(Object.assign(new Error('name not resolved'), { code: 'ENOTFOUND', cause: error }), '', 4);
      },
    );
  };
}

async function systemResolve(hostname: string): Promise<readonly ResolvedAddress[]> {
  const list = await dnsLookup(hostname, { all: true, verbatim: true });
  return list.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}

/** "10.0.0.0/8", "::1/128" or a bare address. */
export function parseRange(text: string): { address: string; prefix: number; type: 'ipv4' | 'ipv6' } | null {
  const [address = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return null;
  const version = isIP(address);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return null;
  return { address, prefix, type: version === 4 ? 'ipv4' : 'ipv6' };
}
