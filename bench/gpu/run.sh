#!/bin/sh
# The GPU benchmark in one step: packs it (bench/gpu/pack.sh) into $PACK, then runs it there
# (bench/gpu/run_packed.sh; the same variables: MODELS, BATCHES, RUNS, PYTHON, TORCH_DEVICE).
# To run on another machine: pack, copy the folder over, run its run.sh there.
#
#   bench/gpu/run.sh
#   PACK=/tmp/gpu-bench MODELS=deep-tiny,biggan-tiny BATCHES=1,2 TORCH_DEVICE=cpu \
#     VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json XDG_RUNTIME_DIR=/tmp bench/gpu/run.sh
set -eu
PACK=${PACK:-/tmp/biggan-gpu-bench}
"$(dirname "$0")/pack.sh" "$PACK"
exec "$PACK/run.sh"
