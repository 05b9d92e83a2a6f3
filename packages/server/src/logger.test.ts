import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type Logger, REDACTED, REDACT_PATHS, createLogger, logSerializers, serializeError } from './logger.ts';

function captured(level: 'info' | 'debug' = 'debug'): { logger: Logger; text: () => string; lines: () => Record<string, unknown>[] } {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  // pino writes synchronously to a plain stream: what was logged is in `text` on return.
  const logger = createLogger({ level, destination });
  return { logger, text: () => text, lines: () => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const PDQ = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22';
const MD5 = '0cc175b9c0f1b6a831c399e269772661';
const SECRET = 'sk-case-3c1ae5f0a7b24d8e9f60';
const EMAIL = 'victim.person@example.org';
const URL_ = 'https://forum.example.net/thread/12345';

describe('createLogger', () => {
  it('redacts sensitive fields at the top level and nested, in objects and arrays', () => {
    const { logger, text } = captured();
    logger.info({ secret: SECRET, email: EMAIL, url: URL_, hash: PDQ, md5: MD5, description: 'my ex posted photos of me', password: 'correct horse', totp: '123456', key: 'AAAAkey', token: 'tok-abc-123' }, 'top');
    logger.info({ case: { contact: EMAIL, secretHash: '$argon2id$v=19$m=65536$abc' } }, 'one deep');
    logger.info({ batch: { items: [{ type: 'pdq', value: PDQ }] }, hashes: [{ value: MD5 }] }, 'arrays');
    logger.info({ a: { b: { c: { pdq: PDQ, vpdq: [{ hash: PDQ }], url: URL_ } } } }, 'three deep');
    logger.info({ a: { b: { c: { d: { email: EMAIL } } } } }, 'four deep');
    logger.info({ partner: { apiKey: 'pk_live_123456' } }, 'partner');
    const out = text();
    for (const value of [PDQ, MD5, SECRET, EMAIL, URL_, 'my ex posted', 'correct horse', '123456', 'AAAAkey', 'tok-abc-123', '$argon2id', 'pk_live_123456']) expect(out).not.toContain(value);
    expect(out).toContain(REDACTED);
    expect(out).toContain('"msg":"four deep"');
  });

  it('redacts request and response bodies and credential headers', () => {
    const { logger, text } = captured();
    const headers = {
      authorization: 'Bearer case-token-aaaa',
      cookie: 'session=sess-bbbb',
      'set-cookie': 'session=sess-cccc; HttpOnly',
      'x-case-secret': 'xcs-dddd',
      'idempotency-key': 'idem-eeee',
      'ocp-apim-subscription-key': 'apim-ffff',
      'x-functions-key': 'fn-gggg',
      'x-api-key': 'api-hhhh',
      'user-agent': 'Mozilla/5.0 (Victim Phone)',
      'x-forwarded-for': '203.0.113.9',
      accept: 'application/json',
    };
    logger.info({ req: { method: 'POST', headers, body: { contact: EMAIL, items: [{ url: URL_ }] } }, res: { statusCode: 200, headers: { 'set-cookie': 'session=sess-iiii' }, body: { secret: SECRET } } }, 'http');
    logger.info({ request: { body: 'raw text with victim.person@example.org' }, response: { payload: { caseNumber: 'DSR-7KQ4-9XW2', secret: SECRET } } }, 'other names');
    logger.info({ headers }, 'bare headers');
    const out = text();
    for (const value of ['case-token-aaaa', 'sess-bbbb', 'sess-cccc', 'xcs-dddd', 'idem-eeee', 'apim-ffff', 'fn-gggg', 'api-hhhh', 'sess-iiii', 'Victim Phone', '203.0.113.9', EMAIL, URL_, SECRET, 'DSR-7KQ4']) {
      expect(out).not.toContain(value);
    }
    expect(out).toContain('application/json'); // harmless headers stay readable
  });

  it('logs errors as class, code and stack frames, never their message or properties', () => {
    const { logger, text, lines } = captured();
    const dbError = Object.assign(new Error(`duplicate key value violates unique constraint "bank_value_key"\nDETAIL: Key (value)=(${PDQ}) already exists.`), { code: '23505', detail: `Key (value)=(${PDQ})`, query: `select * from cases where contact = '${EMAIL}'` });
    logger.error({ err: dbError }, 'insert failed');
    logger.error(new TypeError(`cannot fetch ${URL_}`)); // pino would use the message as msg
    logger.error({ err: new Error(`secret ${SECRET}`) }); // idem, from the object
    logger.warn({ err: new Error('outer', { cause: new Error(`inner ${EMAIL}`) }) }, 'wrapped');
    const out = text();
    for (const value of [PDQ, EMAIL, URL_, SECRET, 'duplicate key', 'cannot fetch']) expect(out).not.toContain(value);
    const [first, second, third, fourth] = lines();
    expect(first).toMatchObject({ msg: 'insert failed', err: { type: 'Error', code: '23505', stack: expect.stringMatching(/^\s+at /) as unknown } });
    expect(second).toMatchObject({ msg: 'TypeError', err: { type: 'TypeError' } });
    expect(third).toMatchObject({ msg: 'Error', err: { type: 'Error' } });
    expect(fourth).toMatchObject({ msg: 'wrapped', err: { type: 'Error', cause: { type: 'Error' } } });
  });

  it('serialises whatever is thrown, even non-errors, without its content', () => {
    expect(serializeError(`a string with ${EMAIL}`)).toEqual({ type: 'string', stack: '' });
    expect(serializeError({ message: SECRET })).toEqual({ type: 'object', stack: '' });
    const odd = Object.assign(new Error('x'), { code: `weird code with ${EMAIL}` });
    expect(JSON.stringify(serializeError(odd))).not.toContain(EMAIL);
  });

  it('serialises requests as method and route pattern, responses as status — no URL, address or user agent', () => {
    const request = { method: 'GET', url: '/api/victim/case/items?after=123', ip: '203.0.113.9', headers: { 'user-agent': 'UA' }, routeOptions: { url: '/api/victim/case/items' } };
    expect(logSerializers.req(request)).toEqual({ method: 'GET', route: '/api/victim/case/items' });
    expect(logSerializers.res({ statusCode: 201 })).toEqual({ status: 201 });
    const { logger, text } = captured();
    logger.info({ req: request, res: { statusCode: 201 } }, 'through the logger');
    const out = text();
    for (const value of ['after=123', '203.0.113.9', '"UA"']) expect(out).not.toContain(value);
    expect(out).toContain('"route":"/api/victim/case/items"');
  });

  it('covers each listed field and header at several depths, and carries no pid or hostname', () => {
    for (const path of ['secret', '*.secret', '*.*.secret', '*.*.*.secret', 'body', '*.body', '*["x-api-key"]', '*.*["set-cookie"]']) expect(REDACT_PATHS).toContain(path);
    const { logger, lines } = captured('info');
    logger.debug('not at info');
    logger.info('plain');
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).not.toHaveProperty('pid');
    expect(lines()[0]).not.toHaveProperty('hostname');
  });
});
