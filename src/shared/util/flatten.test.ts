import { describe, expect, it } from 'vitest';
import { flattenObject } from './flatten';

describe('flattenObject', () => {
  it('flattens nested objects to dotted paths and keeps scalars', () => {
    expect(flattenObject({ a: { b: 1, c: { d: 'x' } }, e: true, f: null })).toEqual({
      'a.b': 1,
      'a.c.d': 'x',
      e: true,
      f: null,
    });
  });

  it('stores arrays as JSON and skips undefined', () => {
    expect(flattenObject({ w: [7, 28], u: undefined })).toEqual({ w: '[7,28]' });
  });
});
