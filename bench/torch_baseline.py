#!/usr/bin/python3
"""PyTorch CPU eager baseline for `npm run bench`.

BigGAN-deep 128/256/512 and BigGAN-128 (ch 96), written from shared/docs/REFERENCE.md, with random
weights of the released shapes (read from shared/reference/keys/*.tsv), float32, eval, no_grad,
NCHW as the reference code runs them.

Variants (--variant):
  folded    spectral norm folded into the weights once (the baseline; "0.50 s" in the issue);
            BigGAN-deep keeps the reference's full ch->ch conv_to_rgb and slices 3 channels.
  rgb3      folded, and conv_to_rgb cut to its 3 used filters (the same arithmetic as ours).
  unfolded  the reference as shipped: BigGAN-deep divides by sigma = u.(W v) every forward
            (torch spectral_norm in eval mode); BigGAN does one power iteration every forward.

Modes:
  torch_baseline.py --model deep128 --batches 1,8 --runs 5   time and print one JSON object
  torch_baseline.py --model deep128 --serve                   JSON lines on stdin/stdout:
      {"cmd": "run", "batch": 8, "variant": "folded"} -> {"ms": wall ms, "cpu_ms": process cpu ms}
      {"cmd": "layers", "batch": 1, "variant": "folded", "runs": 3} -> {"layers": {key: ms}}
      {"cmd": "stats"} -> {"peak_rss_mb": ..., "threads": ...}
  torch_baseline.py --model deep128 --export-onnx out.onnx --batch 8   the folded net as ONNX
      (opset 17, this batch size: static shapes, which torch's exporter needs for batch_norm here;
      shapes and truncation in out.onnx.json, the inputs in out.onnx.z.f32 and .class_vector.f32,
      torch's image for them in out.onnx.image.f32) for the ONNX Runtime peers
      (bench/ort_runner.ts), which check that they give the same image
The ready line and stats carry "blas": the BLAS library the process mapped after a matrix product
(torch's `linear`/`bmm` go through libblas.so.3, whatever the alternatives system points it at).
Weights are drawn as bench/random_model.ts draws them (uniform, fan-in scaled), so activations stay
in range (no denormals); spectral-norm vectors are chosen so sigma is 1 in the unfolded variant of
BigGAN-deep.
"""
import argparse
import json
import math
import os
import resource
import statistics
import sys
import time
from collections import defaultdict

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS_DIR = os.path.normpath(os.path.join(HERE, '..', '..', 'shared', 'reference', 'keys'))
MODELS = {
    'deep128': 'keys_biggan-deep-128.tsv',
    'deep256': 'keys_biggan-deep-256.tsv',
    'deep512': 'keys_biggan-deep-512.tsv',
    'biggan128': 'keys_bp-biggan-128-ch96.tsv',
}


def read_keys(name):
    shapes = {}
    with open(os.path.join(KEYS_DIR, MODELS[name])) as f:
        for line in f:
            if line.strip():
                key, shape = line.split('\t')[:2]
                shapes[key] = json.loads(shape)
    return shapes


def rand_weight(shape, gen):
    fan_in = shape[1] * (shape[2] * shape[3] if len(shape) == 4 else 1) if len(shape) > 1 else shape[0]
    scale = 1.7 / math.sqrt(fan_in)
    return (torch.rand(shape, generator=gen) * 2 - 1) * scale


class Timer:
    """Per-layer wall time, summed by a layer-shape key, when enabled."""

    def __init__(self):
        self.enabled = False
        self.acc = defaultdict(float)

    def __call__(self, key, fn, *args):
        if not self.enabled:
            return fn(*args)
        t0 = time.perf_counter()
        out = fn(*args)
        self.acc[key] += (time.perf_counter() - t0) * 1000
        return out


class SNWeight:
    """A weight that is either folded once or normalised every forward, as the reference does."""

    def __init__(self, w, family, unfolded, gen):
        self.folded = w
        self.unfolded = unfolded
        self.family = family
        if unfolded:
            mat = w.reshape(w.shape[0], -1)
            if family == 'deep':
                v = torch.randn(mat.shape[1], generator=gen)
                v = v / v.norm()
                wv = mat @ v
                self.u = wv / wv.dot(wv)  # u.(W v) == 1: same activations as the folded weight
                self.v = v
            else:
                self.u0 = torch.randn(1, mat.shape[0], generator=gen)

    def get(self):
        if not self.unfolded:
            return self.folded
        w = self.folded
        mat = w.reshape(w.shape[0], -1)
        if self.family == 'deep':
            sigma = torch.dot(self.u, torch.mv(mat, self.v))
        else:
            eps = 1e-6
            v = self.u0 @ mat
            v = v / max(v.norm(), eps)
            u = v @ mat.t()
            u = u / max(u.norm(), eps)
            sigma = (v @ mat.t() @ u.t()).squeeze()
        return w / sigma


class Params:
    def __init__(self, shapes, family, unfolded, seed=1234):
        self.shapes = shapes
        self.family = family
        self.unfolded = unfolded
        self.gen = torch.Generator().manual_seed(seed)
        self.sn = {}
        self.plain = {}

    def w(self, prefix):
        """Spectral-normalised weight of a layer (linear or conv) by its prefix."""
        if prefix not in self.sn:
            key = prefix + ('.weight_orig' if self.family == 'deep' else '.weight')
            self.sn[prefix] = SNWeight(rand_weight(self.shapes[key], self.gen), self.family, self.unfolded, self.gen)
        return self.sn[prefix].get()

    def t(self, key, fill=None):
        if key not in self.plain:
            shape = self.shapes[key]
            if fill is None:
                self.plain[key] = rand_weight(shape, self.gen)
            else:
                self.plain[key] = torch.full(shape, float(fill))
        return self.plain[key]

    def has(self, key):
        return key in self.shapes


def conv_key(w, x, up=False):
    k = w.shape[2]
    res = x.shape[2] * (2 if up else 1)
    return f'conv{k}x{k} {w.shape[1]}->{w.shape[0]} @{res}'


def self_attention(x, p, names):
    """SAGAN attention as both references compute it; `names` = theta, phi, g, o, gamma keys."""
    theta_k, phi_k, g_k, o_k, gamma_k = names
    n, c, hh, ww = x.shape
    theta = F.conv2d(x, p.w(theta_k)).view(n, c // 8, hh * ww)
    phi = F.max_pool2d(F.conv2d(x, p.w(phi_k)), 2).view(n, c // 8, hh * ww // 4)
    g = F.max_pool2d(F.conv2d(x, p.w(g_k)), 2).view(n, c // 2, hh * ww // 4)
    beta = F.softmax(torch.bmm(theta.transpose(1, 2), phi), -1)
    o = torch.bmm(g, beta.transpose(1, 2)).view(n, c // 2, hh, ww)
    return x + p.t(gamma_k, 0.1) * F.conv2d(o, p.w(o_k))


class BigGanDeep:
    def __init__(self, shapes, variant, timer, warm=True):
        self.p = Params(shapes, 'deep', variant == 'unfolded')
        self.rgb3 = variant == 'rgb3'
        self.timer = timer
        p = self.p
        self.ch = shapes['generator.conv_to_rgb.bias'][0]
        self.n_layers = 0
        while p.has(f'generator.layers.{self.n_layers}.gamma') or p.has(f'generator.layers.{self.n_layers}.conv_0.bias'):
            self.n_layers += 1
        self.attn_at = next(i for i in range(self.n_layers) if p.has(f'generator.layers.{i}.gamma'))
        self.n_stats = shapes['generator.bn.running_means'][0]
        self.eps = 1e-4
        if warm:  # materialise every weight now so the first timed forward does not pay for it
            with torch.no_grad():
                self.forward(torch.zeros(1, 128), torch.zeros(1, 1000), 0.5)

    def stats(self, prefix, truncation):
        p = self.p
        means = p.t(prefix + '.running_means', 0)
        var = p.t(prefix + '.running_vars', 1)
        step = 1.0 / (self.n_stats - 1)
        coef, idx = math.modf(truncation / step)
        idx = int(idx)
        if coef != 0:
            return means[idx] * coef + means[idx + 1] * (1 - coef), var[idx] * coef + var[idx + 1] * (1 - coef)
        return means[idx], var[idx]

    def cbn_relu(self, x, prefix, cond, truncation):
        mean, var = self.stats(prefix, truncation)
        x = F.batch_norm(x, mean, var, None, None, False, 0.0, self.eps)
        scale = F.linear(cond, self.p.w(prefix + '.scale'))
        offset = F.linear(cond, self.p.w(prefix + '.offset'))
        return F.relu(x * (1 + scale[:, :, None, None]) + offset[:, :, None, None])

    def conv(self, x, prefix, pad):
        w = self.p.w(prefix)
        return self.timer(conv_key(w, x), F.conv2d, x, w, self.p.t(prefix + '.bias', 0), 1, pad)

    def block(self, x, i, cond, truncation, upsample):
        pre = f'generator.layers.{i}'
        h = self.conv(self.cbn_relu(x, pre + '.bn_0', cond, truncation), pre + '.conv_0', 0)
        h = self.cbn_relu(h, pre + '.bn_1', cond, truncation)
        if upsample:
            h = F.interpolate(h, scale_factor=2, mode='nearest')
        h = self.conv(h, pre + '.conv_1', 1)
        h = self.conv(self.cbn_relu(h, pre + '.bn_2', cond, truncation), pre + '.conv_2', 1)
        h = self.conv(self.cbn_relu(h, pre + '.bn_3', cond, truncation), pre + '.conv_3', 0)
        out_ch = h.shape[1]
        skip = x[:, :out_ch] if x.shape[1] != out_ch else x
        if upsample:
            skip = F.interpolate(skip, scale_factor=2, mode='nearest')
        return h + skip

    def attention(self, x, i):
        pre = f'generator.layers.{i}'
        names = tuple(f'{pre}.snconv1x1_{k}' for k in ('theta', 'phi', 'g', 'o_conv')) + (pre + '.gamma',)
        return self.timer(f'attention C{x.shape[1]} @{x.shape[2]}', self_attention, x, self.p, names)

    def forward(self, z, class_vector, truncation):
        p = self.p
        embed = F.linear(class_vector, p.t('embeddings.weight'))
        cond = torch.cat([z, embed], 1)
        n = z.shape[0]
        h = F.linear(cond, p.w('generator.gen_z'), p.t('generator.gen_z.bias', 0))
        h = h.view(n, 4, 4, 16 * self.ch).permute(0, 3, 1, 2).contiguous()
        layer = 0
        for i in range(self.n_layers):
            if i == self.attn_at:
                h = self.attention(h, i)
            else:
                h = self.block(h, i, cond, truncation, layer % 2 == 1)
                layer += 1
        mean, var = self.stats('generator.bn', truncation)
        h = F.batch_norm(h, mean, var, p.t('generator.bn.weight', 1), p.t('generator.bn.bias', 0), False, 0.0, self.eps)
        h = F.relu(h)
        w = p.w('generator.conv_to_rgb')
        b = p.t('generator.conv_to_rgb.bias', 0)
        if self.rgb3:
            w, b = w[:3].contiguous(), b[:3].contiguous()
        h = self.timer(conv_key(w, h), F.conv2d, h, w, b, 1, 1)
        return torch.tanh(h[:, :3])

    def inputs(self, batch):
        gen = torch.Generator().manual_seed(7)
        z = (torch.rand(batch, 128, generator=gen) * 2 - 1) * 0.8
        cls = torch.zeros(batch, 1000)
        cls[torch.arange(batch), (torch.arange(batch) * 97 + 1) % 1000] = 1
        return z, cls, 0.5


class BigGan:
    def __init__(self, shapes, variant, timer, warm=True):
        self.p = Params(shapes, 'biggan', variant == 'unfolded')
        self.timer = timer
        p = self.p
        self.n_blocks = 0
        while p.has(f'blocks.{self.n_blocks}.0.conv1.weight'):
            self.n_blocks += 1
        self.dim_z = 20 * (self.n_blocks + 1) if self.n_blocks == 5 else None
        self.chunk = shapes['linear.weight'][1]
        self.dim_z = self.chunk * (self.n_blocks + 1)
        self.ch0 = shapes['blocks.0.0.conv1.weight'][1]
        self.bottom = int(math.sqrt(shapes['linear.weight'][0] // self.ch0))
        self.eps = 1e-5
        if warm:
            with torch.no_grad():
                self.forward(torch.zeros(1, self.dim_z), torch.zeros(1, 1000), 1.0)

    def ccbn_relu(self, x, prefix, cond):
        p = self.p
        x = F.batch_norm(x, p.t(prefix + '.stored_mean', 0), p.t(prefix + '.stored_var', 1), None, None, False, 0.0, self.eps)
        gain = F.linear(cond, p.w(prefix + '.gain'))
        bias = F.linear(cond, p.w(prefix + '.bias'))
        return F.relu(x * (1 + gain[:, :, None, None]) + bias[:, :, None, None])

    def conv(self, x, prefix, pad):
        w = self.p.w(prefix)
        return self.timer(conv_key(w, x), F.conv2d, x, w, self.p.t(prefix + '.bias', 0), 1, pad)

    def block(self, x, i, cond):
        pre = f'blocks.{i}.0'
        h = F.interpolate(self.ccbn_relu(x, pre + '.bn1', cond), scale_factor=2, mode='nearest')
        h = self.conv(h, pre + '.conv1', 1)
        h = self.conv(self.ccbn_relu(h, pre + '.bn2', cond), pre + '.conv2', 1)
        return h + self.conv(F.interpolate(x, scale_factor=2, mode='nearest'), pre + '.conv_sc', 0)

    def attention(self, x, pre):
        names = tuple(f'{pre}.{k}' for k in ('theta', 'phi', 'g', 'o', 'gamma'))
        return self.timer(f'attention C{x.shape[1]} @{x.shape[2]}', self_attention, x, self.p, names)

    def forward(self, z, class_vector, truncation):
        p = self.p
        zs = torch.split(z, self.chunk, 1)
        y = class_vector @ p.t('shared.weight')
        n = z.shape[0]
        h = F.linear(zs[0], p.w('linear'), p.t('linear.bias', 0)).view(n, self.ch0, self.bottom, self.bottom)
        for i in range(self.n_blocks):
            h = self.block(h, i, torch.cat([y, zs[i + 1]], 1))
            if p.has(f'blocks.{i}.1.gamma'):
                h = self.attention(h, f'blocks.{i}.1')
        h = F.batch_norm(h, p.t('output_layer.0.stored_mean', 0), p.t('output_layer.0.stored_var', 1),
                         p.t('output_layer.0.gain', 1), p.t('output_layer.0.bias', 0), False, 0.0, self.eps)
        h = F.relu(h)
        w = p.w('output_layer.2')
        h = self.timer(conv_key(w, h), F.conv2d, h, w, p.t('output_layer.2.bias', 0), 1, 1)
        return torch.tanh(h)

    def inputs(self, batch):
        gen = torch.Generator().manual_seed(7)
        z = (torch.rand(batch, self.dim_z, generator=gen) * 2 - 1) * 0.8
        cls = torch.zeros(batch, 1000)
        cls[torch.arange(batch), (torch.arange(batch) * 97 + 1) % 1000] = 1
        return z, cls, 1.0


class Bench:
    def __init__(self, model, warm=True):
        self.warm = warm
        self.model_name = model
        self.shapes = read_keys(model)
        self.timer = Timer()
        self.nets = {}

    def net(self, variant):
        if variant not in self.nets:
            cls = BigGan if self.model_name.startswith('biggan') else BigGanDeep
            if cls is BigGan and variant == 'rgb3':
                variant = 'folded'  # BigGAN's output layer already has 3 filters
            self.nets[variant] = cls(self.shapes, variant, self.timer, self.warm)
        return self.nets[variant]

    def run(self, batch, variant):
        net = self.net(variant)
        z, cls, trunc = net.inputs(batch)
        c0 = time.process_time()
        t0 = time.perf_counter()
        with torch.no_grad():
            out = net.forward(z, cls, trunc)
        ms = (time.perf_counter() - t0) * 1000
        cpu = (time.process_time() - c0) * 1000
        assert torch.isfinite(out).all()
        return {'ms': ms, 'cpu_ms': cpu}

    def layers(self, batch, variant, runs):
        self.run(batch, variant)
        self.timer.acc.clear()
        self.timer.enabled = True
        total = 0.0
        try:
            for _ in range(runs):
                total += self.run(batch, variant)['ms']
        finally:
            self.timer.enabled = False
        return {'layers': {k: v / runs for k, v in self.timer.acc.items()}, 'total_ms': total / runs}


def blas_in_use():
    """The BLAS torch runs on: the shared objects mapped after a product, and whether it is netlib's
    reference BLAS (Debian's libblas3, ~10x slower than OpenBLAS on the attention products)."""
    a = torch.rand(64, 64)
    torch.mm(a, a)
    libs = set()
    with open('/proc/self/maps') as f:
        for line in f:
            path = line.split()[-1] if len(line.split()) >= 6 else ''
            name = os.path.basename(path)
            if 'blas' in name or 'mkl' in name or 'blis' in name:
                libs.add(os.path.realpath(path))
    real = [l for l in libs if any(k in l for k in ('openblas', 'mkl', 'blis'))]
    return {'libs': sorted(libs), 'reference': not real}


def export_onnx(bench, path, batch):
    """The folded net as ONNX: the same weights and arithmetic the torch side times."""
    net = bench.net('folded')
    z, cls, trunc = net.inputs(batch)

    class Wrapped(torch.nn.Module):
        def forward(self, z, class_vector):
            return net.forward(z, class_vector, trunc)

    torch.onnx.export(Wrapped(), (z, cls), path, opset_version=17, input_names=['z', 'class_vector'],
                      output_names=['image'])
    with torch.no_grad():
        net.forward(z, cls, trunc).numpy().astype('<f4').tofile(path + '.image.f32')  # what ONNX Runtime must give
    z.numpy().astype('<f4').tofile(path + '.z.f32')
    cls.numpy().astype('<f4').tofile(path + '.class_vector.f32')
    meta = {'batch': batch, 'inputs': {'z': list(z.shape), 'class_vector': list(cls.shape)}, 'truncation': trunc, 'model': bench.model_name,
            'torch': torch.__version__, 'opset': 17}
    with open(path + '.json', 'w') as f:
        json.dump(meta, f)
    return meta


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', required=True, choices=sorted(MODELS))
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--serve', action='store_true')
    ap.add_argument('--batches', default='1,8')
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--warmup', type=int, default=1)
    ap.add_argument('--variant', default='folded', choices=['folded', 'rgb3', 'unfolded'])
    ap.add_argument('--export-onnx', metavar='PATH')
    ap.add_argument('--cold', action='store_true',
                    help='no warm-up forward when the net is built (weights are drawn in the first forward): '
                         'with --runs 1 --warmup 0 the process does what one `biggan sample` does')
    ap.add_argument('--batch', type=int, default=1, help='batch size of the exported graph')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_grad_enabled(False)
    bench = Bench(args.model, warm=not args.cold)
    if args.export_onnx:
        print(json.dumps(export_onnx(bench, args.export_onnx, args.batch)))
        return
    info = {'torch': torch.__version__, 'threads': torch.get_num_threads(), 'model': args.model, 'blas': blas_in_use()}
    if args.serve:
        bench.net(args.variant)
        print(json.dumps({'ready': True, **info, 'peak_rss_mb': peak_rss_mb()}), flush=True)
        for line in sys.stdin:
            if not line.strip():
                continue
            req = json.loads(line)
            cmd = req.get('cmd')
            try:
                if cmd == 'run':
                    res = bench.run(req['batch'], req.get('variant', args.variant))
                elif cmd == 'layers':
                    res = bench.layers(req['batch'], req.get('variant', args.variant), req.get('runs', 3))
                elif cmd == 'stats':
                    res = {**info, 'peak_rss_mb': peak_rss_mb()}
                elif cmd == 'quit':
                    break
                else:
                    res = {'error': f'unknown command {cmd}'}
            except Exception as e:  # report, keep serving
                res = {'error': repr(e)}
            print(json.dumps(res), flush=True)
        return
    result = {**info, 'variant': args.variant, 'batches': {}}
    for b in [int(x) for x in args.batches.split(',')]:
        for _ in range(args.warmup):
            bench.run(b, args.variant)
        runs = [bench.run(b, args.variant) for _ in range(args.runs)]
        result['batches'][str(b)] = {
            'ms_per_image': statistics.median(r['ms'] for r in runs) / b,
            'cpu_ms_per_image': statistics.median(r['cpu_ms'] for r in runs) / b,
            'runs_ms': [round(r['ms'], 1) for r in runs],
        }
    result['peak_rss_mb'] = peak_rss_mb()
    print(json.dumps(result, indent=1))


if __name__ == '__main__':
    main()
