#!/usr/bin/env bash
# The trainer on English Europarl through the service's run loop: BPE 4K, a 2.6M-parameter GPT-2
# and/or Llama of the same size, loss curves against the unigram entropy, and samples. Results are
# recorded in BENCHMARKS.md.
# Usage: bench/trainer-europarl.sh [steps=600] [threads=2] [gpt2|llama|both, default gpt2]
# Builds from the reactor (sibling modules from their target/classes), so nothing is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl trainer-service -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/trainer-service/target/bench.classpath"
exec java --add-modules jdk.incubator.vector -Xmx4g \
  -cp "trainer-service/target/classes:trainer-service/target/test-classes:$(cat trainer-service/target/bench.classpath)" \
  dev.kiln.trainer.bench.EuroparlTraining "${1:-600}" "${2:-2}" "${3:-gpt2}" 2>&1 | grep -v 'Using incubator modules'
