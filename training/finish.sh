#!/bin/sh
# After training: export G_ema (standing stats), evaluate it, refresh the README's results.
#   training/finish.sh [RUN_DIR]        (default training/runs/fmnist32)
# Writes RUN/export/{G_ema.pth,classes.json,config.json,samples.png,eval.md},
# training/eval.md, training/samples.png and the results block of training/README.md.
set -e
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
export MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=4294967296 MALLOC_TOP_PAD_=268435456
RUN=${1:-training/runs/fmnist32}
/usr/bin/python3 training/export.py --run "$RUN" --out "$RUN/export"
/usr/bin/python3 training/evaluate.py --export "$RUN/export" --out "$RUN/export/eval.md"
cp "$RUN/export/eval.md" training/eval.md
cp "$RUN/export/samples.png" training/samples.png
/usr/bin/python3 training/update_readme.py --run "$RUN"
ls -l "$RUN/export"
