/**
 * Building blocks of conversion plans: one function per kind of stored layer, each checking the
 * shapes it consumes and producing the weight in our layout.
 */
import { ArchitectureError } from '../errors';
import type { ShapeReader, WeightPlan } from './plan';
import { convKernelToHwio, transpose2d } from './layout';
import { foldedDivisor, sigmaBigGanPowerStep, sigmaTfOrderEval, sigmaTorchEval } from './spectral_norm';

/** A tensor copied as it is (biases, BN statistics, embeddings). */
export function plainWeight(r: ShapeReader, key: string, shape: number[], name = key): WeightPlan {
  r.expect(key, shape);
  return { name, shape, sources: [key], build: (get, out) => out.set(get(key).data) };
}

/** torch.nn.utils.spectral_norm'd weight (BigGAN-deep): `weight_orig`, `weight_u`, `weight_v`. */
function torchSn(r: ShapeReader, prefix: string, torchShape: number[]) {
  const out = torchShape[0];
  const rest = torchShape.slice(1).reduce((a, b) => a * b, 1);
  const keys = [`${prefix}.weight_orig`, `${prefix}.weight_u`, `${prefix}.weight_v`];
  r.expect(keys[0], torchShape);
  r.expect(keys[1], [out]);
  r.expect(keys[2], [rest]);
  const sigma = (get: (k: string) => { data: Float32Array }) =>
    foldedDivisor(sigmaTorchEval(get(keys[0]).data, out, get(keys[1]).data, get(keys[2]).data));
  return { keys, sigma };
}

/** BigGAN-PyTorch's SN'd weight: `weight`, `u0` [1,out], `sv0` [1] (a log, unused). */
function bigganSn(r: ShapeReader, prefix: string, torchShape: number[], snEps: number) {
  const out = torchShape[0];
  const keys = [`${prefix}.weight`, `${prefix}.u0`, `${prefix}.sv0`];
  r.expect(keys[0], torchShape);
  r.expect(keys[1], [1, out]);
  r.expect(keys[2], [1]);
  const sigma = (get: (k: string) => { data: Float32Array }) =>
    foldedDivisor(sigmaBigGanPowerStep(get(keys[0]).data, out, get(keys[1]).data, snEps));
  return { keys, sigma };
}

/**
 * TF Hub BigGAN as ivclab converted it: torch's SN, with conv matrices flattened in TF's
 * [kh, kw, in] order. Files written before torch's SN had `weight_v` store `weight` (already
 * divided by sigma) instead; that is the effective weight as it is.
 */
function tfhubSn(r: ShapeReader, prefix: string, torchShape: number[]) {
  if (r.has(`${prefix}.weight_v`)) {
    const { keys } = torchSn(r, prefix, torchShape);
    const sigma = (get: (k: string) => { data: Float32Array }) =>
      foldedDivisor(sigmaTfOrderEval(get(keys[0]).data, torchShape, get(keys[1]).data, get(keys[2]).data));
    return { keys, sigma };
  }
  const keys = [`${prefix}.weight`, `${prefix}.weight_orig`, `${prefix}.weight_u`];
  if (!r.has(keys[0])) {
    throw new ArchitectureError(
      `Missing key '${prefix}.weight_v' (or '${keys[0]}', in files written before torch stored v): this is not a ` +
        'complete TF Hub BigGAN generator state_dict.',
    );
  }
  r.expect(keys[0], torchShape);
  r.expect(keys[1], torchShape);
  r.expect(keys[2], [torchShape[0]]);
  return { keys, sigma: () => 1 };
}

export type SnStyle = { kind: 'torch' } | { kind: 'biggan'; eps: number } | { kind: 'tfhub' };

function sn(r: ShapeReader, prefix: string, torchShape: number[], style: SnStyle) {
  switch (style.kind) {
    case 'torch':
      return torchSn(r, prefix, torchShape);
    case 'biggan':
      return bigganSn(r, prefix, torchShape, style.eps);
    case 'tfhub':
      return tfhubSn(r, prefix, torchShape);
  }
}

/** SN Linear [out, in] stored as [in, out] so that y = x @ W. */
export function snLinear(r: ShapeReader, prefix: string, inF: number, outF: number, style: SnStyle): WeightPlan {
  const { keys, sigma } = sn(r, prefix, [outF, inF], style);
  return {
    name: `${prefix}.weight`,
    shape: [inF, outF],
    sources: keys,
    build: (get, out) => transpose2d(get(keys[0]).data, outF, inF, out, sigma(get)),
  };
}

/** SN Conv2d [out, in, k, k] stored as [k, k, in, keepOut]. */
export function snConv(
  r: ShapeReader,
  prefix: string,
  cin: number,
  cout: number,
  k: number,
  style: SnStyle,
  keepOut = cout,
): WeightPlan {
  const torchShape = [cout, cin, k, k];
  const { keys, sigma } = sn(r, prefix, torchShape, style);
  return {
    name: `${prefix}.weight`,
    shape: [k, k, cin, keepOut],
    sources: keys,
    build: (get, out) => convKernelToHwio(get(keys[0]).data, torchShape, out, keepOut, sigma(get)),
  };
}

/** A bias of which only the first `keep` entries are used. */
export function slicedBias(r: ShapeReader, key: string, full: number, keep: number): WeightPlan {
  r.expect(key, [full]);
  return { name: key, shape: [keep], sources: [key], build: (get, out) => out.set(get(key).data.subarray(0, keep)) };
}
