#!/usr/bin/python3
"""PyTorch side of the GPU benchmark (bench/gpu/run.sh): bench/torch_baseline.py's models, moved to
CUDA, eager, float32 with TF32 off (true fp32 matmuls and convs, as ours computes), ms per image at
each batch size, median after warm-up, timed with torch.cuda.synchronize(). One JSON line per
(model, batch): {"side": "torch", "model": ..., "batch": ..., "msPerImage": ...}.

  python3 torch_cuda.py --keys DIR --models deep128,deep256 --batches 1,8 [--runs 5] [--device cuda]

--device cpu runs the same code without a GPU (to test the script on a machine without one).
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import torch_baseline  # noqa: E402  (copied next to this file by pack.sh)


def move(obj, device, seen):
    """Every tensor reachable from obj's attributes, dicts and lists, moved to device in place."""
    if id(obj) in seen:
        return obj
    seen.add(id(obj))
    if isinstance(obj, torch.Tensor):
        return obj.to(device)
    if isinstance(obj, dict):
        for k, v in obj.items():
            obj[k] = move(v, device, seen)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            obj[i] = move(v, device, seen)
    elif hasattr(obj, '__dict__') and not isinstance(obj, type):
        for k, v in vars(obj).items():
            setattr(obj, k, move(v, device, seen))
    return obj


def sync(device):
    if device.startswith('cuda'):
        torch.cuda.synchronize()


def bench_model(model, keys_file, batches, runs, warmup, device):
    torch_baseline.MODELS[model] = keys_file
    try:
        net = move(torch_baseline.Bench(model).net('folded'), device, set())
    except Exception as e:  # a layout the baseline does not implement
        for batch in batches:
            print(json.dumps({'side': 'torch', 'model': model, 'batch': batch, 'msPerImage': None,
                              'error': f'{type(e).__name__}: {e}'[:200]}), flush=True)
        return
    for batch in batches:
        try:
            z, cls, trunc = net.inputs(batch)
            z, cls = z.to(device), cls.to(device)
            times = []
            with torch.no_grad():
                for i in range(warmup + runs):
                    sync(device)
                    t0 = time.perf_counter()
                    out = net.forward(z, cls, trunc)
                    sync(device)
                    if i >= warmup:
                        times.append((time.perf_counter() - t0) * 1000)
            assert torch.isfinite(out).all()
            row = {'side': 'torch', 'model': model, 'batch': batch, 'msPerImage': statistics.median(times) / batch}
        except Exception as e:  # one failing cell (out of memory) must not lose the others
            row = {'side': 'torch', 'model': model, 'batch': batch, 'msPerImage': None, 'error': str(e)[:200]}
        print(json.dumps(row), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--keys', default=HERE)
    ap.add_argument('--models', default='deep128,deep256,deep512')
    ap.add_argument('--batches', default='1,8')
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--warmup', type=int, default=2)
    ap.add_argument('--device', default='cuda')
    args = ap.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    if args.device.startswith('cuda') and not torch.cuda.is_available():
        sys.exit('torch_cuda.py: PyTorch sees no CUDA device; install a CUDA build of torch, or pass --device cpu.')
    name = torch.cuda.get_device_name(0) if args.device.startswith('cuda') else 'cpu'
    print(json.dumps({'side': 'torch', 'device': name, 'torch': torch.__version__}), flush=True)
    with open(os.path.join(HERE, 'models.json')) as f:
        files = json.load(f)
    for model in args.models.split(','):
        if model not in files:
            sys.exit(f'torch_cuda.py: unknown model {model!r}; one of {", ".join(files)}')
        bench_model(model, os.path.join(os.path.abspath(args.keys), files[model]), [int(b) for b in args.batches.split(',')],
                    args.runs, args.warmup, args.device)


if __name__ == '__main__':
    main()
