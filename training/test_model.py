"""Fixture parity check for training/model.py.

Loads shared/fixtures/biggan/G.zip.pth (a real BigGAN-PyTorch checkpoint, G_ch 16, 128 px) into
our Generator, checks the state_dict keys, order and shapes, and reproduces the fixture outputs
(cases/case*/out_nchw.npy, plus the stored intermediate activations) within 1e-4 max abs.
Also checks that a 32 px instance has the expected layout. Exit code 0 on success.

Run: OMP_NUM_THREADS=1 /usr/bin/python3 training/test_model.py
"""
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from model import Generator  # noqa: E402

FIXTURE = os.environ.get('BIGGAN_FIXTURE_DIR',
                         os.path.join(HERE, '..', '..', 'shared', 'fixtures', 'biggan'))
if not os.path.isdir(FIXTURE):
    FIXTURE = '/work/shared/fixtures/biggan'
TOL = 1e-4


def main():
    torch.set_num_threads(1)
    failures = []
    cfg = json.load(open(os.path.join(FIXTURE, 'config.json')))
    G = Generator(G_ch=cfg['G_ch'], dim_z=cfg['dim_z'], resolution=cfg['resolution'],
                  shared_dim=cfg['shared_dim'], n_classes=cfg['n_classes'], attn=cfg['G_attn'],
                  BN_eps=cfg['BN_eps'], SN_eps=cfg['SN_eps'], bottom_width=cfg['bottom_width'],
                  init='none')
    sd = torch.load(os.path.join(FIXTURE, 'G.zip.pth'), map_location='cpu')
    ours = G.state_dict()
    if list(ours.keys()) != list(sd.keys()):
        failures.append('key list/order differs: missing %s extra %s' % (
            sorted(set(sd) - set(ours))[:5], sorted(set(ours) - set(sd))[:5]))
    for k, v in sd.items():
        if k in ours and tuple(ours[k].shape) != tuple(v.shape):
            failures.append('shape of %s: ours %s fixture %s' % (k, tuple(ours[k].shape),
                                                                 tuple(v.shape)))
    print('keys: %d fixture, %d ours' % (len(sd), len(ours)))
    G.load_state_dict(sd, strict=True)
    G.eval()

    acts = {}

    def hook(name):
        def f(_m, _inp, out):
            acts[name] = out.detach()
        return f
    G.linear.register_forward_hook(hook('linear_out'))
    for i, layer in enumerate(G.blocks):
        for j, m in enumerate(layer):
            m.register_forward_hook(hook('blocks_%d_%d' % (i, j)))
    G.output_layer.register_forward_hook(hook('output_layer_out_pre_tanh'))

    cases_dir = os.path.join(FIXTURE, 'cases')
    for case in sorted(os.listdir(cases_dir)):
        d = os.path.join(cases_dir, case)
        z = torch.from_numpy(np.load(os.path.join(d, 'z.npy'))).float()
        y = torch.from_numpy(np.load(os.path.join(d, 'class_embedding.npy'))).float()
        want = np.load(os.path.join(d, 'out_nchw.npy'))
        acts.clear()
        with torch.no_grad():
            got = G(z, y).numpy()
        err = float(np.abs(got - want).max())
        print('%s: out %s max abs err %.3g' % (case, got.shape, err))
        if got.shape != want.shape or not err <= TOL:
            failures.append('%s output err %.3g > %g' % (case, err, TOL))
        adir = os.path.join(d, 'activations')
        if os.path.isdir(adir):
            for f in sorted(os.listdir(adir)):
                name = f.replace('_nchw.npy', '')
                if name not in acts:
                    continue
                a = np.load(os.path.join(adir, f))
                g = acts[name].numpy().reshape(a.shape)
                scale = max(1.0, float(np.abs(a).max()))
                e = float(np.abs(g - a).max())
                print('  %-28s max abs err %.3g (scale %.3g)' % (name, e, scale))
                if not e <= TOL * scale:
                    failures.append('%s %s err %.3g' % (case, name, e))
        # SN buffers must not change in eval mode.
    for k, v in sd.items():
        if k.endswith('u0') or k.endswith('sv0'):
            if not torch.equal(G.state_dict()[k], v):
                failures.append('eval forward modified %s' % k)
                break

    # Our shipped 32 px layout.
    g32 = Generator(G_ch=32, dim_z=120, resolution=32, shared_dim=128, n_classes=10, attn='16')
    sd32 = g32.state_dict()
    expect = {
        'shared.weight': (10, 128), 'linear.weight': (128 * 16, 30), 'linear.u0': (1, 128 * 16),
        'blocks.0.0.conv1.weight': (128, 128, 3, 3), 'blocks.0.0.bn1.gain.weight': (128, 158),
        'blocks.1.1.gamma': (), 'blocks.1.1.theta.weight': (16, 128, 1, 1),
        'blocks.2.0.conv_sc.weight': (128, 128, 1, 1), 'output_layer.0.stored_var': (128,),
        'output_layer.2.weight': (3, 128, 3, 3),
    }
    for k, s in expect.items():
        if k not in sd32 or tuple(sd32[k].shape) != s:
            failures.append('32px layout: %s expected %s got %s' % (
                k, s, tuple(sd32[k].shape) if k in sd32 else None))
    if any(k.startswith('blocks.0.1') or k.startswith('blocks.2.1') for k in sd32):
        failures.append('32px: attention in wrong block')
    with torch.no_grad():
        out = g32.eval().sample(torch.randn(2, 120), torch.tensor([0, 9]))
    if tuple(out.shape) != (2, 3, 32, 32):
        failures.append('32px output shape %s' % (tuple(out.shape),))

    if failures:
        print('FAIL')
        for f in failures:
            print('  ' + f)
        sys.exit(1)
    print('OK: fixture parity within %g' % TOL)


if __name__ == '__main__':
    main()
