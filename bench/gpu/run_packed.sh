#!/bin/sh
# The packed GPU benchmark (made by bench/gpu/pack.sh): ms per image, ours (tfjs WebGPU through
# Dawn) against PyTorch CUDA eager fp32, same GPU, same run, same weights: PyTorch draws them once
# and saves them with torch.save (weights/, ~0.2-0.3 GB a model), ours reads those files. Each side
# checks its image against torch's CPU image first. Needs a GPU driver with Vulkan and a python3
# with a CUDA build of torch; no network.
#
#   ./run.sh                                   deep128,deep256,deep512,tfhub128 at batch 1 and 8
#   MODELS=deep-tiny,tfhub-tiny BATCHES=1,2 TORCH_DEVICE=cpu ./run.sh    a try without a GPU
# Also: RUNS (timed runs per cell, default 5), PYTHON (default python3).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
MODELS=${MODELS:-deep128,deep256,deep512,tfhub128}
BATCHES=${BATCHES:-1,8}
RUNS=${RUNS:-5}
PYTHON=${PYTHON:-python3}
TORCH_DEVICE=${TORCH_DEVICE:-cuda}
RESULTS="$HERE/results.jsonl"
[ -x "$HERE/node" ] || { xz -dc "$HERE/node.xz" > "$HERE/node.tmp" && chmod +x "$HERE/node.tmp" && mv "$HERE/node.tmp" "$HERE/node"; }
: > "$RESULTS"
echo "== the weights: drawn by PyTorch on the CPU, saved with torch.save (kept between runs)"
"$PYTHON" "$HERE/torch_cuda.py" --prepare --keys "$HERE/keys" --weights "$HERE/weights" --models "$MODELS"
echo "== ours: tfjs-backend-webgpu on Dawn"
"$HERE/node" "$HERE/gpu_bench.mjs" --weights "$HERE/weights" --models "$MODELS" --batches "$BATCHES" --runs "$RUNS" | tee -a "$RESULTS"
echo "== PyTorch eager fp32 on $TORCH_DEVICE"
"$PYTHON" "$HERE/torch_cuda.py" --weights "$HERE/weights" --models "$MODELS" --batches "$BATCHES" --runs "$RUNS" --device "$TORCH_DEVICE" | tee -a "$RESULTS"
echo "== ms per image (median of $RUNS after warm-up)"
"$HERE/node" "$HERE/gpu_bench.mjs" --report "$RESULTS"
