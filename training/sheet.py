"""Sample sheets: a class x seed grid of generator outputs written as PNG."""
import struct
import zlib

import numpy as np
import torch

from model import truncated_normal


def grid_z(n_seeds, dim_z, truncation=1.0, seed=1234):
    """Fixed latents: column j uses the same z for every class row."""
    g = torch.Generator().manual_seed(seed)
    return truncated_normal((n_seeds, dim_z), 2.0, g) * truncation


@torch.no_grad()
def render(G, n_classes=10, n_seeds=10, truncation=1.0, seed=1234, pad=2):
    """Returns a uint8 [H, W] grey grid (mean of the 3 channels): row = class, column = seed."""
    z = grid_z(n_seeds, G.dim_z, truncation, seed)
    z = z.repeat(n_classes, 1)
    y = torch.arange(n_classes).repeat_interleave(n_seeds)
    imgs = G.sample(z, y).float().mean(1)  # [N, R, R]
    r = imgs.shape[-1]
    out = np.zeros((pad + n_classes * (r + pad), pad + n_seeds * (r + pad)), dtype=np.uint8)
    px = ((imgs.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).numpy()
    for i in range(n_classes):
        for j in range(n_seeds):
            top, left = pad + i * (r + pad), pad + j * (r + pad)
            out[top:top + r, left:left + r] = px[i * n_seeds + j]
    return out


def write_png(path, grey, scale=1):
    if scale > 1:
        grey = np.kron(grey, np.ones((scale, scale), dtype=np.uint8))
    try:
        from PIL import Image
        Image.fromarray(grey, mode='L').save(path, optimize=True)
        return
    except ImportError:
        pass
    h, w = grey.shape
    raw = b''.join(b'\x00' + grey[i].tobytes() for i in range(h))

    def chunk(tag, data):
        c = struct.pack('>I', len(data)) + tag + data
        return c + struct.pack('>I', zlib.crc32(tag + data) & 0xFFFFFFFF)
    png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 0, 0, 0, 0))
    png += chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')
    with open(path, 'wb') as f:
        f.write(png)
