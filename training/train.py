"""Train a 32 px class-conditional BigGAN (hierarchical latent) on Fashion-MNIST, on CPU.

Hinge loss, projection D, spectral norm in G and D, BigGAN's off-diagonal orthogonal
regularisation on G, Adam(beta1 0, beta2 0.999), EMA of G (standing statistics before every
sample sheet and at export), bf16 autocast, one thread.

  OMP_NUM_THREADS=1 /usr/bin/python3 training/train.py --out training/runs/fmnist32 \
      --iters 6000 --time_budget_min 115
  # resume after an interruption (same command plus --resume):
  OMP_NUM_THREADS=1 /usr/bin/python3 training/train.py --out training/runs/fmnist32 --resume

Outputs in --out: state.pth (latest checkpoint: G, G_ema, D, optimisers, iteration, RNG states,
args), log.csv, samples/iter_XXXXXX.png (G_ema, class x seed), samples/latest.png, train.txt.
"""
import argparse
import copy
import csv
import json
import os
import random
import shutil
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data as fm  # noqa: E402
from model import Discriminator, Generator, ortho_reg, standing_stats  # noqa: E402
import sheet  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--out', default=os.path.join(HERE, 'runs', 'fmnist32'))
    p.add_argument('--resume', action='store_true', help='continue from OUT/state.pth')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--iters', type=int, default=6000, help='total G steps')
    p.add_argument('--time_budget_min', type=float, default=0,
                   help='stop (and checkpoint) once this much training wall time has passed, '
                        'counted across resumes; 0 = no limit')
    p.add_argument('--batch_size', type=int, default=64)
    p.add_argument('--G_ch', type=int, default=24)
    p.add_argument('--D_ch', type=int, default=24)
    p.add_argument('--dim_z', type=int, default=120)
    p.add_argument('--shared_dim', type=int, default=128)
    p.add_argument('--G_attn', default='16')
    p.add_argument('--D_attn', default='0')
    p.add_argument('--G_lr', type=float, default=1e-4)
    p.add_argument('--D_lr', type=float, default=4e-4)
    p.add_argument('--adam_eps', type=float, default=1e-6)
    p.add_argument('--num_D_steps', type=int, default=1)
    p.add_argument('--G_ortho', type=float, default=1e-4)
    p.add_argument('--BN_eps', type=float, default=1e-5)
    p.add_argument('--SN_eps', type=float, default=1e-6)
    p.add_argument('--ema_decay', type=float, default=0.999)
    p.add_argument('--ema_start', type=int, default=1000)
    p.add_argument('--no_bf16', action='store_true', help='train in float32')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--ckpt_every_min', type=float, default=4.0)
    p.add_argument('--sample_every', type=int, default=250)
    p.add_argument('--log_every', type=int, default=25)
    return p.parse_args(argv)


def build(args):
    G = Generator(G_ch=args.G_ch, dim_z=args.dim_z, resolution=32, shared_dim=args.shared_dim,
                  n_classes=10, attn=args.G_attn, BN_eps=args.BN_eps, SN_eps=args.SN_eps)
    D = Discriminator(D_ch=args.D_ch, resolution=32, n_classes=10, attn=args.D_attn,
                      SN_eps=args.SN_eps)
    G_ema = copy.deepcopy(G)
    for p in G_ema.parameters():
        p.requires_grad_(False)
    optG = torch.optim.Adam(G.parameters(), lr=args.G_lr, betas=(0.0, 0.999), eps=args.adam_eps)
    optD = torch.optim.Adam(D.parameters(), lr=args.D_lr, betas=(0.0, 0.999), eps=args.adam_eps)
    return G, G_ema, D, optG, optD


def train_step(G, D, optG, optD, real_x, real_y, args, gen=None):
    """One iteration: num_D_steps hinge D updates (fresh real batch each taken from the
    iterator `real_x`/`real_y` lists), then one G update with orthogonal regularisation.
    real_x/real_y: lists of num_D_steps batches. Returns a dict of float losses."""
    bf16 = not args.no_bf16
    B = real_x[0].shape[0]
    G.train()
    D.train()
    for p in D.parameters():
        p.requires_grad_(True)
    stats = {}
    for k in range(args.num_D_steps):
        z = torch.randn(B, G.dim_z, generator=gen)
        yf = torch.randint(0, 10, (B,), generator=gen)
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16):
            with torch.no_grad():
                fake = G.sample(z, yf)
            d_real = D(real_x[k], real_y[k])
            d_fake = D(fake, yf)
            loss_real = F.relu(1.0 - d_real).mean()
            loss_fake = F.relu(1.0 + d_fake).mean()
        optD.zero_grad(set_to_none=True)
        (loss_real + loss_fake).backward()
        optD.step()
        stats['D_real'] = float(loss_real)
        stats['D_fake'] = float(loss_fake)
    for p in D.parameters():
        p.requires_grad_(False)
    z = torch.randn(B, G.dim_z, generator=gen)
    yf = torch.randint(0, 10, (B,), generator=gen)
    with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16):
        loss_g = -D(G.sample(z, yf), yf).mean()
    optG.zero_grad(set_to_none=True)
    loss_g.backward()
    if args.G_ortho > 0:
        ortho_reg(G, args.G_ortho, blacklist=[G.shared.weight])
    optG.step()
    stats['G'] = float(loss_g)
    return stats


@torch.no_grad()
def ema_update(G, G_ema, decay):
    for pe, p in zip(G_ema.parameters(), G.parameters()):
        pe.mul_(decay).add_(p.detach(), alpha=1.0 - decay)
    for be, b in zip(G_ema.buffers(), G.buffers()):
        be.copy_(b)


def rng_state():
    return {'torch': torch.get_rng_state(), 'numpy': np.random.get_state(),
            'python': random.getstate()}


def set_rng_state(s):
    torch.set_rng_state(s['torch'])
    np.random.set_state(s['numpy'])
    random.setstate(s['python'])


def save_checkpoint(path, G, G_ema, D, optG, optD, it, elapsed, args, data_gen):
    state = {'G': G.state_dict(), 'G_ema': G_ema.state_dict(), 'D': D.state_dict(),
             'optG': optG.state_dict(), 'optD': optD.state_dict(), 'iteration': it,
             'elapsed_s': elapsed, 'args': vars(args), 'G_config': G.config,
             'rng': rng_state(), 'data_rng': data_gen.get_state()}
    tmp = path + '.tmp'
    torch.save(state, tmp)
    os.replace(tmp, path)


def sample_sheet(G_ema, path, args):
    """G_ema with freshly recomputed standing statistics (on a copy), class x seed grid."""
    Gs = copy.deepcopy(G_ema)
    standing_stats(Gs, n_passes=8, batch_size=64, autocast=not args.no_bf16)
    with torch.autocast('cpu', dtype=torch.bfloat16, enabled=not args.no_bf16):
        grid = sheet.render(Gs, truncation=1.0)
    sheet.write_png(path, grid, scale=2)


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    os.makedirs(os.path.join(args.out, 'samples'), exist_ok=True)
    state_path = os.path.join(args.out, 'state.pth')
    resume_state = None
    if args.resume:
        if not os.path.isfile(state_path):
            sys.exit('--resume: no checkpoint at %s' % state_path)
        resume_state = torch.load(state_path, map_location='cpu')
        saved = resume_state['args']
        # Architecture and optimiser settings come from the checkpoint; run-control flags
        # (iters, time budget, intervals) from the command line.
        keep = {'iters', 'time_budget_min', 'resume', 'out', 'ckpt_every_min', 'sample_every',
                'log_every', 'threads'}
        for k, v in saved.items():
            if k not in keep:
                setattr(args, k, v)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)

    G, G_ema, D, optG, optD = build(args)
    data_gen = torch.Generator().manual_seed(args.seed + 1)
    it, elapsed = 0, 0.0
    if resume_state is not None:
        G.load_state_dict(resume_state['G'])
        G_ema.load_state_dict(resume_state['G_ema'])
        D.load_state_dict(resume_state['D'])
        optG.load_state_dict(resume_state['optG'])
        optD.load_state_dict(resume_state['optD'])
        it = resume_state['iteration']
        elapsed = resume_state['elapsed_s']
        set_rng_state(resume_state['rng'])
        data_gen.set_state(resume_state['data_rng'])
        print('resumed at iteration %d (%.1f min trained)' % (it, elapsed / 60), flush=True)
        del resume_state

    images, labels = fm.load('train')
    n = images.shape[0]
    print('data: %d images %s; G params %.2fM, D params %.2fM' % (
        n, tuple(images.shape[1:]), sum(p.numel() for p in G.parameters()) / 1e6,
        sum(p.numel() for p in D.parameters()) / 1e6), flush=True)
    with open(os.path.join(args.out, 'args.json'), 'w') as f:
        json.dump(vars(args), f, indent=1)

    log_path = os.path.join(args.out, 'log.csv')
    new_log = not os.path.isfile(log_path) or it == 0
    log_f = open(log_path, 'w' if new_log else 'a', newline='')
    log = csv.writer(log_f)
    if new_log:
        log.writerow(['iteration', 'elapsed_s', 'it_per_s', 'D_real', 'D_fake', 'G'])

    budget_s = args.time_budget_min * 60 if args.time_budget_min > 0 else float('inf')
    t_start = time.time() - elapsed
    last_ckpt = time.time()
    last_log_t, last_log_it = time.time(), it
    acc = {'D_real': 0.0, 'D_fake': 0.0, 'G': 0.0}
    acc_n = 0
    stop_reason = 'iterations'
    while it < args.iters:
        if time.time() - t_start >= budget_s:
            stop_reason = 'time budget'
            break
        xs, ys = [], []
        for _ in range(args.num_D_steps):
            idx = torch.randint(0, n, (args.batch_size,), generator=data_gen)
            xs.append(fm.to_model_input(images[idx]))
            ys.append(labels[idx])
        stats = train_step(G, D, optG, optD, xs, ys, args)
        it += 1
        if it <= args.ema_start:
            ema_update(G, G_ema, 0.0)
        else:
            ema_update(G, G_ema, args.ema_decay)
        for k in acc:
            acc[k] += stats[k]
        acc_n += 1
        if not all(np.isfinite(v) for v in stats.values()):
            print('non-finite loss at iteration %d: %s' % (it, stats), flush=True)
        if it % args.log_every == 0 or it == args.iters:
            now = time.time()
            ips = (it - last_log_it) / max(now - last_log_t, 1e-9)
            last_log_t, last_log_it = now, it
            row = [it, round(now - t_start, 1), round(ips, 4)] + [
                round(acc[k] / acc_n, 4) for k in ('D_real', 'D_fake', 'G')]
            log.writerow(row)
            log_f.flush()
            print('it %6d  %7.1fs  %.3f it/s  D_real %.3f  D_fake %.3f  G %.3f' % tuple(row),
                  flush=True)
            acc = {k: 0.0 for k in acc}
            acc_n = 0
        if it % args.sample_every == 0:
            p = os.path.join(args.out, 'samples', 'iter_%06d.png' % it)
            sample_sheet(G_ema, p, args)
            shutil.copyfile(p, os.path.join(args.out, 'samples', 'latest.png'))
        if time.time() - last_ckpt >= args.ckpt_every_min * 60:
            save_checkpoint(state_path, G, G_ema, D, optG, optD, it, time.time() - t_start,
                            args, data_gen)
            last_ckpt = time.time()
    elapsed = time.time() - t_start
    save_checkpoint(state_path, G, G_ema, D, optG, optD, it, elapsed, args, data_gen)
    sample_sheet(G_ema, os.path.join(args.out, 'samples', 'iter_%06d.png' % it), args)
    with open(os.path.join(args.out, 'train.txt'), 'a') as f:
        f.write('stopped at iteration %d after %.1f min (%s)\n' % (it, elapsed / 60, stop_reason))
    print('done: iteration %d, %.1f min, stopped by %s' % (it, elapsed / 60, stop_reason),
          flush=True)


if __name__ == '__main__':
    main()
