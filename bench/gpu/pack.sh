#!/bin/sh
# Packs the GPU benchmark into one folder that runs with no network and no node_modules:
#   node.xz        the Node binary running this script, xz-compressed
#   dawn.node      WebGPU for Node (Dawn), from the webgpu package
#   gpu_bench.mjs  our side, bundled with esbuild (tfjs-core, tfjs-backend-webgpu, the generators)
#   torch_cuda.py + torch_baseline.py   the PyTorch side
#   keys/          key lists of the released layouts (shapes for the random weights) and three
#                  fixture-sized ones (deep-tiny, biggan-tiny, tfhub-tiny) for trying it without a GPU
# The weights themselves are drawn where it runs (run.sh, first step), not packed.
#   run.sh         the runner (bench/gpu/run_packed.sh)
#
#   bench/gpu/pack.sh OUT_DIR
set -eu
OUT=${1:?usage: bench/gpu/pack.sh OUT_DIR}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$OUT/keys"
cd "$REPO"

node_modules/.bin/esbuild bench/gpu/gpu_bench.ts --bundle --platform=node --format=esm --target=node20 \
  --outfile="$OUT/gpu_bench.mjs" --alias:webgpu=./bench/gpu/dawn_shim.mjs --external:node-fetch \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" \
  --log-level=warning
cp node_modules/webgpu/dist/linux-x64/dawn.node "$OUT/dawn.node"
cp bench/gpu/torch_cuda.py bench/torch_baseline.py bench/gpu/models.json "$OUT/"
cp bench/gpu/run_packed.sh "$OUT/run.sh"
chmod +x "$OUT/run.sh"
for f in keys_biggan-deep-128.tsv keys_biggan-deep-256.tsv keys_biggan-deep-512.tsv keys_tfhub-biggan-128.tsv keys_bp-biggan-128-ch96.tsv; do
  install -m 644 "tests/fixtures/reference/keys/$f" "$OUT/keys/$f"
done
# Fixture-sized key lists, from the fixtures' tensor indexes.
for pair in tiny-deep:biggan-deep tiny-biggan:biggan tiny-tfhub:biggan-tfhub; do
  python3 -c 'import json, sys
index = json.load(open(sys.argv[1]))["tensors"]
print("\n".join("%s\t%s\tfloat32" % (k, json.dumps(v["shape"])) for k, v in index.items()))' \
    "tests/fixtures/${pair#*:}/tensors/state_dict.index.json" > "$OUT/keys/${pair%%:*}.tsv"
done
[ -f "$OUT/node.xz" ] || xz -T0 -c "$(command -v node)" > "$OUT/node.xz"
du -sh "$OUT"
