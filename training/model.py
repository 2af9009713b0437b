"""BigGAN generator (hierarchical latent) and a projection discriminator.

Written from the BigGAN paper (Brock et al., 2019) and the project's description in
shared/docs/REFERENCE.md. The generator's state_dict uses the BigGAN-PyTorch layout exactly
(`shared.weight`, `linear.*`, `blocks.{i}.0.*`, `blocks.{i}.1.*`, `output_layer.{0,2}.*`), so a
checkpoint of that family loads into it and our exported model loads into the app's loader.

Notes on the pieces:
- Spectral norm keeps the raw weight plus buffers `u0` [1, out] and `sv0` [1]. Every forward
  (eval included) does one power step from u0; u0/sv0 are only written back in train mode.
  The power step and sigma run in float32 even under bf16 autocast.
- Class-conditional BN keeps `stored_mean`/`stored_var`; train mode normalises with batch stats
  and updates the stored ones with momentum 0.1; eval uses the stored ones. "Standing
  statistics" (see `standing_stats`) recompute them as a plain average of batch statistics over
  many train-mode forward passes.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F


# --------------------------------------------------------------------------------------------
# Spectral normalisation
# --------------------------------------------------------------------------------------------

def _normalize(x, eps):
    return x / torch.clamp(x.norm(dim=1, keepdim=True), min=eps)


class _SpectralNormMixin:
    """Adds u0/sv0 buffers and `sn_weight()` to a module that owns `self.weight`."""

    def _init_sn(self, num_outputs, eps):
        self.sn_eps = eps
        self.register_buffer('u0', torch.randn(1, num_outputs))
        self.register_buffer('sv0', torch.ones(1))

    def sn_weight(self):
        with torch.autocast('cpu', enabled=False):
            w = self.weight.float()
            w_mat = w.reshape(w.shape[0], -1)
            with torch.no_grad():
                v = _normalize(self.u0 @ w_mat, self.sn_eps)
                u = _normalize(v @ w_mat.t(), self.sn_eps)
            sigma = ((v @ w_mat.t()) @ u.t()).squeeze()
            if self.training:
                with torch.no_grad():
                    self.u0.copy_(u)
                    self.sv0.copy_(sigma.detach().reshape(1))
            return w / sigma


class SNConv2d(nn.Conv2d, _SpectralNormMixin):
    def __init__(self, in_ch, out_ch, kernel_size=3, padding=None, bias=True, sn_eps=1e-6):
        if padding is None:
            padding = kernel_size // 2
        super().__init__(in_ch, out_ch, kernel_size, padding=padding, bias=bias)
        self._init_sn(out_ch, sn_eps)

    def forward(self, x):
        return F.conv2d(x, self.sn_weight(), self.bias, self.stride, self.padding)


class SNLinear(nn.Linear, _SpectralNormMixin):
    def __init__(self, in_f, out_f, bias=True, sn_eps=1e-6):
        super().__init__(in_f, out_f, bias=bias)
        self._init_sn(out_f, sn_eps)

    def forward(self, x):
        return F.linear(x, self.sn_weight(), self.bias)


class SNEmbedding(nn.Embedding, _SpectralNormMixin):
    def __init__(self, num, dim, sn_eps=1e-6):
        super().__init__(num, dim)
        self._init_sn(num, sn_eps)

    def forward(self, idx):
        return F.embedding(idx, self.sn_weight())


# --------------------------------------------------------------------------------------------
# Batch norm with stored statistics
# --------------------------------------------------------------------------------------------

class _StoredStatsBN(nn.Module):
    """Base: keeps stored_mean/stored_var and supports standing-statistics accumulation."""

    def _init_stats(self, ch, eps, momentum):
        self.eps = eps
        self.momentum = momentum
        self.register_buffer('stored_mean', torch.zeros(ch))
        self.register_buffer('stored_var', torch.ones(ch))
        self.accumulating = False
        self._acc_n = 0

    def start_accumulating(self):
        self.accumulating = True
        self._acc_n = 0
        self.stored_mean.zero_()
        self.stored_var.zero_()

    def stop_accumulating(self):
        if self._acc_n > 0:
            self.stored_mean.div_(self._acc_n)
            self.stored_var.div_(self._acc_n)
        else:
            self.stored_var.fill_(1.0)
        self.accumulating = False
        self._acc_n = 0

    def batch_stats(self, x):
        """Per-channel mean and (biased) variance of x in float32; updates the stored stats
        (momentum, or accumulation for standing stats) in train mode."""
        if not self.training:
            return self.stored_mean, self.stored_var
        var, mean = torch.var_mean(x, dim=(0, 2, 3), unbiased=False)
        mean, var = mean.float(), var.float()
        with torch.no_grad():
            n = x.numel() / x.shape[1]
            unbiased = var * (n / max(n - 1, 1))
            if self.accumulating:
                self.stored_mean.add_(mean)
                self.stored_var.add_(unbiased)
                self._acc_n += 1
            else:
                self.stored_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
                self.stored_var.mul_(1 - self.momentum).add_(self.momentum * unbiased)
        return mean, var

    def apply(self, x, gain, bias):
        """(x - mean) / sqrt(var + eps) * gain + bias as one scale-and-shift per (n, c).
        gain/bias: [C] or [N, C] float32. Computed in x's dtype (bf16 under autocast)."""
        mean, var = self.batch_stats(x)
        inv = torch.rsqrt(var + self.eps)
        scale = gain * inv
        shift = bias - mean * scale
        if scale.ndim == 1:
            scale, shift = scale[None], shift[None]
        scale = scale[:, :, None, None].to(x.dtype)
        shift = shift[:, :, None, None].to(x.dtype)
        return torch.addcmul(shift, x, scale)


class ConditionalBN(_StoredStatsBN):
    """ccbn: BN without affine, then * (1 + gain(c)) + bias(c); gain/bias are SN Linear."""

    def __init__(self, ch, cond_dim, eps=1e-5, sn_eps=1e-6, momentum=0.1):
        super().__init__()
        self._init_stats(ch, eps, momentum)
        self.gain = SNLinear(cond_dim, ch, bias=False, sn_eps=sn_eps)
        self.bias = SNLinear(cond_dim, ch, bias=False, sn_eps=sn_eps)

    def forward(self, x, c):
        return self.apply(x, 1.0 + self.gain(c).float(), self.bias(c).float())


class PlainBN(_StoredStatsBN):
    """Unconditional BN with parameters `gain`, `bias` (BigGAN-PyTorch `bn`)."""

    def __init__(self, ch, eps=1e-5, momentum=0.1):
        super().__init__()
        self.gain = nn.Parameter(torch.ones(ch))
        self.bias = nn.Parameter(torch.zeros(ch))
        self._init_stats(ch, eps, momentum)

    def forward(self, x):
        return self.apply(x, self.gain.float(), self.bias.float())


# --------------------------------------------------------------------------------------------
# Self-attention (SAGAN style, as used by BigGAN)
# --------------------------------------------------------------------------------------------

class Attention(nn.Module):
    def __init__(self, ch, sn_eps=1e-6):
        super().__init__()
        self.ch = ch
        self.gamma = nn.Parameter(torch.tensor(0.0))
        self.theta = SNConv2d(ch, ch // 8, 1, padding=0, bias=False, sn_eps=sn_eps)
        self.phi = SNConv2d(ch, ch // 8, 1, padding=0, bias=False, sn_eps=sn_eps)
        self.g = SNConv2d(ch, ch // 2, 1, padding=0, bias=False, sn_eps=sn_eps)
        self.o = SNConv2d(ch // 2, ch, 1, padding=0, bias=False, sn_eps=sn_eps)

    def forward(self, x):
        n, c, h, w = x.shape
        theta = self.theta(x).reshape(n, c // 8, h * w)
        phi = F.max_pool2d(self.phi(x), 2).reshape(n, c // 8, h * w // 4)
        g = F.max_pool2d(self.g(x), 2).reshape(n, c // 2, h * w // 4)
        beta = torch.softmax(torch.bmm(theta.transpose(1, 2), phi).float(), dim=-1)
        attn = torch.bmm(g, beta.to(g.dtype).transpose(1, 2)).reshape(n, c // 2, h, w)
        return x + self.gamma * self.o(attn)


# --------------------------------------------------------------------------------------------
# Generator
# --------------------------------------------------------------------------------------------

def g_arch(ch, resolution):
    """(in_channels, out_channels, output resolutions) for BigGAN-PyTorch's G archs."""
    table = {
        32: ([4, 4, 4], [4, 4, 4]),
        64: ([16, 16, 8, 4], [16, 8, 4, 2]),
        128: ([16, 16, 8, 4, 2], [16, 8, 4, 2, 1]),
        256: ([16, 16, 8, 8, 4, 2], [16, 8, 8, 4, 2, 1]),
        512: ([16, 16, 8, 8, 4, 2, 1], [16, 8, 8, 4, 2, 1, 1]),
    }
    ins, outs = table[resolution]
    res = [8 * 2 ** i for i in range(len(ins))]
    return [ch * m for m in ins], [ch * m for m in outs], res


class GBlock(nn.Module):
    def __init__(self, in_ch, out_ch, cond_dim, bn_eps, sn_eps):
        super().__init__()
        self.conv1 = SNConv2d(in_ch, out_ch, 3, sn_eps=sn_eps)
        self.conv2 = SNConv2d(out_ch, out_ch, 3, sn_eps=sn_eps)
        self.conv_sc = SNConv2d(in_ch, out_ch, 1, padding=0, sn_eps=sn_eps)
        self.bn1 = ConditionalBN(in_ch, cond_dim, eps=bn_eps, sn_eps=sn_eps)
        self.bn2 = ConditionalBN(out_ch, cond_dim, eps=bn_eps, sn_eps=sn_eps)

    def forward(self, x, c):
        h = F.relu(self.bn1(x, c))
        h = F.interpolate(h, scale_factor=2, mode='nearest')
        x = F.interpolate(x, scale_factor=2, mode='nearest')
        h = self.conv1(h)
        h = F.relu(self.bn2(h, c))
        h = self.conv2(h)
        return h + self.conv_sc(x)


class Generator(nn.Module):
    """G(z[N, dim_z], y_emb[N, shared_dim]) -> images [N, 3, R, R] in [-1, 1]."""

    def __init__(self, G_ch=32, dim_z=120, resolution=32, shared_dim=128, n_classes=10,
                 attn='16', BN_eps=1e-5, SN_eps=1e-6, bottom_width=4, init='ortho', **_unused):
        super().__init__()
        ins, outs, res = g_arch(G_ch, resolution)
        self.config = dict(G_ch=G_ch, dim_z=dim_z, resolution=resolution, shared_dim=shared_dim,
                           n_classes=n_classes, G_attn=str(attn), BN_eps=BN_eps, SN_eps=SN_eps,
                           bottom_width=bottom_width, hier=True, G_shared=True)
        self.dim_z = dim_z
        self.bottom_width = bottom_width
        self.num_slots = len(ins) + 1
        assert dim_z % self.num_slots == 0, 'dim_z must split evenly over the blocks + 1'
        self.z_chunk = dim_z // self.num_slots
        attn_res = {int(a) for a in str(attn).split('_') if a and a != '0'}
        cond_dim = shared_dim + self.z_chunk

        self.shared = nn.Embedding(n_classes, shared_dim)
        self.linear = SNLinear(self.z_chunk, ins[0] * bottom_width ** 2, sn_eps=SN_eps)
        blocks = []
        for i in range(len(ins)):
            layer = [GBlock(ins[i], outs[i], cond_dim, BN_eps, SN_eps)]
            if res[i] in attn_res:
                layer.append(Attention(outs[i], sn_eps=SN_eps))
            blocks.append(nn.ModuleList(layer))
        self.blocks = nn.ModuleList(blocks)
        self.output_layer = nn.Sequential(
            PlainBN(outs[-1], eps=BN_eps),
            nn.ReLU(),
            SNConv2d(outs[-1], 3, 3, sn_eps=SN_eps),
        )
        if init == 'ortho':
            self.init_weights()

    def init_weights(self):
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear, nn.Embedding)):
                nn.init.orthogonal_(m.weight)
                if getattr(m, 'bias', None) is not None and isinstance(m.bias, nn.Parameter):
                    nn.init.zeros_(m.bias)

    def forward(self, z, y_emb):
        zs = torch.split(z, self.z_chunk, dim=1)
        h = self.linear(zs[0])
        h = h.reshape(z.shape[0], -1, self.bottom_width, self.bottom_width)
        for i, layer in enumerate(self.blocks):
            c = torch.cat([y_emb, zs[i + 1]], dim=1)
            h = layer[0](h, c)
            for extra in layer[1:]:
                h = extra(h)
        return torch.tanh(self.output_layer(h).float())

    def sample(self, z, labels):
        return self(z, self.shared(labels))


# --------------------------------------------------------------------------------------------
# Discriminator (BigGAN D: pre-activation ResBlocks, SN everywhere, projection head)
# --------------------------------------------------------------------------------------------

def d_arch(ch, resolution):
    """(in_channels, out_channels, downsample, resolution after block) as in BigGAN-PyTorch."""
    if resolution == 32:
        return ([3, 4 * ch, 4 * ch, 4 * ch], [4 * ch] * 4, [True, True, False, False],
                [16, 8, 8, 8])
    if resolution == 64:
        m = [1, 2, 4, 8, 16]
        return ([3] + [ch * x for x in m[:-1]], [ch * x for x in m], [True] * 4 + [False],
                [32, 16, 8, 4, 4])
    raise ValueError('D arch only for 32 and 64 px here')


class DBlock(nn.Module):
    def __init__(self, in_ch, out_ch, downsample, preactivation, sn_eps):
        super().__init__()
        self.downsample = downsample
        self.preactivation = preactivation
        self.conv1 = SNConv2d(in_ch, out_ch, 3, sn_eps=sn_eps)
        self.conv2 = SNConv2d(out_ch, out_ch, 3, sn_eps=sn_eps)
        self.learnable_sc = in_ch != out_ch or downsample
        if self.learnable_sc:
            self.conv_sc = SNConv2d(in_ch, out_ch, 1, padding=0, sn_eps=sn_eps)

    def shortcut(self, x):
        if self.preactivation:
            if self.learnable_sc:
                x = self.conv_sc(x)
            if self.downsample:
                x = F.avg_pool2d(x, 2)
        else:
            if self.downsample:
                x = F.avg_pool2d(x, 2)
            if self.learnable_sc:
                x = self.conv_sc(x)
        return x

    def forward(self, x):
        h = F.relu(x) if self.preactivation else x
        h = self.conv1(h)
        h = self.conv2(F.relu(h))
        if self.downsample:
            h = F.avg_pool2d(h, 2)
        return h + self.shortcut(x)


class Discriminator(nn.Module):
    def __init__(self, D_ch=32, resolution=32, n_classes=10, attn='0', SN_eps=1e-6,
                 init='ortho'):
        super().__init__()
        ins, outs, down, res = d_arch(D_ch, resolution)
        attn_res = {int(a) for a in str(attn).split('_') if a and a != '0'}
        blocks = []
        for i in range(len(ins)):
            layer = [DBlock(ins[i], outs[i], down[i], preactivation=i > 0, sn_eps=SN_eps)]
            if res[i] in attn_res:
                layer.append(Attention(outs[i], sn_eps=SN_eps))
            blocks.append(nn.ModuleList(layer))
        self.blocks = nn.ModuleList(blocks)
        self.linear = SNLinear(outs[-1], 1, sn_eps=SN_eps)
        self.embed = SNEmbedding(n_classes, outs[-1], sn_eps=SN_eps)
        if init == 'ortho':
            for m in self.modules():
                if isinstance(m, (nn.Conv2d, nn.Linear, nn.Embedding)):
                    nn.init.orthogonal_(m.weight)
                    if getattr(m, 'bias', None) is not None:
                        nn.init.zeros_(m.bias)

    def forward(self, x, y):
        h = x
        for layer in self.blocks:
            for m in layer:
                h = m(h)
        h = torch.sum(F.relu(h), dim=(2, 3)).float()
        out = self.linear(h).float()
        out = out + torch.sum(self.embed(y).float() * h, dim=1, keepdim=True)
        return out.squeeze(1)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

def bn_modules(model):
    return [m for m in model.modules() if isinstance(m, _StoredStatsBN)]


@torch.no_grad()
def standing_stats(G, n_passes=16, batch_size=64, n_classes=10, truncation=1.0, seed=0,
                   autocast=False):
    """Recompute every stored_mean/stored_var as the average of batch statistics over
    `n_passes` train-mode forward passes with random z (std normal scaled by `truncation`)
    and uniformly random classes. Leaves G in eval mode; SN vectors are not touched."""
    gen = torch.Generator().manual_seed(seed)
    was_training = G.training
    G.train()
    # Keep SN u0/sv0 as they are: run SN layers in eval mode during the passes.
    sn_layers = [m for m in G.modules() if isinstance(m, _SpectralNormMixin)]
    for m in sn_layers:
        m.training = False
    bns = bn_modules(G)
    for m in bns:
        m.start_accumulating()
    for _ in range(n_passes):
        z = torch.randn(batch_size, G.dim_z, generator=gen) * truncation
        y = torch.randint(0, n_classes, (batch_size,), generator=gen)
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=autocast):
            G.sample(z, y)
    for m in bns:
        m.stop_accumulating()
    G.train(was_training)
    G.eval()
    return G


def truncated_normal(shape, threshold=2.0, generator=None):
    """Standard normal resampled until every value lies within +-threshold."""
    z = torch.randn(shape, generator=generator)
    while True:
        bad = z.abs() > threshold
        k = int(bad.sum())
        if k == 0:
            return z
        z[bad] = torch.randn(k, generator=generator)


def ortho_reg(model, strength=1e-4, blacklist=()):
    """BigGAN's off-diagonal orthogonal regularisation, applied as a direct gradient update:
    grad += strength * 2 * ((W W^T) * (1 - I)) W for every weight with ndim >= 2."""
    with torch.no_grad():
        for p in model.parameters():
            if p.ndim < 2 or p.grad is None or any(p is b for b in blacklist):
                continue
            w = p.reshape(p.shape[0], -1)
            ww = w @ w.t()
            ww.fill_diagonal_(0.0)
            p.grad.add_(2.0 * strength * (ww @ w).reshape(p.shape))
