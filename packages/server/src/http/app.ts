// The HTTP core: one Fastify app with zod schemas that validate requests,
// serialise responses and produce the OpenAPI document; one place where every
// error becomes the same JSON shape; health, readiness and metrics; security
// headers. Route modules (cases, bank, console, partners) plug in as AppPlugins.

import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, LogController, type FastifyInstance, type RawReplyDefaultExpression, type RawRequestDefaultExpression, type RawServerDefault } from 'fastify';
import { type ZodTypeProvider, hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, Logger, ZodTypeProvider>;
export type AppPlugin = (app: App) => Promise<void>;

export interface AppOptions {
  readonly logger: Logger;
  readonly bodyLimit: number;
  readonly trustProxy: boolean;
  /** Readiness: e.g. the database answers. */
  readonly ready: () => Promise<boolean>;
  readonly plugins?: readonly AppPlugin[];
  readonly version?: string;
}

const API_CSP = "default-src 'none'; frame-ancestors 'none'";
const DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'";

export async function buildApp(options: AppOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: options.logger,
    // Our own onResponse line replaces Fastify's request logs, which carry the raw URL and the address.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit,
    trustProxy: options.trustProxy,
    // Request ids are ours, random, and say nothing about the client.
    genReqId: () => crypto.randomUUID(),
  }).withTypeProvider<ZodTypeProvider>();
  // The API speaks JSON: any other body type is refused with 415, not parsed as text.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests by route pattern and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const duration = new Histogram({ name: 'http_request_duration_seconds', help: 'HTTP request duration by route pattern', labelNames: ['method', 'route'], registers: [registry] });

  app.addHook('onRequest', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('content-security-policy', _request.url.startsWith('/api/docs') ? DOCS_CSP : API_CSP);
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL; no address, no user agent.
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, seconds);
    request.log.info({ method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = normaliseError(error);
    if (appError.code === 'internal') request.log.error({ err: error }, 'unhandled error');
    if (appError.retryAfterSeconds !== undefined) void reply.header('retry-after', String(appError.retryAfterSeconds));
    return reply.code(appError.status).send(appError.toBody());
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(new AppError('not_found').toBody()));

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Disrupt API', version: options.version ?? '0.1.0', description: 'Victims, analysts and partner platforms against the non-consensual sharing of intimate images.' },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: false });
  app.get('/api/openapi.json', { schema: { hide: true } }, (_request, reply) => reply.send(app.swagger()));

  app.get('/healthz', { schema: { hide: true } }, (_request, reply) => reply.send({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const ready = await options.ready().catch(() => false);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable' });
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => reply.header('content-type', registry.contentType).send(await registry.metrics()));

  for (const plugin of options.plugins ?? []) await plugin(app);
  await app.ready();
  return app;
}

/** Anything thrown, as one of our errors: the single place that decides what a client sees. */
export function normaliseError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const details = error.validation.map((issue) => ({ path: `${error.validationContext ?? 'body'}${issue.instancePath.replace(/\//g, '.')}`, message: issue.message ?? 'invalid' }));
    return new AppError('validation_failed', undefined, { details });
  }
  const e = error as Partial<FastifyError>;
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('bad_request', 'the body is not valid JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type');
    case 'FST_ERR_VALIDATION':
      return new AppError('validation_failed');
    case undefined:
    default:
      break;
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.statusCode === 413) return new AppError('payload_too_large');
    if (e.statusCode === 415) return new AppError('unsupported_media_type');
    if (e.statusCode === 429) return new AppError('too_many_requests');
    return new AppError('bad_request');
  }
  return new AppError('internal');
}
