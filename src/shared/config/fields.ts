/**
 * Field builders for the config schema. Every check of one field carries the same message
 * ("expected an integer ≥ 1"), so a bad value reads the same whichever check caught it; the
 * formatter appends what was found (", got "six"").
 */
import { z } from 'zod';

interface Bounds {
  min?: number;
  max?: number;
  /** Exclusive lower bound (> instead of ≥). */
  gt?: number;
  /** Exclusive upper bound (< instead of ≤). */
  lt?: number;
}

function describeBounds(b: Bounds): string {
  const parts: string[] = [];
  if (b.gt !== undefined) parts.push(`> ${b.gt}`);
  if (b.min !== undefined) parts.push(`≥ ${b.min}`);
  if (b.lt !== undefined) parts.push(`< ${b.lt}`);
  if (b.max !== undefined) parts.push(`≤ ${b.max}`);
  return parts.length ? ` ${parts.join(' and ')}` : '';
}

function bounded(base: z.ZodNumber, b: Bounds, message: string): z.ZodNumber {
  let s = base;
  if (b.min !== undefined) s = s.min(b.min, { error: message });
  if (b.gt !== undefined) s = s.gt(b.gt, { error: message });
  if (b.max !== undefined) s = s.max(b.max, { error: message });
  if (b.lt !== undefined) s = s.lt(b.lt, { error: message });
  return s;
}

export function int(b: Bounds = {}): z.ZodNumber {
  const message = `expected an integer${describeBounds(b)}`;
  return bounded(z.number({ error: message }).int({ error: message }), b, message);
}

export function num(b: Bounds = {}): z.ZodNumber {
  const message = `expected a number${describeBounds(b)}`;
  // zod 4 numbers reject NaN and ±Infinity already.
  return bounded(z.number({ error: message }), b, message);
}

export function str(what = 'a string'): z.ZodString {
  const message = `expected ${what}`;
  return z.string({ error: message }).min(1, { error: message });
}

export function bool(): z.ZodBoolean {
  return z.boolean({ error: 'expected true or false' });
}

export function oneOf<const T extends readonly [string, ...string[]]>(
  values: T,
): z.ZodEnum<{ [K in T[number]]: K }> {
  return z.enum(values, { error: `expected one of ${values.join(' | ')}` });
}

/** A date written as YYYY-MM-DD (optionally with a time), kept as the string. */
export function isoDate(): z.ZodString {
  const message = 'expected a date like 2020-06-30';
  return z
    .string({ error: message })
    .regex(/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$/, { error: message });
}
