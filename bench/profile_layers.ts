/**
 * Per-layer breakdown with tf.profile: every kernel the forward runs, summed by kernel name and by
 * layer shape (convolutions as "conv3x3 512->512 @16", matrix products by their shapes).
 */
import * as tf from '@tensorflow/tfjs-core';

export interface KernelRow {
  key: string;
  ms: number;
  calls: number;
  /** Multiply-adds per run (convolutions and matrix products), for GMAC/s. */
  macs: number;
}

export interface LayerProfile {
  totalMs: number;
  /** Sum of kernel times (the rest is JS dispatch and tensor bookkeeping). */
  kernelMs: number;
  byKernel: KernelRow[];
  byLayer: KernelRow[];
}

type ProfiledKernel = Awaited<ReturnType<typeof tf.profile>>['kernels'][number];

/** A name for the layer a kernel belongs to, from its shapes (NHWC). */
export function layerKey(k: ProfiledKernel): string {
  const s = k.inputShapes;
  const o = k.outputShapes[0] ?? [];
  switch (k.name) {
    case 'Conv2D':
    case 'FusedConv2D': {
      const [kh, kw, cin, cout] = s[1] as number[];
      return `conv${kh}x${kw} ${cin}->${cout} @${o[1]}`;
    }
    case 'BatchMatMul':
    case '_FusedMatMul':
      return `${k.name} ${JSON.stringify(s[0])}x${JSON.stringify(s[1])}`;
    default:
      return `${k.name}${o.length === 4 ? ` @${o[1]}` : ''}`;
  }
}

/** Multiply-adds of one kernel call (0 for element-wise kernels). */
export function kernelMacs(k: ProfiledKernel): number {
  const s = k.inputShapes as number[][];
  const o = (k.outputShapes[0] ?? []) as number[];
  const size = (v: number[]) => v.reduce((a, b) => a * b, 1);
  if (k.name === 'Conv2D' || k.name === 'FusedConv2D') {
    const [kh, kw, cin] = s[1];
    return size(o) * kh * kw * cin;
  }
  if (k.name === 'BatchMatMul' || k.name === '_FusedMatMul') {
    // The shared dimension is the one of a's last two that is not in the output.
    const a = s[0];
    const rows = o[o.length - 2];
    const shared = a[a.length - 1] === rows && a[a.length - 2] !== rows ? a[a.length - 2] : a[a.length - 1];
    return size(o) * shared;
  }
  return 0;
}

function sumBy(kernels: ProfiledKernel[], key: (k: ProfiledKernel) => string): KernelRow[] {
  const m = new Map<string, KernelRow>();
  for (const k of kernels) {
    const name = key(k);
    const row = m.get(name) ?? { key: name, ms: 0, calls: 0, macs: 0 };
    row.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    row.calls += 1;
    row.macs += kernelMacs(k);
    m.set(name, row);
  }
  return [...m.values()].sort((a, b) => b.ms - a.ms);
}

/** Profiles `runs` calls of `forward` (after one unprofiled warm-up) and averages per run. */
export async function profileLayers(forward: () => tf.Tensor, runs = 2): Promise<LayerProfile> {
  const warm = forward();
  await warm.data();
  warm.dispose();
  const kernels: ProfiledKernel[] = [];
  let totalMs = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const info = await tf.profile(async () => {
      const out = forward();
      await out.data();
      out.dispose();
    });
    totalMs += performance.now() - t0;
    // Ops with a custom gradient (tf.fused.conv2d) show up twice: as `fusedConv2d__op` wrapping
    // the FusedConv2D kernel. Keep the kernels only.
    kernels.push(...info.kernels.filter((k) => !k.name.endsWith('__op')));
  }
  const scale = (rows: KernelRow[]) =>
    rows.map((r) => ({ key: r.key, ms: r.ms / runs, calls: r.calls / runs, macs: r.macs / runs }));
  const byKernel = scale(sumBy(kernels, (k) => k.name));
  return {
    totalMs: totalMs / runs,
    kernelMs: byKernel.reduce((a, r) => a + r.ms, 0),
    byKernel,
    byLayer: scale(sumBy(kernels, layerKey)),
  };
}

function row(r: KernelRow): string {
  const rate = r.macs > 0 && r.ms > 0 ? `${(r.macs / r.ms / 1e6).toFixed(1).padStart(6)} GMAC/s` : ''.padStart(13);
  const macs = r.macs > 0 ? `${(r.macs / 1e6).toFixed(0).padStart(6)} M` : ''.padStart(8);
  return `  ${r.ms.toFixed(1).padStart(8)} ms  ${String(r.calls).padStart(4)}x ${macs} ${rate}  ${r.key}`;
}

export function formatProfile(p: LayerProfile, top = 40): string {
  const macs = p.byKernel.reduce((a, r) => a + r.macs, 0);
  const lines = [
    `total ${p.totalMs.toFixed(0)} ms (profiled), kernels ${p.kernelMs.toFixed(0)} ms, ${(macs / 1e9).toFixed(2)} GMAC`,
    '  by kernel:      ms calls     MACs          rate',
  ];
  for (const r of p.byKernel.slice(0, top)) lines.push(row(r));
  lines.push('  by layer shape:');
  for (const r of p.byLayer.slice(0, top)) lines.push(row(r));
  return lines.join('\n');
}
