#!/bin/sh
# Writes an older revision's src/ (its src/core/nets with the core and CLI loader they import) into
# .bench-old/<sha>/src (git-ignored), for before/after runs on the same weights in one bench run:
#
#   sh bench/old_nets.sh HEAD~3
#   npm run bench -- --models deep128 --before .bench-old/<sha>/src
set -eu
rev=${1:?usage: sh bench/old_nets.sh REVISION}
root=$(git rev-parse --show-toplevel)
sha=$(git -C "$root" rev-parse --short "$rev^{commit}")
dest="$root/.bench-old/$sha"
rm -rf "$dest"
mkdir -p "$dest"
git -C "$root" archive "$sha" src | tar -x -C "$dest"
echo "$dest/src"
