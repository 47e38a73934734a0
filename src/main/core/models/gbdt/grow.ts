/**
 * Grows one tree on the board: depth-wise (level by level, in batches) or leaf-wise (best gain
 * first). Children's histograms come from building the child with fewer rows and subtracting it
 * from the parent. After growing, the leaf values are added to the training margins (Update op),
 * which also refreshes the gradients.
 *
 * With the wasm kernels the whole tree grows in wasm (assembly/kernels.ts growTree: the same nodes in
 * the same order, the ops published from there), and this reads the nodes back; growInTs is the same
 * growth in TS, for the TS kernels and for trees too large for the wasm region.
 */
import type { BinCuts } from './binning';
import {
  CTRL_DONE,
  CTRL_EVALS,
  CTRL_FEATURES,
  CTRL_LEAVES,
  CTRL_NODES,
  CTRL_ROOT_SLOT,
  growLayout,
  OP_LEAVES,
  OP_LEVEL,
  OP_ROOT,
  reportFailure,
  waitForChange,
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

/** growTree's failures (assembly/kernels.ts), by code. */
const GROW_FAILURES: Record<number, string> = {
  [-1]: 'GBDT: another thread failed',
  [-2]: 'GBDT: a thread did not reach a barrier within 30 s',
  [-3]: 'GBDT: out of histogram slots',
  [-4]: 'GBDT worker did not answer within 30 s',
  [-5]: 'A GBDT worker failed (see its stderr)',
};

export class TreeGrower {
  private readonly freeSlots: number[] = [];
  private readonly reserve: number;
  /** The tree grows in wasm (with the wasm kernels, for trees that fit growLayout's region). */
  private readonly inWasm: boolean;

  constructor(
    private readonly exec: Executor,
    private readonly cuts: BinCuts,
    private readonly cfg: GrowConfig,
  ) {
    const b = exec.board;
    for (let s = b.spec.slots - 1; s >= 0; s--) this.freeSlots.push(s);
    this.reserve = 2 * b.spec.maxBatch;
    const layout = growLayout(b.spec);
    this.inWasm = b.wasm !== null && layout.bytes > 0;
    if (b.wasm && this.inWasm) {
      const { split } = cfg;
      b.wasm.growInit(
        b.ptr.grow,
        layout.nodes,
        b.spec.slots,
        b.ptr.cutsPadded,
        split.lambda,
        split.alpha,
        split.minChildWeight,
        cfg.learningRate,
        cfg.maxDepth,
        cfg.maxLeaves,
      );
    }
  }

  /** Grows a tree on all rows (subsampled rows carry zero gradients) and updates the margins. */
  grow(features: Int32Array): TreeNodes {
    return this.inWasm ? this.growInWasm(features) : this.growInTs(features);
  }

  /** grow in wasm (assembly/kernels.ts growTree, the same tree as growInTs), read back into TreeNodes. */
  private growInWasm(features: Int32Array): TreeNodes {
    const b = this.exec.board;
    b.features.set(features);
    b.ctrl[CTRL_FEATURES] = features.length;
    let count: number;
    try {
      count = b.wasm!.growTree();
    } catch (e) {
      // a fault in this thread's share: the others must not wait for it at a barrier
      if (b.spec.threads > 1) {
        reportFailure(b.ctrl);
        for (let done = Atomics.load(b.ctrl, CTRL_DONE); done < b.spec.threads - 1;) {
          if (!waitForChange(b.ctrl, CTRL_DONE, done, 30_000)) break;
          done = Atomics.load(b.ctrl, CTRL_DONE);
        }
      }
      throw e;
    }
    if (count < 0) throw new Error(GROW_FAILURES[count] ?? `GBDT: tree growth failed (${count})`);
    const L = growLayout(b.spec);
    const buf = b.memory.buffer;
    const at = b.ptr.grow;
    const f64 = (o: number): number[] => Array.from(new Float64Array(buf, at + o, count));
    const f32 = (o: number): number[] => Array.from(new Float32Array(buf, at + o, count));
    const i32 = (o: number): number[] => Array.from(new Int32Array(buf, at + o, count));
    return {
      feature: i32(L.feature),
      threshold: f32(L.threshold),
      bin: i32(L.bin),
      defaultLeft: i32(L.defaultLeft).map((d) => d === 1),
      left: i32(L.left),
      value: f32(L.value),
      weight: f32(L.weight),
      gain: f64(L.gain),
      cover: f64(L.cover),
    };
  }

  private growInTs(features: Int32Array): TreeNodes {
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

    b.features.set(features);
    b.ctrl[CTRL_FEATURES] = features.length;
    const rootSlot = this.takeSlot();
    b.ctrl[CTRL_ROOT_SLOT] = rootSlot;
    this.exec.run(OP_ROOT);
    const g = b.evalG[0];
    const h = b.evalH[0];
    this.addNode(tree, g, h);
    segStart.push(0);
    segEnd.push(n);

    let frontier: Pending[] = this.collect([{ node: 0, start: 0, end: n, depth: 0, slot: rootSlot, g, h }]);
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
      const children = this.expand(tree, batch, segStart, segEnd);
      leaves += batch.length;
      if (leafWise) frontier.push(...children);
      else frontier = frontier.concat(children);
    }
    for (const p of frontier) this.releaseSlot(p.slot);

    // the leaves' segments in position order for OP_LEAVES: a leaf, or a last split whose two leaves
    // OP_LEAVES tells apart itself (its rows were never partitioned)
    const order: number[] = [];
    for (let i = 0; i < tree.feature.length; i++) {
      if (segStart[i] >= 0 && (tree.feature[i] < 0 || segStart[tree.left[i]] < 0)) order.push(i);
    }
    order.sort((x, y) => segStart[x] - segStart[y]);
    for (let j = 0; j < order.length; j++) {
      const i = order[j];
      b.leafStart[j] = segStart[i];
      b.leafEnd[j] = segEnd[i];
      if (tree.feature[i] < 0) {
        b.leafFeature[j] = -1;
        b.leafValue[j] = tree.value[i];
      } else {
        b.leafFeature[j] = tree.feature[i];
        b.leafBin[j] = tree.bin[i];
        b.leafDefaultLeft[j] = tree.defaultLeft[i] ? 1 : 0;
        b.leafValue[j] = tree.value[tree.left[i]];
        b.leafValueR[j] = tree.value[tree.left[i] + 1];
      }
    }
    b.ctrl[CTRL_LEAVES] = order.length;
    this.exec.run(OP_LEAVES);
    return tree;
  }

  /** Turns pending node p into a split with two new leaf children; returns the left child. */
  private split(tree: TreeNodes, p: Pending): number {
    const s = p.split;
    const l = this.addNode(tree, s.gl, s.hl);
    this.addNode(tree, s.gr, s.hr);
    const nd = p.node;
    tree.feature[nd] = s.feature;
    tree.bin[nd] = s.bin;
    tree.threshold[nd] = this.cuts.cuts[s.feature][s.bin - 1];
    tree.defaultLeft[nd] = s.defaultLeft;
    tree.left[nd] = l;
    tree.value[nd] = 0;
    tree.gain[nd] = s.gain;
    return l;
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
   * The nodes just evaluated (their answers at the same index in the board's best* arrays), in order;
   * a node without a split is dropped and its slot released.
   */
  private collect(nodes: Made[]): Pending[] {
    const b = this.exec.board;
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

  /**
   * Splits a batch of nodes (one OP_LEVEL): reserves the children's histogram slots, lists the
   * children that may split for evaluation, and after the op records the children and their splits.
   */
  private expand(tree: TreeNodes, batch: Pending[], segStart: number[], segEnd: number[]): Pending[] {
    const b = this.exec.board;
    // no child may split (typically the last level): the rows need not be partitioned, OP_LEAVES
    // sends each row to its leaf directly
    if (
      batch.every((p) => !this.canSplit(p.depth + 1, p.split.hl) && !this.canSplit(p.depth + 1, p.split.hr))
    ) {
      for (const p of batch) {
        this.releaseSlot(p.slot);
        this.split(tree, p);
        segStart.push(-1, -1);
        segEnd.push(-1, -1);
      }
      return [];
    }
    let evals = 0;
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
      const depth = p.depth + 1;
      const lOk = this.canSplit(depth, s.hl);
      const rOk = this.canSplit(depth, s.hr);
      let slotA = -1;
      let slotB = -1;
      let parent = -1;
      if (lOk && rOk) {
        slotA = this.takeSlot();
        if (p.slot >= 0) parent = p.slot;
        else slotB = this.takeSlot();
      } else if (lOk || rOk) {
        slotA = p.slot >= 0 ? p.slot : this.takeSlot();
      } else {
        this.releaseSlot(p.slot);
      }
      b.nodeMode[i] = (lOk ? 1 : 0) | (rOk ? 2 : 0);
      b.nodeSlotA[i] = slotA;
      b.nodeSlotB[i] = slotB;
      b.nodeParent[i] = parent;
      if (lOk) {
        b.evalFrom[evals] = 2 * i;
        b.evalG[evals] = s.gl;
        b.evalH[evals] = s.hl;
        evals++;
      }
      if (rOk) {
        b.evalFrom[evals] = 2 * i + 1;
        b.evalG[evals] = s.gr;
        b.evalH[evals] = s.hr;
        evals++;
      }
    }
    b.ctrl[CTRL_NODES] = batch.length;
    b.ctrl[CTRL_EVALS] = evals;
    this.exec.run(OP_LEVEL);

    const made: Made[] = [];
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i];
      const s = p.split;
      const mid = p.start + leftCount(b, i);
      const l = this.split(tree, p);
      const r = l + 1;
      segStart.push(p.start, mid);
      segEnd.push(mid, p.end);
      const depth = p.depth + 1;
      // this thread ran the level too: its plan holds each child's slot
      const mode = b.nodeMode[i];
      if (mode & 1)
        made.push({ node: l, start: p.start, end: mid, depth, slot: b.childSlotL[i], g: s.gl, h: s.hl });
      if (mode & 2)
        made.push({ node: r, start: mid, end: p.end, depth, slot: b.childSlotR[i], g: s.gr, h: s.hr });
    }
    return this.collect(made);
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
