// Where an item's file stands, as the review page says it: the reason it is
// gone matters (never sent is not erased; erased by retention is not decided).
import { describe, expect, it } from 'vitest';
import { mediaStateOf } from './review.service.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 26, 12, minute));

describe('mediaStateOf', () => {
  it('says never sent when the victim sent only fingerprints', () => {
    expect(mediaStateOf([], null, 'open')).toBe('never_sent');
    expect(mediaStateOf([], at(5), 'open')).toBe('never_sent');
  });

  it('says available while a file is kept', () => {
    expect(mediaStateOf([{ deletedAt: null }], null, 'open')).toBe('available');
  });

  it('tells erased by the decision from erased by retention before anyone decided', () => {
    expect(mediaStateOf([{ deletedAt: at(5) }], at(5), 'open')).toBe('erased_decided');
    expect(mediaStateOf([{ deletedAt: at(1) }], at(5), 'open')).toBe('erased_expired');
    expect(mediaStateOf([{ deletedAt: at(1) }], null, 'open')).toBe('erased_expired');
  });

  it('says erased by the withdrawal once the case is withdrawn, whatever its rows say', () => {
    expect(mediaStateOf([{ deletedAt: null }], null, 'withdrawn')).toBe('erased_withdrawn');
    expect(mediaStateOf([], null, 'withdrawn')).toBe('never_sent');
  });
});
