// Per-client request budgets for the public doors, through @fastify/rate-limit
// (its key generation, windows and store contract) on our BudgetStore: one
// module that every door calls, so no door keeps a weaker copy.
//
// The client is `request.ip`: the socket's address, or behind proxies the
// right-most address the trusted hops vouch for (DISRUPT_TRUST_PROXY), never
// the left-most entry of X-Forwarded-For, which the client writes itself.
// IPv6 clients are taken by their /64 (one subscriber holds a whole /64 and
// could otherwise change address at every attempt).
//
// No victim's address is stored, nor kept in memory: a bucket is an HMAC of
// the address under a key derived from the master key (the same on every
// replica, so they share the budget in PostgreSQL), and lives only until its
// window ends. Nothing here logs.
//
// Budgets are loose on purpose: the tight limit is per target (sign-in-guard.ts);
// this one only stops one client from trying thousands of targets, and a
// shelter, a school or a carrier's NAT has many honest people behind one
// address. For the same reason a sign-in that succeeds is given back: the
// budget counts failures, so a hundred victims signing in from one shelter
// never lock each other out, while a client guessing still runs out.

import { createHmac } from 'node:crypto';
import rateLimit, { type FastifyRateLimitStore, normalizeIP } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import { type Key, deriveKey } from '../crypto/envelope.ts';
import { AppError } from '../errors.ts';
import type { App } from '../http/app.ts';
import type { BudgetStore } from './budget-store.ts';
import type { SignInDoor } from './sign-in-guard.ts';

export interface ClientBudgetLimits {
  /** Sign-in attempts per client per SIGN_IN_WINDOW_MS, on each door (successes given back). */
  readonly signInPerClient: number;
  /** Cases opened per client per CASE_OPEN_WINDOW_MS. */
  readonly caseOpenPerClient: number;
  /** Cases opened by everyone together per CASE_OPEN_WINDOW_MS. */
  readonly caseOpenTotal: number;
}

export const SIGN_IN_WINDOW_MS = 10 * 60_000;
export const CASE_OPEN_WINDOW_MS = 60 * 60_000;
/** The prefix of an IPv6 client's address that names it. */
const IPV6_CLIENT_PREFIX = 64;
/**
 * For opening cases, a wider one: a home connection is often given a /56 (256
 * /64s), which at /64 would multiply its hourly allowance by 256 — enough for
 * one subscriber to spend the total budget and shut the door on every victim.
 */
const IPV6_CASE_OPEN_PREFIX = 48;

type Limiter = ReturnType<App['createRateLimit']>;
type Hook = (request: FastifyRequest) => Promise<void>;

const NO_HEADERS = { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false, 'retry-after': false } as const;

/** Our BudgetStore as @fastify/rate-limit's store class (it constructs it itself). Every limiter names its own buckets, so a child is the same store. */
function rateLimitStore(store: BudgetStore): new () => FastifyRateLimitStore {
  return class implements FastifyRateLimitStore {
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      store.hit(key, timeWindow).then(
        (count) => {
          callback(null, { current: count.hits, ttl: count.resetsInMs });
        },
        (error: unknown) => {
          callback(error instanceof Error ? error : new Error('budget store failed'));
        },
      );
    }
    child(): FastifyRateLimitStore {
      return this;
    }
  };
}

const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

export class ClientBudgets {
  private readonly key: Key;
  private limiters: { signIn: Record<SignInDoor, Limiter>; caseOpenPerClient: Limiter; caseOpenTotal: Limiter } | null = null;
  /** The sign-in bucket each request was charged to, to give it back when the sign-in succeeds. */
  private readonly charged = new WeakMap<FastifyRequest, string>();

  constructor(private readonly deps: { store: BudgetStore; masterKey: Key; limits: ClientBudgetLimits }) {
    this.key = deriveKey(deps.masterKey, 'client-budget', new Uint8Array());
  }

  /** A client's bucket name: an HMAC of its address (IPv6 by its prefix, /64 unless said), never the address. */
  clientBucket(budget: string, ip: string, ipv6Prefix = IPV6_CLIENT_PREFIX): string {
    const client = normalizeIP(ip, ipv6Prefix);
    return `${budget}:${createHmac('sha256', this.key).update(client).digest('base64url').slice(0, 22)}`;
  }

  /**
   * Registers @fastify/rate-limit with no global limit (only the doors that
   * ask are limited) and no headers of its own: a refusal is one of our
   * errors, with Retry-After set where every error's is.
   */
  readonly plugin = async (app: App): Promise<void> => {
    const { limits } = this.deps;
    await app.register(rateLimit, {
      global: false,
      store: rateLimitStore(this.deps.store),
      addHeaders: NO_HEADERS,
      addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    });
    const perClient = (budget: string, max: number, timeWindow: number, ipv6Prefix = IPV6_CLIENT_PREFIX) =>
      app.createRateLimit({ max, timeWindow, keyGenerator: (request) => this.clientBucket(budget, request.ip, ipv6Prefix) });
    this.limiters = {
      signIn: {
        console: perClient('sign-in:console', limits.signInPerClient, SIGN_IN_WINDOW_MS),
        victim: perClient('sign-in:victim', limits.signInPerClient, SIGN_IN_WINDOW_MS),
      },
      caseOpenPerClient: perClient('case-open', limits.caseOpenPerClient, CASE_OPEN_WINDOW_MS, IPV6_CASE_OPEN_PREFIX),
      caseOpenTotal: app.createRateLimit({ max: limits.caseOpenTotal, timeWindow: CASE_OPEN_WINDOW_MS, keyGenerator: () => 'case-open:total' }),
    };
  };

  private get registered(): NonNullable<ClientBudgets['limiters']> {
    if (!this.limiters) throw new Error('ClientBudgets.plugin must run before the routes that use it');
    return this.limiters;
  }

  /** An onRequest hook for a sign-in door: a client over its budget is refused before anything is parsed or checked. */
  signIn(door: SignInDoor): Hook {
    const limiter = this.registered.signIn[door];
    return async (request) => {
      const outcome = await limiter(request);
      if (outcome.isAllowed) return;
      if (outcome.isExceeded) {
        throw new AppError('too_many_requests', `too many sign-in attempts from this network; try again in ${minutes(outcome.ttlInSeconds)} minutes`, {
          retryAfterSeconds: outcome.ttlInSeconds,
        });
      }
      this.charged.set(request, outcome.key);
    };
  }

  /** The sign-in of this request succeeded: its attempt does not count against the client. */
  async signInSucceeded(request: FastifyRequest): Promise<void> {
    const bucket = this.charged.get(request);
    if (bucket === undefined) return;
    this.charged.delete(request);
    await this.deps.store.refund(bucket);
  }

  /**
   * A preHandler hook for opening a case: the client's budget, then
   * everyone's (a client over its own budget does not spend everyone's).
   * `exempt` requests spend nothing: a retry whose Idempotency-Key already
   * opened a case is answered with that case, however spent the budget is —
   * refusing it would leave a victim without the secret of a case that exists.
   */
  caseOpening(exempt: (request: FastifyRequest) => Promise<boolean>): Hook {
    const { caseOpenPerClient, caseOpenTotal } = this.registered;
    return async (request) => {
      if (await exempt(request)) return;
      const client = await caseOpenPerClient(request);
      if (!client.isAllowed && client.isExceeded) {
        throw new AppError('too_many_requests', `too many cases opened from this network; try again in ${minutes(client.ttlInSeconds)} minutes`, {
          retryAfterSeconds: client.ttlInSeconds,
        });
      }
      const total = await caseOpenTotal(request);
      if (!total.isAllowed && total.isExceeded) {
        throw new AppError('too_many_requests', `the hotline receives too many reports right now; try again in ${minutes(total.ttlInSeconds)} minutes`, {
          retryAfterSeconds: total.ttlInSeconds,
        });
      }
    };
  }
}
