/**
 * Search spaces: validation, seeded sampling, and a mapping of every numeric parameter to the unit
 * interval (linear, logarithmic or integer bins) on which the TPE density estimates work.
 */
import type { Rng } from '../../util/rng';

export type ParamValue = number | string;
export type Params = Record<string, ParamValue>;

export interface ParamSpec {
  type: 'int' | 'float' | 'log_float' | 'categorical';
  low?: number;
  high?: number;
  choices?: (number | string)[];
}

export type SearchSpace = Record<string, ParamSpec>;

/** Throws a message naming the parameter when a spec is unusable. */
export function validateSpace(space: SearchSpace): void {
  const names = Object.keys(space);
  if (names.length === 0) throw new Error('search space is empty');
  for (const name of names) {
    const s = space[name];
    if (s.type === 'categorical') {
      if (!s.choices || s.choices.length === 0)
        throw new Error(`search space '${name}': categorical needs choices`);
      continue;
    }
    if (!['int', 'float', 'log_float'].includes(s.type)) {
      throw new Error(`search space '${name}': unknown type '${String(s.type)}'`);
    }
    const { low, high } = s;
    if (
      typeof low !== 'number' ||
      typeof high !== 'number' ||
      !Number.isFinite(low) ||
      !Number.isFinite(high)
    ) {
      throw new Error(`search space '${name}': ${s.type} needs finite low and high`);
    }
    if (!(low <= high)) throw new Error(`search space '${name}': low ${low} > high ${high}`);
    if (s.type === 'log_float' && !(low > 0))
      throw new Error(`search space '${name}': log_float needs low > 0`);
    if (s.type === 'int' && (!Number.isInteger(low) || !Number.isInteger(high))) {
      throw new Error(`search space '${name}': int bounds must be integers`);
    }
  }
}

/** Position of a numeric value in [0, 1]. */
export function toUnit(spec: ParamSpec, value: number): number {
  const low = spec.low!;
  const high = spec.high!;
  if (spec.type === 'int') return (value - low + 0.5) / (high - low + 1);
  if (high === low) return 0.5;
  if (spec.type === 'log_float') return (Math.log(value) - Math.log(low)) / (Math.log(high) - Math.log(low));
  return (value - low) / (high - low);
}

/** The value at position u ∈ [0, 1] (ints: equal-width bins, one per integer). */
export function fromUnit(spec: ParamSpec, u: number): number {
  const low = spec.low!;
  const high = spec.high!;
  const v = Math.min(1, Math.max(0, u));
  if (spec.type === 'int') return Math.min(high, low + Math.floor(v * (high - low + 1)));
  if (spec.type === 'log_float') {
    return Math.min(high, Math.max(low, Math.exp(Math.log(low) + v * (Math.log(high) - Math.log(low)))));
  }
  return Math.min(high, Math.max(low, low + v * (high - low)));
}

/** One uniformly random configuration (log-uniform for log_float). Parameter order is the space's key order. */
export function sampleUniform(space: SearchSpace, rng: Rng): Params {
  const params: Params = {};
  for (const [name, spec] of Object.entries(space)) {
    params[name] =
      spec.type === 'categorical' ? spec.choices![rng.int(spec.choices!.length)] : fromUnit(spec, rng.next());
  }
  return params;
}
