/**
 * Grows one tree on the board: depth-wise (level by level, in batches) or leaf-wise (best gain
 * first). Children's histograms come from building the child with fewer rows and subtracting it
 * from the parent. After growing, the leaf values are added to the training margins (Update op),
 * which also refreshes the gradients.
 */
import type { BinCuts } from './binning';
import {
  CTRL_EVALS,
  CTRL_FEATURES,
  CTRL_LEAVES,
  CTRL_NODES,
  CTRL_TASKS,
  OP_CHILDREN,
  OP_EVAL,
  OP_FINISH,
  OP_HISTOGRAM,
  OP_REDUCE,
  OP_SCATTER,
  OP_SPLIT,
  OP_UPDATE,
} from './board';
import type { Executor } from './executor';
import { leftCount } from './kernels';
import { leafWeight, type Split, type SplitParams } from './split';

/** One tree as built: nodes in creation order; children of a node are allocated as a pair (right = left + 1). */
export interface TreeNodes {
  /** Split feature, or -1 for a leaf. */
  feature: number[];
  threshold: number[];
  bin: number[];
  defaultLeft: boolean[];
  left: number[];
  /** Leaf value (learning rate applied), 0 for internal nodes. */
  value: number[];
  /** Optimal weight of every node before the learning rate (XGBoost's base_weights). */
  weight: number[];
  /** Loss reduction of the split (0 for leaves). */
  gain: number[];
  /** Sum of hessians (cover). */
  cover: number[];
}

export interface GrowConfig {
  maxDepth: number;
  maxLeaves: number;
  learningRate: number;
  split: SplitParams;
}

/** A new node with its histogram, before its split is known. */
interface Made {
  node: number;
  start: number;
  end: number;
  depth: number;
  slot: number;
  g: number;
  h: number;
}

interface Pending {
  node: number;
  start: number;
  end: number;
  depth: number;
  /** Histogram slot, or -1 when it had to be released (memory cap). */
  slot: number;
  split: Split;
}

export class TreeGrower {
  private readonly freeSlots: number[] = [];
  private readonly reserve: number;

  constructor(
    private readonly exec: Executor,
    private readonly cuts: BinCuts,
    private readonly cfg: GrowConfig,
  ) {
    const b = exec.board;
    for (let s = b.spec.slots - 1; s >= 0; s--) this.freeSlots.push(s);
    this.reserve = 2 * b.spec.maxBatch;
  }

  /** Grows a tree on all rows (subsampled rows carry zero gradients) and updates the margins. */
  grow(features: Int32Array): TreeNodes {
    const b = this.exec.board;
    const n = b.spec.rows;
    const tree: TreeNodes = {
      feature: [],
      threshold: [],
      bin: [],
      defaultLeft: [],
      left: [],
      value: [],
      weight: [],
      gain: [],
      cover: [],
    };
    // idx is the identity here: OP_UPDATE (run before the first tree and after each) resets it
    const segStart: number[] = [];
    const segEnd: number[] = [];

    const rootSlot = this.takeSlot();
    this.setTasks([[0, n, rootSlot, -1]]);
    const len = b.spec.histLen;
    let g = 0;
    let h = 0;
    for (let k = 0; k < 2 * this.cuts.binCount[0]; k += 2) {
      g += b.hist[rootSlot * len + k];
      h += b.hist[rootSlot * len + k + 1];
    }
    this.addNode(tree, g, h);
    segStart.push(0);
    segEnd.push(n);

    let frontier: Pending[] = [];
    frontier.push(
      ...this.evaluateAll([{ node: 0, start: 0, end: n, depth: 0, slot: rootSlot, g, h }], features),
    );
    let leaves = 1;
    const leafWise = this.cfg.maxLeaves > 0;
    while (frontier.length > 0) {
      let batch: Pending[];
      if (leafWise) {
        if (leaves >= this.cfg.maxLeaves) break;
        let bi = 0;
        for (let i = 1; i < frontier.length; i++) {
          if (frontier[i].split.gain > frontier[bi].split.gain) bi = i;
        }
        batch = [frontier[bi]];
        frontier.splice(bi, 1);
      } else {
        batch = frontier.splice(0, b.spec.maxBatch);
      }
      const children = this.expand(tree, batch, segStart, segEnd, features);
      leaves += batch.length;
      if (leafWise) frontier.push(...children);
      else frontier = frontier.concat(children);
    }
    for (const p of frontier) this.releaseSlot(p.slot);

    // leaves' segments in position order for the Update op
    const order: number[] = [];
    for (let i = 0; i < tree.feature.length; i++) if (tree.feature[i] < 0) order.push(i);
    order.sort((x, y) => segStart[x] - segStart[y]);
    for (let j = 0; j < order.length; j++) {
      b.leafStart[j] = segStart[order[j]];
      b.leafEnd[j] = segEnd[order[j]];
      b.leafValue[j] = tree.value[order[j]];
    }
    b.ctrl[CTRL_LEAVES] = order.length;
    this.exec.run(OP_SCATTER);
    this.exec.run(OP_UPDATE);
    return tree;
  }

  private addNode(tree: TreeNodes, g: number, h: number): number {
    const w = leafWeight(g, h, this.cfg.split);
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.bin.push(0);
    tree.defaultLeft.push(false);
    tree.left.push(-1);
    tree.weight.push(Math.fround(w));
    tree.value.push(Math.fround(w * this.cfg.learningRate));
    tree.gain.push(0);
    tree.cover.push(h);
    return tree.feature.length - 1;
  }

  private canSplit(depth: number, h: number): boolean {
    if (this.cfg.maxDepth > 0 && depth >= this.cfg.maxDepth) return false;
    return h >= 2 * this.cfg.split.minChildWeight && h > 0;
  }

  /**
   * Best splits of nodes whose histograms are in their slots (found by the threads together), in
   * order; a node without a split is dropped and its slot released.
   */
  private evaluateAll(nodes: Made[], features: Int32Array): Pending[] {
    const b = this.exec.board;
    b.features.set(features);
    b.ctrl[CTRL_FEATURES] = features.length;
    nodes.forEach((c, i) => {
      b.evalSlot[i] = c.slot;
      b.evalG[i] = c.g;
      b.evalH[i] = c.h;
    });
    b.ctrl[CTRL_EVALS] = nodes.length;
    this.exec.run(OP_EVAL);
    const out: Pending[] = [];
    nodes.forEach((c, i) => {
      if (b.bestFeature[i] < 0) {
        this.releaseSlot(c.slot);
        return;
      }
      const gl = b.bestGL[i];
      const hl = b.bestHL[i];
      const split: Split = {
        feature: b.bestFeature[i],
        bin: b.bestBin[i],
        defaultLeft: b.bestDefaultLeft[i] === 1,
        gain: b.bestGain[i],
        gl,
        hl,
        gr: c.g - gl,
        hr: c.h - hl,
      };
      let keep = c.slot;
      if (this.freeSlots.length < this.reserve) {
        this.releaseSlot(c.slot);
        keep = -1;
      }
      out.push({ node: c.node, start: c.start, end: c.end, depth: c.depth, slot: keep, split });
    });
    return out;
  }

  private expand(
    tree: TreeNodes,
    batch: Pending[],
    segStart: number[],
    segEnd: number[],
    features: Int32Array,
  ): Pending[] {
    const b = this.exec.board;
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i];
      const s = p.split;
      b.nodeStart[i] = p.start;
      b.nodeEnd[i] = p.end;
      b.nodeFeature[i] = s.feature;
      const lb = i << 8;
      b.lut[lb] = s.defaultLeft ? 1 : 0;
      b.lut.fill(1, lb + 1, lb + 1 + s.bin);
      b.lut.fill(0, lb + 1 + s.bin, lb + 256);
    }
    b.ctrl[CTRL_NODES] = batch.length;
    this.exec.run(OP_SPLIT);
    // the child with fewer rows gets its histogram built, its sibling is the parent's minus it
    // (sums are exact, so which one is built does not change the model)
    const plan: { lOk: boolean; rOk: boolean; lSlot: number; rSlot: number }[] = [];
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i];
      const s = p.split;
      const depth = p.depth + 1;
      const lOk = this.canSplit(depth, s.hl);
      const rOk = this.canSplit(depth, s.hr);
      let buildL = -1;
      let buildR = -1;
      let sib = -1;
      let lSlot = -1;
      let rSlot = -1;
      if (lOk && rOk) {
        const nl = leftCount(b, i);
        const smallLeft = nl <= p.end - p.start - nl;
        const small = this.takeSlot();
        const big = p.slot >= 0 ? p.slot : this.takeSlot();
        if (p.slot >= 0) sib = p.slot;
        lSlot = smallLeft ? small : big;
        rSlot = smallLeft ? big : small;
        if (p.slot >= 0) {
          if (smallLeft) buildL = small;
          else buildR = small;
        } else {
          buildL = lSlot;
          buildR = rSlot;
        }
      } else if (lOk || rOk) {
        const slot = p.slot >= 0 ? p.slot : this.takeSlot();
        if (lOk) buildL = lSlot = slot;
        else buildR = rSlot = slot;
      } else {
        this.releaseSlot(p.slot);
      }
      b.nodeHistL[i] = buildL;
      b.nodeHistR[i] = buildR;
      b.nodeSib[i] = sib;
      plan.push({ lOk, rOk, lSlot, rSlot });
    }
    this.exec.run(OP_CHILDREN);
    this.exec.run(OP_FINISH);

    const made: Made[] = [];
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i];
      const s = p.split;
      const mid = p.start + leftCount(b, i);
      const l = this.addNode(tree, s.gl, s.hl);
      const r = this.addNode(tree, s.gr, s.hr);
      const nd = p.node;
      tree.feature[nd] = s.feature;
      tree.bin[nd] = s.bin;
      tree.threshold[nd] = this.cuts.cuts[s.feature][s.bin - 1];
      tree.defaultLeft[nd] = s.defaultLeft;
      tree.left[nd] = l;
      tree.value[nd] = 0;
      tree.gain[nd] = s.gain;
      segStart.push(p.start, mid);
      segEnd.push(mid, p.end);
      const { lOk, rOk, lSlot, rSlot } = plan[i];
      const depth = p.depth + 1;
      if (lOk) made.push({ node: l, start: p.start, end: mid, depth, slot: lSlot, g: s.gl, h: s.hl });
      if (rOk) made.push({ node: r, start: mid, end: p.end, depth, slot: rSlot, g: s.gr, h: s.hr });
    }
    return this.evaluateAll(made, features);
  }

  /** Builds histograms for [start, end, slot, sibling slot] tasks (sibling = parent - built). */
  private setTasks(tasks: [number, number, number, number][]): void {
    const b = this.exec.board;
    for (let i = 0; i < tasks.length; i++) {
      const [s, e, slot, sib] = tasks[i];
      b.taskStart[i] = s;
      b.taskEnd[i] = e;
      b.taskSlot[i] = slot;
      b.taskSib[i] = sib;
    }
    b.ctrl[CTRL_TASKS] = tasks.length;
    this.exec.run(OP_HISTOGRAM);
    this.exec.run(OP_REDUCE);
  }

  private takeSlot(): number {
    const s = this.freeSlots.pop();
    if (s === undefined) throw new Error('GBDT: out of histogram slots');
    return s;
  }

  private releaseSlot(slot: number): void {
    if (slot >= 0) this.freeSlots.push(slot);
  }
}
