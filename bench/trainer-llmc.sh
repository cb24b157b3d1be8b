#!/usr/bin/env bash
# llm.c's CPU trainer (train_gpt2.c) on the shapes of bench/trainer.sh, for the side-by-side in BENCHMARKS.md.
# Usage: bench/trainer-llmc.sh LLMC_DIR [threads=2] [seconds=12] [shapes=1.3m,12m] [124m batch=1] [cflags=-O3]
#   LLMC_DIR: a checkout of https://github.com/karpathy/llm.c (not vendored: it is only measured).
# bench/llmc/train_gpt2_bench.c includes train_gpt2.c unmodified (its main renamed), builds the
# model with random N(0, 0.02) weights and random tokens (speed does not depend on them), and times
# forward + zero_grad + backward + AdamW update per step after two warm-up steps (124M: one step, no
# warm-up, so its time includes first-touch of the activation memory: a few seconds of several minutes).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
LLMC="$(cd "$1" && pwd)"
THREADS="${2:-2}"
SECS="${3:-12}"
SHAPES="${4:-1.3m,12m}"
BIG_B="${5:-1}"
CFLAGS="${6:--O3}"
OUT="$(mktemp -d)"
gcc $CFLAGS -march=native -fopenmp -I"$LLMC" -o "$OUT/bench" "$HERE/llmc/train_gpt2_bench.c" -lm -w
echo "gcc $(gcc -dumpversion) $CFLAGS -march=native -fopenmp, OMP_NUM_THREADS=$THREADS, $(uptime)"
for s in ${SHAPES//,/ }; do
  case "$s" in
    1.3m) OMP_NUM_THREADS=$THREADS "$OUT/bench" 4 4 128 128 4096 8 128 "$SECS" 2 | grep RESULT ;;
    12m) OMP_NUM_THREADS=$THREADS "$OUT/bench" 6 6 384 256 4096 4 256 "$SECS" 2 | grep RESULT ;;
    124m) OMP_NUM_THREADS=$THREADS "$OUT/bench" 12 12 768 1024 50257 "$BIG_B" 1024 0.001 0 | grep RESULT ;;
  esac
done
rm -rf "$OUT"
