/**
 * Export to XGBoost 1.7's JSON model format (binary:logistic, gbtree). The model loads with
 * `xgboost.Booster(model_file=...)` and predicts the same probabilities: thresholds are float32 and
 * XGBoost also goes left when value < split_condition.
 */
import type { Forest } from './forest';
import type { GbdtParams } from './params';

/** XGBoost rejects feature names containing these characters. */
const BAD_NAME = /[[\]<,]/;

function xgbNumber(v: number): string {
  return v.toExponential(8).replace('e', 'E');
}

export function toXGBoostModel(forest: Forest, params: GbdtParams, featureNames: string[]): object {
  const nFeat = featureNames.length;
  const trees: object[] = [];
  const nTrees = forest.treeStart.length - 1;
  for (let t = 0; t < nTrees; t++) {
    const o = forest.treeStart[t];
    const size = forest.treeStart[t + 1] - o;
    const left: number[] = [];
    const right: number[] = [];
    const parents: number[] = new Array(size).fill(2147483647);
    const splitIndices: number[] = [];
    const splitConditions: number[] = [];
    const defaultLeft: number[] = [];
    for (let i = 0; i < size; i++) {
      const g = o + i;
      const f = forest.feature[g];
      if (f >= 0) {
        const l = forest.left[g] - o;
        left.push(l);
        right.push(l + 1);
        parents[l] = i;
        parents[l + 1] = i;
        splitIndices.push(f);
        splitConditions.push(forest.threshold[g]);
        defaultLeft.push(forest.missing[g] === forest.left[g] ? 1 : 0);
      } else {
        left.push(-1);
        right.push(-1);
        splitIndices.push(0);
        splitConditions.push(forest.value[g]);
        defaultLeft.push(0);
      }
    }
    trees.push({
      base_weights: Array.from(forest.weight.subarray(o, o + size)),
      categories: [],
      categories_nodes: [],
      categories_segments: [],
      categories_sizes: [],
      default_left: defaultLeft,
      id: t,
      left_children: left,
      loss_changes: Array.from(forest.gain.subarray(o, o + size)),
      parents,
      right_children: right,
      split_conditions: splitConditions,
      split_indices: splitIndices,
      split_type: new Array(size).fill(0),
      sum_hessian: Array.from(forest.cover.subarray(o, o + size)),
      tree_param: {
        num_deleted: '0',
        num_feature: String(nFeat),
        num_nodes: String(size),
        size_leaf_vector: '0',
      },
    });
  }
  const namesOk =
    new Set(featureNames).size === nFeat && !featureNames.some((n) => n === '' || BAD_NAME.test(n));
  const baseScore = 1 / (1 + Math.exp(-forest.baseMargin));
  return {
    learner: {
      attributes: {},
      feature_names: namesOk ? [...featureNames] : [],
      feature_types: namesOk ? new Array(nFeat).fill('float') : [],
      gradient_booster: {
        model: {
          gbtree_model_param: { num_parallel_tree: '1', num_trees: String(nTrees), size_leaf_vector: '0' },
          tree_info: new Array(nTrees).fill(0),
          trees,
        },
        name: 'gbtree',
      },
      learner_model_param: {
        base_score: xgbNumber(baseScore),
        boost_from_average: '1',
        num_class: '0',
        num_feature: String(nFeat),
        num_target: '1',
      },
      objective: {
        name: 'binary:logistic',
        reg_loss_param: { scale_pos_weight: xgbNumber(params.scale_pos_weight) },
      },
    },
    version: [1, 7, 4],
  };
}

/** Tree fields XGBoost reads as floats: its JSON reader refuses integers (`0`) there. */
const FLOAT_FIELDS = new Set(['base_weights', 'loss_changes', 'split_conditions', 'sum_hessian']);

function floatText(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

/** Serialises a model from toXGBoostModel so that XGBoost's strict JSON reader accepts it. */
export function stringifyXGBoostModel(model: object): string {
  const text = JSON.stringify(model, (key, value: unknown) =>
    FLOAT_FIELDS.has(key) && Array.isArray(value)
      ? `@@F${value.map((v) => floatText(v as number)).join(',')}@@`
      : value,
  );
  return text.replace(/"@@F([^"]*)@@"/g, '[$1]');
}
