"""Smoke test used by the project's unit tests (via a subprocess): builds a tiny G and D,
runs ONE training step on random data (bf16 autocast, one thread), checks the losses are finite,
that parameters moved, that the EMA / standing-stats / export path produces a BigGAN-PyTorch
layout state_dict that reloads, and exits 0. Takes a few seconds.

  OMP_NUM_THREADS=1 /usr/bin/python3 training/test_one_step.py
"""
import math
import os
import sys
import tempfile
import time

os.environ.setdefault('OMP_NUM_THREADS', '1')

import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import train  # noqa: E402
from model import Generator, standing_stats  # noqa: E402


def check_grey_output(G):
    """export.grey_output: three equal channels, each the mean of the three it had (before tanh)."""
    from export import grey_output
    seen = []
    hook = G.output_layer.register_forward_hook(lambda m, i, o: seen.append(o.detach().clone()))
    z, y = torch.randn(2, 120), torch.tensor([1, 5])
    with torch.no_grad():
        G.sample(z, y)
        grey_output(G)
        out = G.sample(z, y)
    hook.remove()
    before, after = seen
    assert torch.equal(out[:, 0], out[:, 1]) and torch.equal(out[:, 1], out[:, 2]), 'channels differ'
    err = (after - before.mean(dim=1, keepdim=True)).abs().max().item()
    assert err < 1e-4 * max(1.0, before.abs().max().item()), err


def main():
    t0 = time.time()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    args = train.parse_args(['--G_ch', '4', '--D_ch', '4', '--batch_size', '4'])
    G, G_ema, D, optG, optD = train.build(args)
    before = G.linear.weight.detach().clone()
    d_before = D.linear.weight.detach().clone()
    xs = [torch.rand(4, 3, 32, 32) * 2 - 1 for _ in range(args.num_D_steps)]
    ys = [torch.randint(0, 10, (4,)) for _ in xs]
    stats = train.train_step(G, D, optG, optD, xs, ys, args)
    train.ema_update(G, G_ema, 0.0)
    assert all(math.isfinite(v) for v in stats.values()), stats
    assert not torch.equal(before, G.linear.weight), 'G did not update'
    assert not torch.equal(d_before, D.linear.weight), 'D did not update'

    standing_stats(G_ema, n_passes=2, batch_size=4)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'G_ema.pth')
        torch.save(G_ema.state_dict(), path)
        sd = torch.load(path, map_location='cpu')
        G2 = Generator(**G_ema.config, init='none')
        G2.load_state_dict(sd, strict=True)
        G2.eval()
        with torch.no_grad():
            out = G2.sample(torch.randn(2, 120), torch.tensor([0, 9]))
    assert tuple(out.shape) == (2, 3, 32, 32) and torch.isfinite(out).all()
    for k in ('shared.weight', 'linear.u0', 'blocks.0.0.bn1.gain.weight', 'blocks.1.1.gamma',
              'output_layer.0.stored_mean', 'output_layer.2.sv0'):
        assert k in sd, k
    check_grey_output(G2)
    print('one training step OK in %.1fs: %s' % (time.time() - t0,
                                                ', '.join('%s %.3f' % kv for kv in stats.items())))


if __name__ == '__main__':
    main()
