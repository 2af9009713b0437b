/**
 * The original BigGAN's settings that its checkpoints do not carry. Everything else is read off the
 * tensor shapes (see convert/biggan_plan.ts).
 */
import { ConfigError } from '../errors';

/** Epsilons of ajbrock/BigGAN-PyTorch's released ImageNet G_ema.pth. */
export const BIGGAN_PYTORCH_EPS = { bnEps: 1e-5, snEps: 1e-6 } as const;

/** Optional overrides, in BigGAN-PyTorch's own argument names, as a config.json may hold them. */
export interface BigGanOverrides {
  BN_eps?: number;
  SN_eps?: number;
  /** Checked against the tensors when given. */
  G_ch?: number;
  dim_z?: number;
  resolution?: number;
  shared_dim?: number;
  n_classes?: number;
  G_attn?: string;
}

export function parseBigGanOverrides(text: string): BigGanOverrides {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`The BigGAN config is not valid JSON (${(e as Error).message}).`);
  }
  if (typeof raw !== 'object' || raw === null) throw new ConfigError('The BigGAN config must hold a JSON object.');
  const o = raw as Record<string, unknown>;
  const out: BigGanOverrides = {};
  for (const key of ['BN_eps', 'SN_eps', 'G_ch', 'dim_z', 'resolution', 'shared_dim', 'n_classes'] as const) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new ConfigError(`The BigGAN config's '${key}' must be a positive number, found ${JSON.stringify(v)}.`);
    }
    out[key] = v;
  }
  if (o.G_attn !== undefined) out.G_attn = String(o.G_attn);
  return out;
}
