/**
 * Batch-norm statistics that depend on the truncation (BigGAN-deep, TF Hub BigGAN): the tables
 * stay on the CPU, where rows are blended exactly; the blend for the last truncation used is kept
 * on the backend until the truncation changes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelFormatError } from '../errors';
import { blendStatRows, type StatSelection } from './bn_stats';

/** A BN layer's statistic tables, [rows, C] each. */
export interface StatTable {
  means: Float32Array;
  vars: Float32Array;
  channels: number;
}

export interface FixedStats {
  mean: tf.Tensor1D;
  invStd: tf.Tensor1D;
}

export class TruncationStats {
  private cached: { truncation: number; stats: Map<string, FixedStats> } | null = null;

  /** Every table must have `rows` rows, and every layer in `required` a table. */
  constructor(
    private readonly tables: ReadonlyMap<string, StatTable>,
    private readonly select: (truncation: number) => StatSelection,
    private readonly eps: number,
    rows: number,
    required: readonly string[] = [],
  ) {
    const missing = required.find((p) => !tables.has(p));
    if (missing)
      throw new ModelFormatError(
        `The model has no batch-norm statistics for '${missing}'; it was converted for another architecture.`,
      );
    for (const [prefix, t] of tables) {
      if (t.channels < 1 || t.means.length !== rows * t.channels || t.vars.length !== rows * t.channels) {
        throw new ModelFormatError(
          `The batch-norm statistics of '${prefix}' are not ${rows} rows of ${t.channels} channels.`,
        );
      }
    }
  }

  /**
   * The statistics of every BN layer at this truncation. The tensors are kept out of any tidy the
   * caller is in: they outlive the call that made them, and are freed here when t changes.
   */
  at(truncation: number): ReadonlyMap<string, FixedStats> {
    if (this.cached?.truncation === truncation) return this.cached.stats;
    const sel = this.select(truncation);
    this.dispose();
    const stats = new Map<string, FixedStats>();
    for (const [prefix, table] of this.tables) {
      const mean = tf.keep(tf.tensor1d(blendStatRows(table.means, table.channels, sel)));
      const variance = blendStatRows(table.vars, table.channels, sel);
      // 1/sqrt(var + eps) on the CPU, so that making the cache runs no op: one made during a
      // compile-only pass (src/worker/compile_pipelines.ts) holds real values all the same.
      const invStd = tf.keep(tf.tensor1d(variance.map((v) => 1 / Math.sqrt(v + this.eps))));
      stats.set(prefix, { mean, invStd });
    }
    this.cached = { truncation, stats };
    return stats;
  }

  dispose(): void {
    for (const s of this.cached?.stats.values() ?? []) {
      s.mean.dispose();
      s.invStd.dispose();
    }
    this.cached = null;
  }
}
