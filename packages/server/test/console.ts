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

export const totpCode = (secret: string) => new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate();

/** A new account of `role`, enrolled and signed in. */
export async function consoleUser(server: RunningServer, role: UserRole): Promise<ConsoleLogin> {
  const email = `${role}-${Math.random().toString(36).slice(2)}@hotline.example`;
  const { enrolmentToken } = await server.accounts.createUser(email, role, 'system');
  const start = await server.app.inject({ method: 'POST', url: '/api/console/enrol/start', payload: { token: enrolmentToken } });
  const { secret } = start.json<{ secret: string }>();
  const finish = await server.app.inject({ method: 'POST', url: '/api/console/enrol/finish', payload: { token: enrolmentToken, password: PASSWORD, code: totpCode(secret) } });
  expect(finish.statusCode).toBe(204);
  const login = await server.app.inject({ method: 'POST', url: '/api/console/login', remoteAddress: `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`, payload: { email, password: PASSWORD, code: totpCode(secret) } });
  expect(login.statusCode).toBe(200);
  const body = login.json<{ csrfToken: string; user: { id: string } }>();
  return { cookie: login.cookies.find((c) => c.name === SESSION_COOKIE)!.value, csrf: body.csrfToken, userId: body.user.id, email, secret };
}

/** The request as `who` (cookie and CSRF header), or anonymous. */
export function as(who: ConsoleLogin | undefined, options: InjectOptions): InjectOptions {
  if (!who) return options;
  return { ...options, cookies: { [SESSION_COOKIE]: who.cookie }, headers: { ...(options.headers ?? {}), 'x-csrf-token': who.csrf } };
}
