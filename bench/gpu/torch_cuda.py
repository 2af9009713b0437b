#!/usr/bin/python3
"""PyTorch side of the GPU benchmark (bench/gpu/run.sh), and the writer of its weights.

  python3 torch_cuda.py --prepare --keys DIR --weights DIR --models deep128,tfhub128
      draws each model's weights (torch_baseline.py, seeded, the released shapes from the key lists)
      and saves them with torch.save as WEIGHTS/<model>.pt, with the inputs of a batch of 1 and
      torch's image for them computed on the CPU (WEIGHTS/<model>.pt.{json,z.f32,...}); models whose
      file is there already are kept. Our side (gpu_bench.mjs) reads the same files.
  python3 torch_cuda.py --weights DIR --models deep128,deep256 --batches 1,8 [--runs 5] [--device cuda]
      each checkpoint's folded net moved to the device, eager, float32 with TF32 off (true fp32
      matmuls and convs, as ours computes); its image on the device checked against the CPU one,
      then ms per image at each batch size, median after warm-up, timed with
      torch.cuda.synchronize(). One JSON line per (model, batch):
      {"side": "torch", "model": ..., "batch": ..., "msPerImage": ..., "maxAbsDiffVsTorch": ...}.

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


def prepare(model, keys_file, weights_dir):
    path = os.path.join(weights_dir, f'{model}.pt')
    if os.path.exists(path + '.json'):
        return
    bench = torch_baseline.Bench(keys_file)
    bench.model_name = model
    meta = torch_baseline.save_checkpoint(bench, path, 1)
    print(json.dumps({'side': 'torch', 'prepared': model, 'file': path, **meta}), flush=True)


def max_diff_vs_cpu(net, path, device):
    """max |image on the device - torch's CPU image| for the case saved with the checkpoint."""
    with open(path + '.json') as f:
        meta = json.load(f)
    z = torch.from_numpy(read_f32(path + '.z.f32').reshape(meta['inputs']['z'])).to(device)
    cls = torch.from_numpy(read_f32(path + '.class_vector.f32').reshape(meta['inputs']['class_vector'])).to(device)
    with torch.no_grad():
        out = net.forward(z, cls, meta['truncation']).cpu()
    ref = torch.from_numpy(read_f32(path + '.image.f32').reshape(out.shape))
    return (out - ref).abs().max().item()


def read_f32(path):
    import numpy as np
    return np.fromfile(path, dtype='<f4')


def bench_model(model, weights_dir, batches, runs, warmup, device):
    path = os.path.join(weights_dir, f'{model}.pt')
    try:
        # No warm-up forward on the CPU: the folded weights are computed on the device, by the check.
        bench = torch_baseline.Bench(state=torch.load(path, map_location='cpu'), warm=False)
        net = move(bench.net('folded'), device, set())
        check = max_diff_vs_cpu(net, path, device)
    except Exception as e:  # a missing file, or a device out of memory: report, go on
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
            row = {'side': 'torch', 'model': model, 'batch': batch, 'msPerImage': statistics.median(times) / batch,
                   'maxAbsDiffVsTorch': check}
        except Exception as e:  # one failing cell (out of memory) must not lose the others
            row = {'side': 'torch', 'model': model, 'batch': batch, 'msPerImage': None, 'error': str(e)[:200]}
        print(json.dumps(row), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--keys', default=HERE)
    ap.add_argument('--weights', default=os.path.join(HERE, 'weights'))
    ap.add_argument('--prepare', action='store_true')
    ap.add_argument('--models', default='deep128,deep256,deep512,tfhub128')
    ap.add_argument('--batches', default='1,8')
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--warmup', type=int, default=2)
    ap.add_argument('--device', default='cuda')
    args = ap.parse_args()
    with open(os.path.join(HERE, 'models.json')) as f:
        files = json.load(f)
    models = args.models.split(',')
    for model in models:
        if model not in files:
            sys.exit(f'torch_cuda.py: unknown model {model!r}; one of {", ".join(files)}')
    if args.prepare:
        os.makedirs(args.weights, exist_ok=True)
        torch.set_grad_enabled(False)
        for model in models:
            prepare(model, os.path.join(os.path.abspath(args.keys), files[model]), args.weights)
        return
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    if args.device.startswith('cuda') and not torch.cuda.is_available():
        sys.exit('torch_cuda.py: PyTorch sees no CUDA device; install a CUDA build of torch, or pass --device cpu.')
    name = torch.cuda.get_device_name(0) if args.device.startswith('cuda') else 'cpu'
    print(json.dumps({'side': 'torch', 'device': name, 'torch': torch.__version__}), flush=True)
    for model in models:
        bench_model(model, args.weights, [int(b) for b in args.batches.split(',')], args.runs, args.warmup, args.device)


if __name__ == '__main__':
    main()
