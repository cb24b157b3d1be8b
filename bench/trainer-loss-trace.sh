#!/usr/bin/env bash
# Bit-identity check for kernel changes: the exact losses and a parameter CRC of a short seeded
# training run of GPT-2 and Llama (LossTrace), on this build and, if given, on the main classes of
# another build (e.g. a copy of trainer-service/trainer-core/target/classes taken before the change);
# prints both and whether they are identical.
# Usage: bench/trainer-loss-trace.sh [threads=2] [other-build-classes-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${1:-2}"
OTHER="${2:-}"
./mvnw -B -q -pl trainer-service/trainer-core -am test-compile -Dspotless.check.skip=true
M=trainer-service/trainer-core/target
DEPS=numerics/target/classes
run() {
  java --add-modules jdk.incubator.vector -cp "$1:$M/test-classes:$DEPS" dev.kiln.trainer.bench.LossTrace "$THREADS" 2>&1 \
    | grep -v 'Using incubator modules'
}
NEW="$(run "$M/classes")"
echo "this build:"
echo "$NEW"
if [ -n "$OTHER" ]; then
  OLD="$(run "$OTHER")"
  echo "other build ($OTHER):"
  echo "$OLD"
  if [ "$NEW" = "$OLD" ]; then echo "IDENTICAL"; else echo "DIFFERENT"; exit 1; fi
fi
