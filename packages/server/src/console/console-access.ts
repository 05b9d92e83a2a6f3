// The console's side of the access gate: its session cookie, how a cookie
// becomes a signed-in user, the role sets routes declare, and the signed-in
// user as a handler reads it. The decision itself is http/access.ts's.

import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { type Access, type Authenticators, access } from '../http/access.ts';
import type { AccountService, SessionInfo } from './account.service.ts';

export const SESSION_COOKIE = 'disrupt_console';

/** Everyone with a console account. */
export const ANY_STAFF: Access = access.console('analyst', 'supervisor', 'admin');
/** Those who review items, send notices and escalate. */
export const REVIEWERS: Access = access.console('analyst', 'supervisor');
/** Oversight: reversals, statistics, the host directory. */
export const SUPERVISORS: Access = access.console('supervisor', 'admin');
export const ADMINS: Access = access.console('admin');

/** The gate's console authenticator. */
export function consoleAuthenticator(accounts: AccountService): Pick<Authenticators, 'consoleSession' | 'consoleCookie'> {
  return { consoleCookie: SESSION_COOKIE, consoleSession: (sessionId) => accounts.session(sessionId) };
}

/** The signed-in user of a console route (the gate put it there). */
export function signedIn(request: FastifyRequest): SessionInfo {
  if (!request.consoleSession) throw new AppError('unauthorized');
  return request.consoleSession;
}
