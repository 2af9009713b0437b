"""Evaluate an exported generator with a Fashion-MNIST classifier.

  OMP_NUM_THREADS=1 /usr/bin/python3 training/evaluate.py \
      --export training/runs/fmnist32/export --out training/runs/fmnist32/eval.md

1. Trains (or loads from --classifier, cached) a small CNN on the Fashion-MNIST training set and
   reports its test accuracy.
2. For each truncation t in {0.25, 0.5, 0.75, 1.0}, z = t * truncnorm(-2, 2) (the "scaled"
   convention), generates --per_class samples for each of the 10 classes with the exported
   G_ema (eval mode, standing stats) and reports
   - class accuracy: share of samples the classifier assigns to the requested class;
   - diversity: mean pairwise L2 distance between samples of the same class in the
     classifier's 128-d feature space (averaged over classes), with real test images as the
     reference row;
   - FID on classifier features (not Inception) against the full test set.
Writes a markdown table to --out and prints it.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data as fm  # noqa: E402
from model import Generator, truncated_normal  # noqa: E402


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 3, padding=1)
        self.c2 = nn.Conv2d(32, 64, 3, padding=1)
        self.c3 = nn.Conv2d(64, 64, 3, padding=1)
        self.fc = nn.Linear(64 * 4 * 4, 128)
        self.drop = nn.Dropout(0.3)
        self.out = nn.Linear(128, 10)

    def features(self, x):  # x: [N, 1, 32, 32] in [-1, 1]
        h = F.max_pool2d(F.relu(self.c1(x)), 2)
        h = F.max_pool2d(F.relu(self.c2(h)), 2)
        h = F.max_pool2d(F.relu(self.c3(h)), 2)
        return F.relu(self.fc(h.flatten(1)))

    def forward(self, x):
        return self.out(self.drop(self.features(x)))


def batched(fn, x, bs=500):
    return torch.cat([fn(x[i:i + bs]) for i in range(0, x.shape[0], bs)])


def train_classifier(epochs=3, seed=0, limit=None):
    torch.manual_seed(seed)
    xtr, ytr = fm.load('train')
    if limit:
        xtr, ytr = xtr[:limit], ytr[:limit]
    net = Classifier()
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    n = xtr.shape[0]
    steps = epochs * (n // 128)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 2e-3, total_steps=steps)
    g = torch.Generator().manual_seed(seed)
    net.train()
    step = 0
    for _ in range(epochs):
        perm = torch.randperm(n, generator=g)
        for i in range(0, n - 127, 128):
            idx = perm[i:i + 128]
            x = fm.to_model_input(xtr[idx], channels=1)
            # light augmentation: random shift by up to 2 px
            dx, dy = torch.randint(-2, 3, (2,), generator=g).tolist()
            x = torch.roll(x, (dy, dx), (2, 3))
            with torch.autocast('cpu', dtype=torch.bfloat16):
                loss = F.cross_entropy(net(x), ytr[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            step += 1
    net.eval()
    return net


@torch.no_grad()
def classify(net, x1):
    """x1: [N, 1, 32, 32] float in [-1, 1] -> (logits, features)."""
    feats = batched(net.features, x1)
    return net.out(feats), feats


def fid(f1, f2):
    f1, f2 = f1.double(), f2.double()
    m1, m2 = f1.mean(0), f2.mean(0)
    c1, c2 = torch.cov(f1.t()), torch.cov(f2.t())
    w, v = torch.linalg.eigh(c1)
    s1 = (v * w.clamp(min=0).sqrt()) @ v.t()
    ev = torch.linalg.eigvalsh(s1 @ c2 @ s1).clamp(min=0)
    return float(((m1 - m2) ** 2).sum() + torch.trace(c1) + torch.trace(c2) - 2 * ev.sqrt().sum())


def diversity(feats, labels):
    vals = []
    for c in range(10):
        f = feats[labels == c].double()
        if f.shape[0] < 2:
            continue
        d = torch.cdist(f, f)
        k = f.shape[0]
        vals.append(float(d.sum() / (k * (k - 1))))
    return float(np.mean(vals))


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--export', default=os.path.join(HERE, 'runs', 'fmnist32', 'export'))
    p.add_argument('--out', default=None, help='markdown file (default EXPORT/eval.md)')
    p.add_argument('--classifier', default=os.path.join(HERE, 'runs', 'classifier.pth'))
    p.add_argument('--retrain_classifier', action='store_true')
    p.add_argument('--epochs', type=int, default=3)
    p.add_argument('--per_class', type=int, default=100)
    p.add_argument('--truncations', default='0.25,0.5,0.75,1.0')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--classifier_only', action='store_true',
                   help='train/load the classifier, report its test accuracy, stop')
    p.add_argument('--limit_train', type=int, default=0, help='debug: fewer training images')
    args = p.parse_args()
    torch.set_num_threads(1)
    t0 = time.time()

    if os.path.isfile(args.classifier) and not args.retrain_classifier:
        net = Classifier()
        net.load_state_dict(torch.load(args.classifier, map_location='cpu'))
        net.eval()
        print('loaded classifier %s' % args.classifier)
    else:
        net = train_classifier(args.epochs, args.seed, args.limit_train or None)
        os.makedirs(os.path.dirname(os.path.abspath(args.classifier)), exist_ok=True)
        torch.save(net.state_dict(), args.classifier)
        print('trained classifier in %.0fs' % (time.time() - t0))
    xte, yte = fm.load('test')
    logits, test_feats = classify(net, fm.to_model_input(xte, channels=1))
    test_acc = float((logits.argmax(1) == yte).float().mean())
    print('classifier test accuracy %.4f' % test_acc)
    if args.classifier_only:
        return

    # Reference row: per_class real test images per class.
    g = torch.Generator().manual_seed(args.seed)
    ref_idx = torch.cat([torch.nonzero(yte == c).flatten()[
        torch.randperm(int((yte == c).sum()), generator=g)[:args.per_class]] for c in range(10)])
    ref_acc = float((logits[ref_idx].argmax(1) == yte[ref_idx]).float().mean())
    ref_div = diversity(test_feats[ref_idx], yte[ref_idx])
    ref_fid = fid(test_feats[ref_idx], test_feats)

    cfg = json.load(open(os.path.join(args.export, 'config.json')))
    G = Generator(**cfg, init='none')
    G.load_state_dict(torch.load(os.path.join(args.export, 'G_ema.pth'), map_location='cpu'))
    G.eval()
    rows = []
    labels = torch.arange(10).repeat_interleave(args.per_class)
    for t in [float(s) for s in args.truncations.split(',')]:
        zg = torch.Generator().manual_seed(args.seed + 1)
        z = t * truncated_normal((labels.shape[0], G.dim_z), 2.0, zg)
        with torch.no_grad():
            imgs = batched(lambda i: G.sample(z[i], labels[i]),
                           torch.arange(labels.shape[0]), bs=200)
        lg, feats = classify(net, imgs.mean(1, keepdim=True))
        pred = lg.argmax(1)
        acc = float((pred == labels).float().mean())
        per_class = [float((pred[labels == c] == c).float().mean()) for c in range(10)]
        rows.append((t, acc, diversity(feats, labels), fid(feats, test_feats), per_class))
        print('t=%.2f acc %.3f div %.3f fid %.2f' % rows[-1][:4])

    lines = [
        '| samples | class accuracy | diversity (mean pairwise L2, features) | feature FID vs test |',
        '|---|---|---|---|',
        '| real test images (%d per class) | %.1f%% | %.2f | %.2f |' % (
            args.per_class, 100 * ref_acc, ref_div, ref_fid),
    ]
    for t, acc, div, fd, _ in rows:
        lines.append('| G_ema, truncation %.2f | %.1f%% | %.2f | %.2f |' % (t, 100 * acc, div, fd))
    lines += ['', 'Per-class accuracy of generated samples (%):', '',
              '| truncation | ' + ' | '.join(fm.CLASS_NAMES) + ' |',
              '|---|' + '---|' * 10]
    for t, _, _, _, pc in rows:
        lines.append('| %.2f | ' % t + ' | '.join('%.0f' % (100 * v) for v in pc) + ' |')
    header = ('Classifier: small CNN (3 conv + 2 fc), %d epochs on the training set, test '
              'accuracy %.2f%%. %d samples per truncation (%d per class), z = t * '
              'truncnorm(-2, 2). FID is computed on the classifier\'s 128-d features against '
              'all 10000 test images (not comparable to Inception FID).' % (
                  args.epochs, 100 * test_acc, labels.shape[0], args.per_class))
    md = header + '\n\n' + '\n'.join(lines) + '\n'
    out = args.out or os.path.join(args.export, 'eval.md')
    with open(out, 'w') as f:
        f.write(md)
    print()
    print(md)
    print('wrote %s (%.0fs)' % (out, time.time() - t0))


if __name__ == '__main__':
    main()
