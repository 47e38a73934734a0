/** Versioned JSON form of a trained GBDT (`kind: 'gbdt'`, checked on load). */
import type { IterationEvent, SerializedModel } from '../types';
import type { Forest } from './forest';
import { type GbdtParams, resolveParams } from './params';

export const GBDT_KIND = 'gbdt';
export const GBDT_FORMAT_VERSION = 1;

export interface GbdtState {
  params: GbdtParams;
  featureNames: string[];
  forest: Forest;
  history: IterationEvent[];
  bestIteration: number;
}

export interface SerializedGbdt extends SerializedModel {
  kind: 'gbdt';
  format_version: 1;
  params: GbdtParams;
  feature_names: string[];
  base_margin: number;
  best_iteration: number;
  trees: {
    tree_start: number[];
    feature: number[];
    threshold: number[];
    left: number[];
    missing: number[];
    value: number[];
    weight: number[];
    gain: number[];
    cover: number[];
  };
  history: IterationEvent[];
}

export function serializeGbdt(s: GbdtState): SerializedGbdt {
  const f = s.forest;
  return {
    kind: GBDT_KIND,
    format_version: GBDT_FORMAT_VERSION,
    params: { ...s.params },
    feature_names: [...s.featureNames],
    base_margin: f.baseMargin,
    best_iteration: s.bestIteration,
    trees: {
      tree_start: Array.from(f.treeStart),
      feature: Array.from(f.feature),
      threshold: Array.from(f.threshold),
      left: Array.from(f.left),
      missing: Array.from(f.missing),
      value: Array.from(f.value),
      weight: Array.from(f.weight),
      gain: Array.from(f.gain),
      cover: Array.from(f.cover),
    },
    history: s.history.map((e) => ({ ...e })),
  };
}

function fail(msg: string): never {
  throw new Error(`Cannot load GBDT model: ${msg}`);
}

function numbers(v: unknown, name: string, len?: number): number[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number'))
    fail(`trees.${name} must be an array of numbers`);
  if (len !== undefined && v.length !== len) fail(`trees.${name} has ${v.length} entries, expected ${len}`);
  return v as number[];
}

export function deserializeGbdt(json: SerializedModel): GbdtState {
  if (!json || typeof json !== 'object') fail('not an object');
  if (json.kind !== GBDT_KIND) fail(`kind is '${String(json.kind)}', expected '${GBDT_KIND}'`);
  if (json.format_version !== GBDT_FORMAT_VERSION) {
    fail(
      `format_version ${String(json.format_version)} is not supported (this build reads ${GBDT_FORMAT_VERSION})`,
    );
  }
  const j = json as Partial<SerializedGbdt>;
  const params = resolveParams(j.params ?? {});
  const names = j.feature_names;
  if (!Array.isArray(names) || names.some((x) => typeof x !== 'string'))
    fail('feature_names must be strings');
  const t = j.trees;
  if (!t || typeof t !== 'object') fail('trees missing');
  const start = numbers(t.tree_start, 'tree_start');
  const total = start.length > 0 ? start[start.length - 1] : fail('tree_start is empty');
  const feature = numbers(t.feature, 'feature', total);
  const left = numbers(t.left, 'left', total);
  const missing = numbers(t.missing, 'missing', total);
  for (let i = 0; i < total; i++) {
    if (feature[i] >= names.length || (feature[i] >= 0 && (left[i] <= i || left[i] + 1 >= total))) {
      fail(`node ${i} is malformed`);
    }
    if (feature[i] >= 0 && missing[i] !== left[i] && missing[i] !== left[i] + 1)
      fail(`node ${i} is malformed`);
  }
  const forest: Forest = {
    treeStart: Int32Array.from(start),
    feature: Int32Array.from(feature),
    threshold: Float32Array.from(numbers(t.threshold, 'threshold', total)),
    left: Int32Array.from(left),
    missing: Int32Array.from(missing),
    value: Float32Array.from(numbers(t.value, 'value', total)),
    weight: Float32Array.from(numbers(t.weight, 'weight', total)),
    gain: Float32Array.from(numbers(t.gain, 'gain', total)),
    cover: Float32Array.from(numbers(t.cover, 'cover', total)),
    baseMargin: typeof j.base_margin === 'number' ? j.base_margin : 0,
  };
  return {
    params,
    featureNames: [...names],
    forest,
    history: Array.isArray(j.history) ? j.history.map((e) => ({ ...e })) : [],
    bestIteration: typeof j.best_iteration === 'number' ? j.best_iteration : 0,
  };
}
