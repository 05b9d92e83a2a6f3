import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CODES, HTTP_STATUS, defaultMessage, isAppError } from './errors.ts';

describe('AppError', () => {
  it('maps every code to its HTTP status', () => {
    expect(HTTP_STATUS).toEqual({
      bad_request: 400,
      validation_failed: 400,
      unauthorized: 401,
      not_permitted: 403,
      not_found: 404,
      conflict: 409,
      payload_too_large: 413,
      unsupported_media_type: 415,
      idempotency_mismatch: 422,
      too_many_requests: 429,
      sign_in_paused: 429,
      internal: 500,
      unavailable: 503,
    });
    expect(Object.keys(HTTP_STATUS).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) {
      const error = new AppError(code);
      expect(error.status).toBe(HTTP_STATUS[code]);
      expect(error.message).toBe(defaultMessage(code));
      expect(error.message).not.toBe('');
    }
  });

  it('is an Error with its own name, and recognisable after a throw', () => {
    const error = new AppError('conflict', 'this item is already decided');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AppError');
    expect(isAppError(error)).toBe(true);
    expect(isAppError(new Error('x'))).toBe(false);
    expect(isAppError({ code: 'conflict' })).toBe(false);
  });

  it('answers with code and message, and details only when there are some', () => {
    expect(new AppError('not_found').toBody()).toEqual({ error: { code: 'not_found', message: 'not found' } });
    expect(new AppError('validation_failed', undefined, { details: [] }).toBody()).toEqual({ error: { code: 'validation_failed', message: defaultMessage('validation_failed') } });
    const details = [{ path: 'body.items.0.value', message: 'expected 64 hexadecimal characters' }];
    expect(new AppError('validation_failed', undefined, { details }).toBody()).toEqual({ error: { code: 'validation_failed', message: defaultMessage('validation_failed'), details } });
  });

  it('rounds Retry-After up to whole seconds, at least one', () => {
    expect(new AppError('too_many_requests', undefined, { retryAfterSeconds: 2.1 }).retryAfterSeconds).toBe(3);
    expect(new AppError('too_many_requests', undefined, { retryAfterSeconds: 0 }).retryAfterSeconds).toBe(1);
    expect(new AppError('too_many_requests', undefined, { retryAfterSeconds: -5 }).retryAfterSeconds).toBe(1);
    expect(new AppError('too_many_requests', undefined, { retryAfterSeconds: Number.NaN }).retryAfterSeconds).toBeUndefined();
    expect(new AppError('too_many_requests').retryAfterSeconds).toBeUndefined();
  });

  it('keeps the cause for the logs, out of the body', () => {
    const cause = new Error('duplicate key value violates unique constraint: (value)=(deadbeef)');
    const error = new AppError('unavailable', undefined, { cause });
    expect(error.cause).toBe(cause);
    expect(JSON.stringify(error.toBody())).not.toContain('deadbeef');
  });
});
