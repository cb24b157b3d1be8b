#!/usr/bin/env bash
# Training throughput of trainer-core as a share of the machine's FP32 FMA peak, in one JVM run.
# Usage: bench/trainer.sh [threads=2] [seconds-per-measurement=3] [models=1.3m,12m] [124m batch=1]
#   models: comma-separated among 1.3m (L4 C128 T128 B8), 12m (L6 C384 T256 B4), 124m (GPT-2 small, T1024)
#   heap: JAVA_HEAP (default 2g; the 124M shape needs 5g at B=1: ~3.1 GB live, attention is blockwise)
# Output is Markdown tables; see bench/trainer-results.md for recorded runs and the FLOP formula.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${1:-2}"
SECONDS_PER="${2:-3}"
MODELS="${3:-1.3m,12m}"
BIG_BATCH="${4:-1}"
./mvnw -B -q -pl trainer-service/trainer-core -am test-compile -Dspotless.check.skip=true
M=trainer-service/trainer-core/target
exec java --add-modules jdk.incubator.vector -Xmx"${JAVA_HEAP:-2g}" \
  -cp "$M/classes:$M/test-classes:numerics/target/classes" dev.kiln.trainer.bench.TrainerBench "$THREADS" "$SECONDS_PER" "$MODELS" "$BIG_BATCH" 2>&1 \
  | grep -v 'Using incubator modules'
