#!/usr/bin/env bash
# Training throughput of trainer-core beside the peak of its own matmul kernel, in one JVM run.
# Usage: bench/trainer.sh [threads=2] [seconds-per-measurement=3]
# Output is Markdown tables; see bench/trainer-results.md for recorded runs and the FLOP formula.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${1:-2}"
SECONDS_PER="${2:-3}"
./mvnw -B -q -pl trainer-service/trainer-core test-compile
M=trainer-service/trainer-core/target
exec java --add-modules jdk.incubator.vector -Xmx2g \
  -cp "$M/classes:$M/test-classes" dev.kiln.trainer.bench.TrainerBench "$THREADS" "$SECONDS_PER" 2>&1 \
  | grep -v 'Using incubator modules'
