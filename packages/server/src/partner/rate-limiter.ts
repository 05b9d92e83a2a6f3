// Requests per minute per key, as a token bucket: a partner may burst up to
// its minute's allowance, then gets one request per (60 / limit) seconds.
// In memory, per process: behind a load balancer each replica enforces the
// limit on its own share of the traffic, which bounds a flood at
// replicas × limit without a shared store on the request path.

export type RateDecision = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets untouched this long are full again, so they can be dropped. */
const IDLE_MS = 120_000;
const PRUNE_EVERY = 1000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private calls = 0;

  constructor(private readonly now: () => number = Date.now) {}

  take(key: string, perMinute: number): RateDecision {
    const now = this.now();
    if (++this.calls % PRUNE_EVERY === 0) this.prune(now);
    const rate = perMinute / 60_000; // tokens per millisecond
    const bucket = this.buckets.get(key) ?? { tokens: perMinute, at: now };
    bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / rate / 1000)) };
  }

  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) if (now - bucket.at > IDLE_MS) this.buckets.delete(key);
  }
}
