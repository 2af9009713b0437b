#!/usr/bin/python3
"""PyTorch eager baseline for `npm run bench` (CPU) and bench/gpu (CUDA, through torch_cuda.py).

BigGAN-deep 128/256/512, BigGAN-128 (BigGAN-PyTorch, ch 96) and DeepMind's TF Hub BigGAN-128
(ivclab's layout), written from shared/docs/REFERENCE.md, float32, eval, no_grad, NCHW as the
reference code runs them. The weights are the tensors of a checkpoint of that layout: drawn at
random with the released shapes (key lists in tests/fixtures/reference/keys), or read from a file
(--checkpoint). --save-checkpoint writes the drawn ones with torch.save, so the other engines of a
benchmark load the very same weights through their own readers; --check-fixture proves that this
code computes the reference's images.

Variants (--variant):
  folded    spectral norm folded into the weights once (the baseline; "0.50 s" in the issue);
            BigGAN-deep keeps the reference's full ch->ch conv_to_rgb and slices 3 channels.
  rgb3      folded, and conv_to_rgb cut to its 3 used filters (the same arithmetic as ours).
  unfolded  the reference as shipped: torch's spectral norm (BigGAN-deep, TF Hub) divides by
            sigma = u.(W v) every forward; BigGAN does one power iteration every forward.

Modes:
  torch_baseline.py --model deep128 --batches 1,8 --runs 5   time and print one JSON object
  torch_baseline.py --model deep128 --serve                   JSON lines on stdin/stdout:
      {"cmd": "run", "batch": 8, "variant": "folded"} -> {"ms": wall ms, "cpu_ms": process cpu ms}
      {"cmd": "layers", "batch": 1, "variant": "folded", "runs": 3} -> {"layers": {key: ms}}
      {"cmd": "stats"} -> {"peak_rss_mb": ..., "threads": ...}
  torch_baseline.py --model deep128 --save-checkpoint out.pt --batch 1   the weights as a
      checkpoint of the reference layout (torch.save, zip), with a case for them (see below)
  torch_baseline.py --model deep128 --export-onnx out.onnx --batch 8   the folded net as ONNX
      (opset 17, this batch size: static shapes, which torch's exporter needs for batch_norm here)
      with a case, for the ONNX Runtime peers (bench/ort_runner.ts)
  torch_baseline.py --check-fixture tests/fixtures/biggan-tfhub   the fixture's checkpoint, run on
      each of its cases: max |ours - reference| per case, as JSON
A case is what another engine needs to check that it computes torch's image on these weights:
shapes and truncation in PATH.json, the inputs in PATH.z.f32 and PATH.class_vector.f32, torch's
image (NCHW) in PATH.image.f32.
--model takes a name below or, with --keys, any key list. The ready line and stats carry "blas":
the BLAS library the process mapped after a matrix product (torch's `linear`/`bmm` go through
libblas.so.3, whatever the alternatives system points it at). Weights are drawn as
bench/random_model.ts draws them (uniform, fan-in scaled), so activations stay in range (no
denormals); torch-style spectral-norm vectors are drawn so that sigma is 1.
"""
import argparse
import json
import math
import os
import resource
import statistics
import sys
import time
from collections import OrderedDict, defaultdict

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS_DIR = os.path.normpath(os.path.join(HERE, '..', 'tests', 'fixtures', 'reference', 'keys'))
MODELS = {
    'deep128': 'keys_biggan-deep-128.tsv',
    'deep256': 'keys_biggan-deep-256.tsv',
    'deep512': 'keys_biggan-deep-512.tsv',
    'biggan128': 'keys_bp-biggan-128-ch96.tsv',
    'tfhub128': 'keys_tfhub-biggan-128.tsv',
}


def read_keys(path):
    """A key list (key, shape, dtype per line), in its order."""
    shapes = OrderedDict()
    with open(path) as f:
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


# The stored name of a spectral-normalised layer's weight, by family.
SN_WEIGHT = {'deep': '.weight_orig', 'tfhub': '.weight_orig', 'biggan': '.weight'}
SN_EPS = 1e-6  # BigGAN-PyTorch's SN_eps in its released ImageNet model


def family_of(shapes):
    if 'generator.gen_z.weight_orig' in shapes:
        return 'deep'
    if 'g_z.g_linear.weight_orig' in shapes:
        return 'tfhub'
    if 'blocks.0.0.conv1.weight' in shapes:
        return 'biggan'
    raise ValueError('not a BigGAN-deep, BigGAN-PyTorch or TF Hub BigGAN state_dict')


def sn_matrix(w, family):
    """The matrix torch's spectral norm was taken over: [out, rest]; TF Hub's convs in TF's
    [kh, kw, in] order."""
    if family == 'tfhub' and w.dim() == 4:
        w = w.permute(0, 2, 3, 1)
    return w.reshape(w.shape[0], -1)


def default_tensor(key, shape):
    """A buffer no forward reads (counters, training-time statistics, logs), as a fresh model has it."""
    if key.endswith('num_batches_tracked'):
        return torch.zeros(shape, dtype=torch.int64)
    ones = ('running_var', 'running_vars', 'standing_vars', 'stored_var', '.sv0')
    return torch.ones(shape) if key.endswith(ones) else torch.zeros(shape)


class Params:
    """The stored tensors of one checkpoint, drawn (seeded) as the forward first asks for them or
    read from a state_dict, and the effective weights the reference computes from them."""

    def __init__(self, shapes, family, unfolded, state=None, seed=1234):
        self.shapes = shapes
        self.family = family
        self.unfolded = unfolded
        self.gen = torch.Generator().manual_seed(seed)
        self.stored = {} if state is None else {k: v.float() if v.is_floating_point() else v for k, v in state.items()}
        self.effective = {}

    def draw_sn(self, prefix):
        key = prefix + SN_WEIGHT[self.family]
        w = rand_weight(self.shapes[key], self.gen)
        self.stored[key] = w
        if self.family == 'biggan':
            self.stored[prefix + '.u0'] = torch.randn(1, w.shape[0], generator=self.gen)
            self.stored[prefix + '.sv0'] = torch.ones(1)
        else:
            mat = sn_matrix(w, self.family)
            v = torch.randn(mat.shape[1], generator=self.gen)
            v = v / v.norm()
            wv = mat @ v
            self.stored[prefix + '.weight_u'] = wv / wv.dot(wv)  # u.(W v) == 1: the drawn scale stays
            self.stored[prefix + '.weight_v'] = v

    def sigma(self, prefix):
        s = self.stored
        if self.family == 'biggan':  # one power step from u0, every forward (its own SN)
            mat = s[prefix + '.weight'].reshape(s[prefix + '.weight'].shape[0], -1)
            v = s[prefix + '.u0'] @ mat
            v = v / max(v.norm(), SN_EPS)
            u = v @ mat.t()
            u = u / max(u.norm(), SN_EPS)
            return (v @ mat.t() @ u.t()).squeeze()
        mat = sn_matrix(s[prefix + '.weight_orig'], self.family)
        return torch.dot(s[prefix + '.weight_u'], torch.mv(mat, s[prefix + '.weight_v']))

    def w(self, prefix):
        """Spectral-normalised weight of a layer (linear or conv) by its prefix."""
        key = prefix + SN_WEIGHT[self.family]
        if key not in self.stored:
            self.draw_sn(prefix)
        if self.family == 'tfhub' and prefix + '.weight_v' not in self.stored:
            return self.stored[prefix + '.weight']  # the pre-spectral-norm-v form: already divided
        if self.unfolded:
            return self.stored[key] / self.sigma(prefix)
        if prefix not in self.effective:
            self.effective[prefix] = self.stored[key] / self.sigma(prefix)
        return self.effective[prefix]

    def t(self, key, fill=None):
        if key not in self.stored:
            shape = self.shapes[key]
            self.stored[key] = rand_weight(shape, self.gen) if fill is None else torch.full(shape, float(fill))
        return self.stored[key]

    def has(self, key):
        return key in self.shapes

    def state_dict(self):
        """Every key of the layout in the key list's order, as torch.save writes a checkpoint."""
        for key, shape in self.shapes.items():
            if key not in self.stored:
                self.stored[key] = default_tensor(key, shape)
        return OrderedDict((k, self.stored[k]) for k in self.shapes)


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


class Net:
    """What the three generators share: SN convs with bias, and conditional batch norm + ReLU."""

    def conv(self, x, prefix, pad):
        w = self.p.w(prefix)
        return self.timer(conv_key(w, x), F.conv2d, x, w, self.p.t(prefix + '.bias', 0), 1, pad)

    def attention(self, x, names):
        """SAGAN attention; names = the theta, phi, g, o weights' prefixes and gamma's key."""
        return self.timer(f'attention C{x.shape[1]} @{x.shape[2]}', self_attention, x, self.p, names)

    def cond_bn_relu(self, x, mean, var, cond, gain, bias):
        """(x - mean) / sqrt(var + eps) * (1 + gain(cond)) + bias(cond), then ReLU."""
        x = F.batch_norm(x, mean, var, None, None, False, 0.0, self.eps)
        g = F.linear(cond, self.p.w(gain))
        b = F.linear(cond, self.p.w(bias))
        return F.relu(x * (1 + g[:, :, None, None]) + b[:, :, None, None])


def bench_inputs(batch, dim_z, truncation):
    """Deterministic inputs: z uniform in +-0.8, one class per image, and the model's truncation."""
    gen = torch.Generator().manual_seed(7)
    z = (torch.rand(batch, dim_z, generator=gen) * 2 - 1) * 0.8
    cls = torch.zeros(batch, 1000)
    cls[torch.arange(batch), (torch.arange(batch) * 97 + 1) % 1000] = 1
    return z, cls, truncation


class BigGanDeep(Net):
    def __init__(self, p, variant, timer, warm=True):
        shapes = p.shapes
        self.p = p
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
        return self.cond_bn_relu(x, mean, var, cond, prefix + '.scale', prefix + '.offset')

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
                pre = f'generator.layers.{i}'
                names = tuple(f'{pre}.snconv1x1_{k}' for k in ('theta', 'phi', 'g', 'o_conv')) + (pre + '.gamma',)
                h = self.attention(h, names)
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
        return bench_inputs(batch, 128, 0.5)


class BigGan(Net):
    def __init__(self, p, variant, timer, warm=True):
        shapes = p.shapes
        self.p = p
        self.timer = timer
        p = self.p
        self.n_blocks = 0
        while p.has(f'blocks.{self.n_blocks}.0.conv1.weight'):
            self.n_blocks += 1
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
        return self.cond_bn_relu(x, p.t(prefix + '.stored_mean', 0), p.t(prefix + '.stored_var', 1), cond,
                                 prefix + '.gain', prefix + '.bias')

    def block(self, x, i, cond):
        pre = f'blocks.{i}.0'
        h = F.interpolate(self.ccbn_relu(x, pre + '.bn1', cond), scale_factor=2, mode='nearest')
        h = self.conv(h, pre + '.conv1', 1)
        h = self.conv(self.ccbn_relu(h, pre + '.bn2', cond), pre + '.conv2', 1)
        return h + self.conv(F.interpolate(x, scale_factor=2, mode='nearest'), pre + '.conv_sc', 0)

    def forward(self, z, class_vector, truncation):
        p = self.p
        zs = torch.split(z, self.chunk, 1)
        y = class_vector @ p.t('shared.weight')
        n = z.shape[0]
        h = F.linear(zs[0], p.w('linear'), p.t('linear.bias', 0)).view(n, self.ch0, self.bottom, self.bottom)
        for i in range(self.n_blocks):
            h = self.block(h, i, torch.cat([y, zs[i + 1]], 1))
            if p.has(f'blocks.{i}.1.gamma'):
                h = self.attention(h, tuple(f'blocks.{i}.1.{k}' for k in ('theta', 'phi', 'g', 'o', 'gamma')))
        h = F.batch_norm(h, p.t('output_layer.0.stored_mean', 0), p.t('output_layer.0.stored_var', 1),
                         p.t('output_layer.0.gain', 1), p.t('output_layer.0.bias', 0), False, 0.0, self.eps)
        h = F.relu(h)
        w = p.w('output_layer.2')
        h = self.timer(conv_key(w, h), F.conv2d, h, w, p.t('output_layer.2.bias', 0), 1, 1)
        return torch.tanh(h)

    def inputs(self, batch):
        return bench_inputs(batch, self.dim_z, 1.0)


def tfhub_block_key(i):
    return 'gblock' if i == 0 else f'gblock_{i}'


class TfHubBigGan(Net):
    """DeepMind's BigGAN as ivclab converted it from TF Hub: NHWC g_z, each block conditioned on
    [its z chunk, class embedding], every batch norm on the standing statistics of the truncation."""

    def __init__(self, p, variant, timer, warm=True):
        shapes = p.shapes
        self.p = p
        self.timer = timer
        self.n_blocks = 0
        while p.has(f'{tfhub_block_key(self.n_blocks)}.conv0.bias'):
            self.n_blocks += 1
        self.chunk = shapes['g_z.g_linear.weight_orig'][1]
        self.dim_z = self.chunk * (self.n_blocks + 1)
        self.ch = shapes['conv_2d.weight_orig'][1]
        self.n_stats = shapes['scaledcrossreplicabn.standing_means'][0]
        # The attention follows the first block whose output is as wide as the attention's input.
        width = shapes['attention.theta.weight_orig'][1]
        self.attn_after = next(i for i in range(self.n_blocks)
                               if shapes[f'{tfhub_block_key(i)}.conv1.bias'][0] == width)
        self.eps = 1e-4
        if warm:
            with torch.no_grad():
                self.forward(torch.zeros(1, self.dim_z), torch.zeros(1, 1000), 0.5)

    def stats(self, prefix, truncation):
        """Row i holds t = (i + 1) / rows: that row on a grid point, else a linear blend of the two
        rows around t (not ivclab's lookup, which is one row off for some t)."""
        means = self.p.t(prefix + '.standing_means', 0)
        var = self.p.t(prefix + '.standing_vars', 1)
        q = truncation * self.n_stats
        nearest = round(q)
        if abs(q - nearest) < 1e-9 * self.n_stats and 1 <= nearest <= self.n_stats:
            return means[nearest - 1], var[nearest - 1]
        lower = math.floor(q)
        frac = q - lower
        return (means[lower - 1] * (1 - frac) + means[lower] * frac,
                var[lower - 1] * (1 - frac) + var[lower] * frac)

    def hyper_bn_relu(self, x, prefix, cond, truncation):
        mean, var = self.stats(prefix + '.crossreplicabn', truncation)
        return self.cond_bn_relu(x, mean, var, cond, prefix + '.gamma', prefix + '.beta')

    def block(self, x, i, cond, truncation):
        pre = tfhub_block_key(i)
        h = F.interpolate(self.hyper_bn_relu(x, pre + '.hyperbn', cond, truncation), scale_factor=2, mode='nearest')
        h = self.conv(h, pre + '.conv0', 1)
        h = self.conv(self.hyper_bn_relu(h, pre + '.hyperbn_1', cond, truncation), pre + '.conv1', 1)
        return h + self.conv(F.interpolate(x, scale_factor=2, mode='nearest'), pre + '.conv_sc', 0)

    def forward(self, z, class_vector, truncation):
        p = self.p
        zs = torch.split(z, self.chunk, 1)
        embed = class_vector @ p.t('linear.weight')
        n = z.shape[0]
        h = F.linear(zs[0], p.w('g_z.g_linear'), p.t('g_z.g_linear.bias', 0))
        h = h.view(n, 4, 4, 16 * self.ch).permute(0, 3, 1, 2).contiguous()
        for i in range(self.n_blocks):
            h = self.block(h, i, torch.cat([zs[i + 1], embed], 1), truncation)
            if i == self.attn_after:
                h = self.attention(h, tuple(f'attention.{k}' for k in ('theta', 'phi', 'g', 'o_conv', 'gamma')))
        mean, var = self.stats('scaledcrossreplicabn', truncation)
        h = F.batch_norm(h, mean, var, p.t('scaledcrossreplicabn.weight', 1), p.t('scaledcrossreplicabn.bias', 0),
                         False, 0.0, self.eps)
        h = F.relu(h)
        w = p.w('conv_2d')
        h = self.timer(conv_key(w, h), F.conv2d, h, w, p.t('conv_2d.bias', 0), 1, 1)
        return torch.tanh(h)

    def inputs(self, batch):
        return bench_inputs(batch, self.dim_z, 0.5)


NETS = {'deep': BigGanDeep, 'biggan': BigGan, 'tfhub': TfHubBigGan}


class Bench:
    """The nets of one model, by variant, on the same stored tensors: drawn from a key list, or a
    state_dict read from a checkpoint."""

    def __init__(self, keys_path=None, state=None, warm=True):
        self.warm = warm
        self.state = state
        self.shapes = read_keys(keys_path) if state is None else OrderedDict((k, list(v.shape)) for k, v in state.items())
        self.family = family_of(self.shapes)
        self.model_name = os.path.basename(keys_path) if keys_path else 'checkpoint'
        self.timer = Timer()
        self.nets = {}

    def net(self, variant):
        if variant not in self.nets:
            if self.family != 'deep' and variant == 'rgb3':
                variant = 'folded'  # these output layers already have 3 filters
            p = Params(self.shapes, self.family, variant == 'unfolded', self.state)
            self.nets[variant] = NETS[self.family](p, variant, self.timer, self.warm)
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


def write_case(bench, path, batch, extra=None):
    """The inputs of a batch and torch's image for them, beside PATH (see the module's doc)."""
    net = bench.net('folded')
    z, cls, trunc = net.inputs(batch)
    with torch.no_grad():
        net.forward(z, cls, trunc).numpy().astype('<f4').tofile(path + '.image.f32')
    z.numpy().astype('<f4').tofile(path + '.z.f32')
    cls.numpy().astype('<f4').tofile(path + '.class_vector.f32')
    meta = {'batch': batch, 'inputs': {'z': list(z.shape), 'class_vector': list(cls.shape)}, 'truncation': trunc,
            'model': bench.model_name, 'torch': torch.__version__, **(extra or {})}
    with open(path + '.json', 'w') as f:
        json.dump(meta, f)
    return meta


def export_onnx(bench, path, batch):
    """The folded net as ONNX: the same weights and arithmetic the torch side times."""
    net = bench.net('folded')
    z, cls, trunc = net.inputs(batch)

    class Wrapped(torch.nn.Module):
        def forward(self, z, class_vector):
            return net.forward(z, class_vector, trunc)

    torch.onnx.export(Wrapped(), (z, cls), path, opset_version=17, input_names=['z', 'class_vector'],
                      output_names=['image'])
    return write_case(bench, path, batch, {'opset': 17})


def save_checkpoint(bench, path, batch):
    """The stored tensors as a checkpoint of the reference layout (torch.save's zip container)."""
    torch.save(bench.net('folded').p.state_dict(), path)
    return write_case(bench, path, batch, {'checkpoint': os.path.basename(path), 'family': bench.family})


def check_fixture(fixture_dir):
    """Runs a fixture's checkpoint on its cases: max |this net - the reference's out_nchw.npy|."""
    import numpy as np
    files = sorted(f for f in os.listdir(fixture_dir) if f.endswith(('.pt', '.pth', '.bin')))
    if not files:
        raise SystemExit(f'{fixture_dir}: no checkpoint (.pt, .pth, .bin) in it')
    state = torch.load(os.path.join(fixture_dir, files[0]), map_location='cpu')
    bench = Bench(state=state)
    result = {'fixture': os.path.basename(os.path.normpath(fixture_dir)), 'checkpoint': files[0],
              'family': bench.family, 'cases': {}}
    cases = os.path.join(fixture_dir, 'cases')
    for name in sorted(os.listdir(cases)):
        case = os.path.join(cases, name)
        meta_path = os.path.join(case, 'case.json')
        truncation = json.load(open(meta_path)).get('truncation', 1.0) if os.path.exists(meta_path) else 1.0
        z = torch.from_numpy(np.load(os.path.join(case, 'z.npy'))).float()
        cls = torch.from_numpy(np.load(os.path.join(case, 'class.npy'))).float()
        ref = torch.from_numpy(np.load(os.path.join(case, 'out_nchw.npy'))).float()
        for variant in ('folded', 'unfolded'):
            with torch.no_grad():
                out = bench.net(variant).forward(z, cls, truncation)
            result['cases'].setdefault(name, {})[variant] = (out - ref).abs().max().item()
    return result


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', choices=sorted(MODELS), help='a model of the released shapes, drawn at random')
    ap.add_argument('--keys', metavar='TSV', help='or a key list of any size to draw from')
    ap.add_argument('--checkpoint', metavar='PATH', help='or the weights of a checkpoint (torch.load)')
    ap.add_argument('--save-checkpoint', metavar='PATH')
    ap.add_argument('--check-fixture', metavar='DIR')
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
    ap.add_argument('--batch', type=int, default=1, help='batch size of the exported graph or saved case')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_grad_enabled(False)
    if args.check_fixture:
        print(json.dumps(check_fixture(args.check_fixture)))
        return
    if args.checkpoint:
        bench = Bench(state=torch.load(args.checkpoint, map_location='cpu'), warm=not args.cold)
    elif args.keys or args.model:
        bench = Bench(args.keys or os.path.join(KEYS_DIR, MODELS[args.model]), warm=not args.cold)
    else:
        ap.error('give --model, --keys, --checkpoint or --check-fixture')
    if args.model:
        bench.model_name = args.model
    if args.save_checkpoint:
        print(json.dumps(save_checkpoint(bench, args.save_checkpoint, args.batch)))
        return
    if args.export_onnx:
        print(json.dumps(export_onnx(bench, args.export_onnx, args.batch)))
        return
    info = {'torch': torch.__version__, 'threads': torch.get_num_threads(), 'model': bench.model_name, 'blas': blas_in_use()}
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
