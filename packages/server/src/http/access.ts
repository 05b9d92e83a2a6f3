// Who may call a route is a property of the route, never of the URL.
//
// Every route declares its access in its own definition (`config.access`).
// One hook, added at the root of the app so that it runs for every route of
// every plugin, reads the declaration from the route Fastify matched
// (`request.routeOptions`) and calls `authorise`, the one function that
// decides. The URL's text is never consulted: a path can be spelled many ways
// (`/api/%63onsole/queue` routes to `/api/console/queue`), and a gate that
// compares prefixes of `request.url` lets the other spellings through — which
// is how the console was once readable without signing in.
//
// A route without a declaration stops the server from starting
// (`checkDeclarations`, run when the app becomes ready), so a new route
// cannot be forgotten; a route whose kind of access this process cannot check
// (its authenticator is absent) admits no one.

import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest, RouteOptions } from 'fastify';
import type { SessionInfo, UserRole } from '../console/account.service.ts';
import { AppError } from '../errors.ts';
import type { PartnerCaller, PartnerScope, StopNciiEndpoint } from '../partner/partner.service.ts';

/**
 * The closed set of ways in. `public`: anyone (sign-in forms, the portal,
 * opening a case, health). `victim`: a victim's bearer session, bound to one
 * case. `console`: a signed-in analyst, supervisor or admin of one of the
 * listed roles (writes also need the session's CSRF token). `partner`: a
 * partner API key with the scope (`none`: any valid key). `stopncii`: the
 * StopNCII-style subscription and function keys of that endpoint. `metrics`:
 * the operator's bearer token (DISRUPT_METRICS_TOKEN).
 */
export type Access =
  | { readonly kind: 'public' }
  | { readonly kind: 'victim' }
  | { readonly kind: 'console'; readonly roles: readonly UserRole[] }
  | { readonly kind: 'partner'; readonly scope: PartnerScope | 'none' }
  | { readonly kind: 'stopncii'; readonly endpoint: StopNciiEndpoint }
  | { readonly kind: 'metrics' };

export const ACCESS_KINDS = ['public', 'victim', 'console', 'partner', 'stopncii', 'metrics'] as const satisfies readonly Access['kind'][];

/** Declarations, as route definitions write them: `config: { access: access.console('admin') }`. */
export const access = {
  public: { kind: 'public' },
  victim: { kind: 'victim' },
  metrics: { kind: 'metrics' },
  console: (...roles: UserRole[]): Access => ({ kind: 'console', roles }),
  partner: (scope: PartnerScope | 'none'): Access => ({ kind: 'partner', scope }),
  stopncii: (endpoint: StopNciiEndpoint): Access => ({ kind: 'stopncii', endpoint }),
} as const satisfies Record<string, Access | ((...args: never[]) => Access)>;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    /** Set by the gate on console routes. */
    consoleSession?: SessionInfo;
    /** Set by the gate on victim routes: the one case this session may touch. */
    victimCaseId?: string;
    /** Set by the gate on partner and StopNCII routes. */
    partner?: PartnerCaller;
  }
}

/**
 * How each kind of caller is recognised: ports wired once in server.ts. A
 * missing one means this process has no such callers: routes of that kind
 * admit no one.
 */
export interface Authenticators {
  /** The console session behind a session cookie value, or null. */
  readonly consoleSession?: (sessionId: string) => Promise<SessionInfo | null>;
  /** The console's session cookie name. */
  readonly consoleCookie?: string;
  /** The case of a victim bearer token, or null. */
  readonly victimSession?: (token: string) => Promise<string | null>;
  /** A partner's key: authentication, rate limit and scope (throws 401/429/403). */
  readonly partner?: (request: FastifyRequest, scope: PartnerScope | 'none') => Promise<void>;
  /** A StopNCII-style call: its keys for that endpoint, rate limit and scope. */
  readonly stopncii?: (request: FastifyRequest, endpoint: StopNciiEndpoint) => Promise<void>;
  /** The metrics token; unset: /metrics is not served (404). */
  readonly metricsToken?: string | null;
}

const VICTIM_BEARER = /^Bearer ([A-Za-z0-9_-]{20,100})$/;

/** The one access decision. Throws the refusal; on success, the caller is on the request. */
export async function authorise(request: FastifyRequest, declared: Access | undefined, auth: Authenticators): Promise<void> {
  if (!isAccess(declared)) throw new AppError('not_found'); // declared nothing (or nonsense): admits no one
  switch (declared.kind) {
    case 'public':
      return;
    case 'victim': {
      const match = VICTIM_BEARER.exec(header(request, 'authorization') ?? '');
      const caseId = match && auth.victimSession ? await auth.victimSession(match[1]!) : null;
      if (caseId === null) throw new AppError('unauthorized');
      request.victimCaseId = caseId;
      return;
    }
    case 'console': {
      if (!auth.consoleSession || !auth.consoleCookie) throw new AppError('not_found');
      const sessionId = request.cookies[auth.consoleCookie];
      const session = sessionId ? await auth.consoleSession(sessionId) : null;
      if (!session) throw new AppError('unauthorized');
      // Another role's route looks exactly like one that does not exist.
      if (!declared.roles.includes(session.user.role)) throw new AppError('not_found');
      if (!SAFE_METHODS.has(request.method) && !sameSecret(header(request, 'x-csrf-token'), session.csrfToken)) {
        throw new AppError('not_permitted', 'missing or wrong CSRF token');
      }
      request.consoleSession = session;
      return;
    }
    case 'partner':
      if (!auth.partner) throw new AppError('not_found');
      return auth.partner(request, declared.scope);
    case 'stopncii':
      if (!auth.stopncii) throw new AppError('not_found');
      return auth.stopncii(request, declared.endpoint);
    case 'metrics': {
      if (!auth.metricsToken) throw new AppError('not_found');
      const match = /^Bearer (.+)$/.exec(header(request, 'authorization') ?? '');
      if (!match || !sameSecret(match[1], auth.metricsToken)) throw new AppError('unauthorized');
      return;
    }
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Compares two secrets in time that does not depend on where they differ. */
function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isAccess(value: unknown): value is Access {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  if (!(ACCESS_KINDS as readonly unknown[]).includes(kind)) return false;
  if (kind === 'console') {
    const roles = (value as { roles?: unknown }).roles;
    return Array.isArray(roles) && roles.length > 0;
  }
  return true;
}

/** One row of the route table: what the authorisation tests walk. */
export interface RouteAccess {
  readonly method: string;
  readonly url: string;
  readonly access: Access;
}

/**
 * Collects every route as it is added, and refuses to start when one has no
 * valid declaration: the list names them all, so a new module's omissions
 * show at once.
 */
export class RouteTable {
  private readonly routes: RouteOptions[] = [];

  add(route: RouteOptions): void {
    this.routes.push(route);
  }

  /** Throws when any route lacks a valid access declaration. */
  check(): void {
    const missing = this.routes.filter((route) => !isAccess(route.config?.access)).map((route) => `${methodsOf(route).join(',')} ${route.url}`);
    if (missing.length > 0) throw new Error(`routes without an access declaration (every route must declare config.access): ${missing.join('; ')}`);
  }

  /** Every route but the automatic HEAD twins of GET routes (they share the GET route's declaration). */
  list(): RouteAccess[] {
    const rows: RouteAccess[] = [];
    for (const route of this.routes) {
      const declared = route.config?.access;
      if (!isAccess(declared)) continue;
      for (const method of methodsOf(route)) if (method !== 'HEAD') rows.push({ method, url: route.url, access: declared });
    }
    return rows;
  }
}

function methodsOf(route: RouteOptions): string[] {
  return Array.isArray(route.method) ? [...route.method] : [route.method];
}
