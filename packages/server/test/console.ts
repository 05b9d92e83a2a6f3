// Console users for HTTP tests: created, enrolled with a real TOTP, signed in.
import type { InjectOptions } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { expect } from 'vitest';
import type { UserRole } from '../src/console/account.service.ts';
import { SESSION_COOKIE } from '../src/console/console.routes.ts';
import type { RunningServer } from '../src/server.ts';

export interface ConsoleLogin {
  readonly cookie: string;
  readonly csrf: string;
  readonly userId: string;
  readonly email: string;
  /** The TOTP secret of the authenticator, to sign in again. */
  readonly secret: string;
}

export const PASSWORD = 'correct horse battery staple';

const PERIOD_MS = 30_000;
const totp = (secret: string) => new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });

/** The code the authenticator shows now (a code signs in once: see freshCode to sign in again). */
export const totpCode = (secret: string) => totp(secret).generate();

/** The last time step each secret's code was taken for. */
const usedSteps = new Map<string, number>();
/** A code must still be inside the server's window (±1 step) when the request arrives (a browser test types it first). */
const MARGIN_MS = 5000;

/**
 * A code of a step not taken before for this secret, as a person waiting for
 * the next code would type: the server accepts each step once (and the one
 * before and after the current one, for clock drift), so this gives three
 * codes at once and then waits for the next step.
 */
export async function freshCode(secret: string): Promise<string> {
  for (;;) {
    const now = Date.now();
    const earliest = Math.floor((now + MARGIN_MS) / PERIOD_MS) - 1;
    const latest = Math.floor(now / PERIOD_MS) + 1;
    const step = Math.max(earliest, (usedSteps.get(secret) ?? earliest - 1) + 1);
    if (step <= latest) {
      usedSteps.set(secret, step);
      return totp(secret).generate({ timestamp: step * PERIOD_MS });
    }
    await new Promise((resolve) => setTimeout(resolve, (step - 1) * PERIOD_MS - now + 100));
  }
}

/** A new account of `role`, enrolled (its first code spent) but not signed in. */
export async function enrolledUser(server: RunningServer, role: UserRole): Promise<{ userId: string; email: string; secret: string }> {
  const email = `${role}-${Math.random().toString(36).slice(2)}@hotline.example`;
  const { userId, enrolmentToken } = await server.accounts.createUser(email, role, 'system');
  const start = await server.app.inject({ method: 'POST', url: '/api/console/enrol/start', payload: { token: enrolmentToken } });
  const { secret } = start.json<{ secret: string }>();
  const finish = await server.app.inject({ method: 'POST', url: '/api/console/enrol/finish', payload: { token: enrolmentToken, password: PASSWORD, code: await freshCode(secret) } });
  expect(finish.statusCode).toBe(204);
  return { userId, email, secret };
}

/** A new account of `role`, enrolled and signed in. */
export async function consoleUser(server: RunningServer, role: UserRole): Promise<ConsoleLogin> {
  const { email, secret } = await enrolledUser(server, role);
  const login = await server.app.inject({ method: 'POST', url: '/api/console/login', remoteAddress: `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`, payload: { email, password: PASSWORD, code: await freshCode(secret) } });
  expect(login.statusCode).toBe(200);
  const body = login.json<{ csrfToken: string; user: { id: string } }>();
  return { cookie: login.cookies.find((c) => c.name === SESSION_COOKIE)!.value, csrf: body.csrfToken, userId: body.user.id, email, secret };
}

/** The request as `who` (cookie and CSRF header), or anonymous. */
export function as(who: ConsoleLogin | undefined, options: InjectOptions): InjectOptions {
  if (!who) return options;
  return { ...options, cookies: { [SESSION_COOKIE]: who.cookie }, headers: { ...(options.headers ?? {}), 'x-csrf-token': who.csrf } };
}
