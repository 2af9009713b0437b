"""Export the EMA generator of a training run as a BigGAN-PyTorch layout state_dict.

  OMP_NUM_THREADS=1 /usr/bin/python3 training/export.py \
      --run training/runs/fmnist32 --out training/runs/fmnist32/export

Writes to --out:
  G_ema.pth     torch.save(state_dict) (zip format), float32, keys as ajbrock/BigGAN-PyTorch
                (shared.weight, linear.*, blocks.{i}.0.*, blocks.1.1.* attention,
                output_layer.{0,2}.*). SN vectors u0/sv0 are converged for the EMA weights and
                the BN stored_mean/stored_var are standing statistics.
                The three output channels are made one (see grey_output): Fashion-MNIST is grey.
  classes.json  class names (index order) + the generator config (BN_eps, SN_eps, ...).
  config.json   the generator config alone (same fields as the fixture's config.json).
  samples.png   class x seed sheet (rows = classes, 10 seeds), truncation 1.0 / 0.5 side by side.
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from data import CLASS_NAMES  # noqa: E402
from model import Generator, _SpectralNormMixin, standing_stats  # noqa: E402
import sheet  # noqa: E402


@torch.no_grad()
def refresh_spectral_norm(G, n_iters=50):
    """Run power iterations (train-mode SN only) so u0/sv0 match the EMA weights."""
    for m in G.modules():
        if isinstance(m, _SpectralNormMixin):
            m.train()
            for _ in range(n_iters):
                m.sn_weight()
            m.eval()


@torch.no_grad()
def grey_output(G):
    """Makes the rgb conv's three output channels one grey channel: each becomes the mean of the three
    (pre-tanh), which training left slightly apart (magenta/green speckles in the app).

    Spectral norm divides the conv by sigma, so a weight with three equal rows r has effective weight
    r / (sqrt(3) |r|): the mean m of the effective rows cannot be stored as it is. Its scale goes into
    the preceding BN instead (gain and bias times s = sqrt(3) |m|, which ReLU passes through), and the
    conv keeps m in all three rows, with u0 along them so that one power step finds sigma exactly.
    """
    bn, conv = G.output_layer[0], G.output_layer[2]
    conv.eval()
    w_eff = conv.sn_weight()
    m = w_eff.mean(dim=0, keepdim=True)
    s = math.sqrt(3) * m.norm()
    bn.gain.mul_(s)
    bn.bias.mul_(s)
    conv.weight.copy_(m.expand_as(conv.weight))
    conv.bias.fill_(conv.bias.mean())
    conv.u0.fill_(1 / math.sqrt(3))
    conv.sv0.fill_(s)


def config_of(G, args=None):
    c = dict(G.config)
    c.update({
        'G_init': 'ortho', 'G_kernel_size': 3, 'G_activation': 'relu', 'norm_style': 'bn',
        'num_G_SVs': 1, 'num_G_SV_itrs': 1, 'dim_z_effective': G.dim_z,
        'z_chunk_size': G.z_chunk, 'num_slots': G.num_slots, 'output_channels': 3,
        'grey': True,
    })
    if args is not None:
        c['trained_iterations'] = args.get('iteration')
        c['trained_minutes'] = args.get('minutes')
    return c


def export(run_dir, out_dir, standing_passes=16, standing_batch=100, seed=0):
    state = torch.load(os.path.join(run_dir, 'state.pth'), map_location='cpu')
    G = Generator(**state['G_config'], init='none')
    G.load_state_dict(state['G_ema'])
    refresh_spectral_norm(G)
    standing_stats(G, n_passes=standing_passes, batch_size=standing_batch, seed=seed)
    G.eval()
    grey_output(G)
    os.makedirs(out_dir, exist_ok=True)
    sd = {k: v.detach().float().contiguous().clone() for k, v in G.state_dict().items()}
    torch.save(sd, os.path.join(out_dir, 'G_ema.pth'))
    cfg = config_of(G, {'iteration': state['iteration'],
                        'minutes': round(state['elapsed_s'] / 60, 1)})
    with open(os.path.join(out_dir, 'config.json'), 'w') as f:
        json.dump(cfg, f, indent=1)
    with open(os.path.join(out_dir, 'classes.json'), 'w') as f:
        json.dump({'dataset': 'Fashion-MNIST', 'classes': CLASS_NAMES, 'config': cfg}, f,
                  indent=1)
    with torch.no_grad():
        a = sheet.render(G, truncation=1.0)
        b = sheet.render(G, truncation=0.5)
    gap = np.zeros((a.shape[0], 8), dtype=np.uint8) + 128
    sheet.write_png(os.path.join(out_dir, 'samples.png'), np.concatenate([a, gap, b], 1), 2)
    return G, sd, cfg


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--run', default=os.path.join(HERE, 'runs', 'fmnist32'))
    p.add_argument('--out', default=None, help='default: RUN/export')
    p.add_argument('--standing_passes', type=int, default=16)
    p.add_argument('--standing_batch', type=int, default=100)
    p.add_argument('--seed', type=int, default=0)
    args = p.parse_args()
    torch.set_num_threads(1)
    out = args.out or os.path.join(args.run, 'export')
    G, sd, cfg = export(args.run, out, args.standing_passes, args.standing_batch, args.seed)
    # Reload check: the file round-trips into a fresh model.
    G2 = Generator(**G.config, init='none')
    G2.load_state_dict(torch.load(os.path.join(out, 'G_ema.pth'), map_location='cpu'))
    n = sum(v.numel() for v in sd.values())
    print('wrote %s: %d tensors, %.2fM values, %d bytes; iteration %s' % (
        os.path.join(out, 'G_ema.pth'), len(sd), n / 1e6,
        os.path.getsize(os.path.join(out, 'G_ema.pth')), cfg.get('trained_iterations')))


if __name__ == '__main__':
    main()
