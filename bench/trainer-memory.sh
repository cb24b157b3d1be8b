#!/usr/bin/env bash
# Heap per training shape (GPT-2, AdamW): the service's estimate, the live heap after
# a step and a full GC, the old generation's peak, the median step time (wall and process CPU) and
# the last step's loss. One JVM per shape.
# Usage: bench/trainer-memory.sh [threads=2] [xmx=20g] [shape...]
#   a shape is "L C NH T B vocab warmup timed", e.g. "6 384 6 256 4 4096 3 10"; without shapes, the
#   issue's 1.3M and 12M shapes (vocab 4096), GPT-2 124M at T1024 and the 12M shape at T4096.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${1:-2}"
XMX="${2:-20g}"
shift $(( $# > 2 ? 2 : $# ))
SHAPES=("$@")
if [ ${#SHAPES[@]} -eq 0 ]; then
  SHAPES=("4 128 4 128 8 4096 2 5" "6 384 6 256 4 4096 2 5" "12 768 12 1024 1 50257 1 1" "6 384 6 4096 1 4096 1 1")
fi
./mvnw -B -q -pl trainer-service/trainer-core -am test-compile
M=trainer-service/trainer-core/target
echo "| model | params | B×T | estimate MB | live heap after step MB | old-gen peak MB | median step (wall) | CPU per step | allocated per step | last loss |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for s in "${SHAPES[@]}"; do
  # shellcheck disable=SC2086
  java --add-modules jdk.incubator.vector -Xmx"$XMX" -XX:+UseG1GC \
    -cp "$M/classes:$M/test-classes:numerics/target/classes" dev.kiln.trainer.bench.TrainerMemoryBench $s "$THREADS" 2>&1 \
    | grep -v 'Using incubator modules' || echo "| $s | failed (see above) |"
done
