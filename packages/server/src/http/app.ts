// The HTTP core: one Fastify app with zod schemas that validate requests,
// serialise responses and produce the OpenAPI document; one place where every
// error becomes the same JSON shape; the one access gate (access.ts), run for
// every route from the route it matched; health, readiness and metrics;
// security headers. Route modules (cases, console, partners, portal) plug in
// as AppPlugins, after the core, so they inherit all of it.

import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController, type RawReplyDefaultExpression, type RawRequestDefaultExpression, type RawServerDefault } from 'fastify';
import { type ZodTypeProvider, hasZodFastifySchemaValidationErrors, jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { z } from 'zod';
import { type Config, DEFAULT_MAX_UPLOAD_BYTES, type TrustProxy } from '../config.ts';
import { AppError, ERROR_CODES, type ErrorDetail } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { type Authenticators, type RouteAccess, RouteTable, access, authorise } from './access.ts';

/** The app as route files see it: zod schemas type their requests and replies. */
export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, Logger, ZodTypeProvider>;

/** The app once built: also every route with its declared access (what the authorisation tests walk). */
export type BuiltApp = App & { readonly routeTable: () => readonly RouteAccess[] };

/**
 * How a module adds routes. Called on the root instance after the core is in
 * place, so the error handler, hooks, schemas and metrics apply to its routes.
 */
export type AppPlugin = (app: App) => Promise<void>;

export interface AppOptions {
  /** Body limit (maxUploadBytes) and proxy trust come from here. */
  readonly config?: Pick<Config, 'maxUploadBytes' | 'trustProxy'>;
  readonly logger: Logger;
  readonly plugins?: readonly AppPlugin[];
  /** Where the HTTP metrics go, so that the process can add its own (jobs, bank) to one /metrics; a fresh registry by default. */
  readonly metrics?: Registry;
  /** Readiness, e.g. "the database answers"; /readyz is 503 when it resolves false, throws or hangs. Always ready when absent. */
  readonly readiness?: () => Promise<boolean>;
  /** The older name of `readiness`, kept for callers written before it. */
  readonly ready?: () => Promise<boolean>;
  /** Overrides config.maxUploadBytes (e.g. to let JSON batches exceed a small upload limit). */
  readonly bodyLimit?: number;
  /** Overrides config.trustProxy. */
  readonly trustProxy?: TrustProxy;
  /** The API version in the OpenAPI document. */
  readonly version?: string;
  /** How each kind of caller is recognised (access.ts); a kind without one admits no one. */
  readonly authenticators?: Authenticators;
}

/** Every error response, for route schemas (`response: { 404: errorResponseSchema }`) and the OpenAPI document. */
export const errorResponseSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ description: 'An error: a code from a closed set, a message for people, and for validation failures the paths that failed (never the values).' });

// The API answers JSON only: nothing on it should ever load, frame or run anything.
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
// swagger-ui is served from this origin (no CDN) but sets inline styles and shows its logo as a data: URL.
const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

// The API and its pages use none of these: a compromised page must not get them either.
const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=(), usb=()';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The most a public route (sign-in, enrolment, opening a case) reads of a body, unless it sets its own bodyLimit. */
export const PUBLIC_BODY_LIMIT = 1024 * 1024;

/**
 * Where in a parsed value (JSON body, query, params) a string or key holds a
 * NUL or a lone surrogate: its path, or null. Iterative, so a deeply nested
 * body cannot exhaust the stack.
 */
export function unsafeTextAt(value: unknown): string[] | null {
  const unsafe = (text: string) => text.includes('\u0000') || LONE_SURROGATE.test(text);
  // Each node links to its parent: the path is built only for the one that is found.
  interface Node {
    readonly value: unknown;
    readonly step: string | null;
    readonly parent: Node | null;
  }
  const pathOf = (node: Node | null, last?: string): string[] => {
    const steps = last === undefined ? [] : [last];
    for (let at = node; at !== null; at = at.parent) if (at.step !== null) steps.push(at.step);
    return steps.reverse();
  };
  const stack: Node[] = [{ value, step: null, parent: null }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const current = node.value;
    if (typeof current === 'string') {
      if (unsafe(current)) return pathOf(node);
    } else if (Array.isArray(current)) {
      current.forEach((entry, i) => stack.push({ value: entry, step: String(i), parent: node }));
    } else if (typeof current === 'object' && current !== null && !(current instanceof Uint8Array)) {
      for (const [key, entry] of Object.entries(current)) {
        // A key is named only when it looks like a field name: a key could be anything the client sent (a hash).
        const step = /^[A-Za-z_][A-Za-z0-9_]{0,23}$/.test(key) ? key : '*';
        if (unsafe(key)) return pathOf(node, step);
        stack.push({ value: entry, step, parent: node });
      }
    }
  }
  return null;
}

/** Route patterns for probes and scrapes: logged at debug, or they would drown every other line. */
const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);
/** The route label of requests that matched no route: raw URLs never become labels (they carry identifiers, and would explode cardinality). */
const UNMATCHED_ROUTE = 'unmatched';
/** A readiness check that hangs is a failed one: probes must answer before their own timeout. */
const READINESS_TIMEOUT_MS = 5000;

export async function buildApp(options: AppOptions): Promise<BuiltApp> {
  const app = Fastify({
    loggerInstance: options.logger,
    // Our own onResponse line replaces Fastify's request logs, which carry the raw URL and the address.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? options.config?.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    trustProxy: fastifyTrustProxy(options.trustProxy ?? options.config?.trustProxy ?? false),
    // Request ids are ours, random, and say nothing about the client (nor are they taken from a header it sent).
    genReqId: () => crypto.randomUUID(),
  }).withTypeProvider<ZodTypeProvider>();
  // The API speaks JSON: any other body type is refused with 415, not parsed as text.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const metrics = httpMetrics(options.metrics ?? new Registry());

  // Every route, as it is added by any plugin; checked once all are in.
  const routes = new RouteTable();
  app.addHook('onRoute', (route) => {
    routes.add(route);
    // Anyone may send to a public route before we know who they are: its body is small, or refused (413) from its
    // Content-Length, before a byte of it is parsed. Routes that need more say so themselves.
    if (route.config?.access?.kind === 'public' && route.bodyLimit === undefined) route.bodyLimit = Math.min(PUBLIC_BODY_LIMIT, app.initialConfig.bodyLimit ?? PUBLIC_BODY_LIMIT);
  });
  app.addHook('onReady', (done) => {
    try {
      routes.check();
      done();
    } catch (error) {
      done(error as Error);
    }
  });
  // Cookies are parsed before the gate reads the console's session cookie.
  await app.register(cookie);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-resource-policy', 'same-origin');
    // Answers about cases must not sit in shared or browser caches.
    reply.header('cache-control', 'no-store');
    // The docs plugin replaces this with DOCS_CSP on its own routes only (staticCSP below).
    reply.header('content-security-policy', API_CSP);
    reply.header('permissions-policy', PERMISSIONS_POLICY);
    reply.header('cross-origin-opener-policy', 'same-origin');
    // Only when the request reached a trusted proxy over HTTPS (request.protocol
    // reads X-Forwarded-Proto only from a trusted hop): a plain-HTTP answer
    // cannot set it, and an untrusted client cannot make us send it.
    if (request.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  });
  // Text that no form, hash or name needs, and that PostgreSQL refuses (NUL) or cannot store faithfully (a lone
  // surrogate), is a 400 wherever it appears, before any route sees it.
  app.addHook('preValidation', (request, _reply, done) => {
    for (const [where, value] of [['params', request.params], ['querystring', request.query], ['body', request.body]] as const) {
      const path = unsafeTextAt(value);
      if (path !== null) {
        done(new AppError('validation_failed', undefined, { details: [{ path: [where, ...path].join('.'), message: 'text with a NUL character or a lone surrogate' }] }));
        return;
      }
    }
    done();
  });
  // The gate: the access the matched route declares, decided by one function.
  // A request that matched no route goes to the not-found answer, which carries nothing.
  const authenticators = options.authenticators ?? {};
  app.addHook('onRequest', async (request) => {
    if (request.is404) return;
    await authorise(request, request.routeOptions.config.access, authenticators);
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL; no address, no user agent.
    const route = routeOf(request);
    metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    const line = { method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (QUIET_ROUTES.has(route)) request.log.debug(line, 'request');
    else request.log.info(line, 'request');
  });

  app.setErrorHandler((error: unknown, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(new AppError('not_found').toBody()));

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Disrupt API',
        version: options.version ?? '0.1.0',
        description: 'Victims, analysts and partner platforms against the non-consensual sharing of intimate images.',
      },
      components: {
        securitySchemes: {
          partnerKey: { type: 'http', scheme: 'bearer', description: 'A partner API key (dpk_…), sent as Authorization: Bearer.' },
          stopnciiSubscription: { type: 'apiKey', in: 'header', name: 'Ocp-Apim-Subscription-Key' },
          stopnciiFunction: { type: 'apiKey', in: 'header', name: 'x-functions-key' },
        },
      },
    },
    transform: withErrorResponses,
    transformObject: jsonSchemaTransformObject,
  });
  // The API's documentation is public. swagger-ui adds its own routes, which
  // cannot carry our declaration: this area declares them all public.
  await app.register(async (docs: App) => {
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: route.config?.access ?? access.public };
    });
    await docs.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: DOCS_CSP, theme: { title: 'Disrupt API' } });
  });
  app.get('/api/openapi.json', { config: { access: access.public }, schema: { hide: true } }, (_request, reply) => reply.send(app.swagger()));

  app.get('/healthz', { config: { access: access.public }, schema: { hide: true } }, (_request, reply) => reply.send({ status: 'ok' }));
  const readiness = options.readiness ?? options.ready ?? (() => Promise.resolve(true));
  app.get('/readyz', { config: { access: access.public }, schema: { hide: true } }, async (request, reply) => {
    const ready = await checkReadiness(readiness, request.log);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable' });
  });
  // Figures about the service (route patterns, counts, timings) are for the operator only.
  app.get('/metrics', { config: { access: access.metrics }, schema: { hide: true } }, async (_request, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  for (const plugin of options.plugins ?? []) await plugin(app);
  await app.ready();
  return Object.assign(app, { routeTable: () => routes.list() });
}

/**
 * Fastify's trustProxy for ours. A hop count becomes a trust function:
 * Fastify 5.12.1 stopped honouring a bare number (it trusts nothing then),
 * because a count cannot tell a proxy from a client that connects directly
 * and writes its own X-Forwarded-For. A count is right only where the server
 * is reachable through its proxies alone; the proxies' addresses are the
 * safer setting everywhere (README).
 */
export function fastifyTrustProxy(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'boolean') return trust;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return [...trust];
}

function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? UNMATCHED_ROUTE;
}

interface HttpMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly duration: Histogram<'method' | 'route'>;
}

/** The HTTP metrics in a registry, reusing them when a registry is shared by several apps (tests, restarts in-process). */
function httpMetrics(registry: Registry): HttpMetrics {
  // Default metrics are registered once per registry: registering twice throws.
  if (registry.getSingleMetric('process_cpu_user_seconds_total') === undefined) collectDefaultMetrics({ register: registry });
  const existingRequests = registry.getSingleMetric('http_requests_total');
  const existingDuration = registry.getSingleMetric('http_request_duration_seconds');
  const requests =
    existingRequests instanceof Counter
      ? (existingRequests as Counter<'method' | 'route' | 'status'>)
      : new Counter({ name: 'http_requests_total', help: 'HTTP requests by method, route pattern and status', labelNames: ['method', 'route', 'status'] as const, registers: [registry] });
  const duration =
    existingDuration instanceof Histogram
      ? (existingDuration as Histogram<'method' | 'route'>)
      : new Histogram({
          name: 'http_request_duration_seconds',
          help: 'HTTP request duration by method and route pattern',
          labelNames: ['method', 'route'] as const,
          // Up to a minute: media uploads are slow, and the default buckets stop at 10 s.
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
          registers: [registry],
        });
  return { registry, requests, duration };
}

async function checkReadiness(readiness: () => Promise<boolean>, log: Logger): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => {
      resolve(false);
    }, READINESS_TIMEOUT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([readiness(), timeout]);
  } catch (error) {
    log.warn({ err: error }, 'readiness check failed');
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** The one place that decides what a client sees when anything goes wrong, and what the logs keep of it. */
function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const appError = normaliseError(error);
  if (appError.status >= 500) {
    // The error's class, code and stack frames (logger.ts drops its message); the route pattern, not the URL.
    const line = { err: error, method: request.method, route: routeOf(request) };
    if (appError.code === 'internal') request.log.error(line, 'request failed');
    else request.log.warn(line, 'request failed');
  }
  if (appError.retryAfterSeconds !== undefined) void reply.header('retry-after', String(appError.retryAfterSeconds));
  return reply.code(appError.status).send(appError.toBody());
}

interface ValidationIssue {
  readonly instancePath?: unknown;
  readonly message?: unknown;
}

const MAX_DETAIL_MESSAGE = 200;

/**
 * Per-field problems from a validation error (zod through
 * fastify-type-provider-zod, or Fastify's own JSON-schema validation): the
 * path, prefixed by where it failed (body, querystring, params, headers), and
 * the validator's sentence. Never the value: the validators' messages say
 * what was expected, not what was received.
 */
function validationDetails(validation: readonly ValidationIssue[], context: unknown): ErrorDetail[] {
  const where = typeof context === 'string' ? context : 'body';
  return validation.map((issue) => {
    const segments = typeof issue.instancePath === 'string' ? issue.instancePath.split('/').filter((s) => s !== '') : [];
    const message = typeof issue.message === 'string' && issue.message !== '' ? issue.message.slice(0, MAX_DETAIL_MESSAGE) : 'invalid';
    return { path: [where, ...segments].join('.'), message };
  });
}

/**
 * Anything thrown, as one of our errors. Only our own messages and the
 * validators' sentences reach the client: the messages of other errors (a
 * database error quoting a row, a parser quoting the input) never do.
 */
export function normaliseError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    return new AppError('validation_failed', undefined, { details: validationDetails(error.validation, error.validationContext) });
  }
  if (typeof error !== 'object' || error === null) return new AppError('internal');
  const e = error as { code?: unknown; statusCode?: unknown; validation?: unknown; validationContext?: unknown };
  if (Array.isArray(e.validation)) {
    return new AppError('validation_failed', undefined, { details: validationDetails(e.validation as ValidationIssue[], e.validationContext) });
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('bad_request', 'the body is not valid JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'the request body is larger than this server accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 'this content type is not accepted here; send application/json');
    default:
      break;
  }
  // Other client errors from Fastify or its plugins (multipart limits, bad
  // Content-Length, prototype poisoning): their status, our message.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    switch (e.statusCode) {
      case 401:
        return new AppError('unauthorized');
      case 403:
        return new AppError('not_permitted');
      case 404:
        return new AppError('not_found');
      case 413:
        return new AppError('payload_too_large');
      case 415:
        return new AppError('unsupported_media_type');
      case 429:
        return new AppError('too_many_requests');
      default:
        return new AppError('bad_request');
    }
  }
  return new AppError('internal');
}

type SwaggerTransformInput = Parameters<typeof jsonSchemaTransform>[0];

/** jsonSchemaTransform, after documenting the error shape as every operation's default response. */
function withErrorResponses(input: SwaggerTransformInput): ReturnType<typeof jsonSchemaTransform> {
  const schema = input.schema as (SwaggerTransformInput['schema'] & { response?: Record<string, unknown> }) | undefined;
  if (schema === undefined || schema.hide === true || schema.response?.default !== undefined) return jsonSchemaTransform(input);
  return jsonSchemaTransform({ ...input, schema: { ...schema, response: { ...schema.response, default: errorResponseSchema } } });
}
