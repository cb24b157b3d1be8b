#!/usr/bin/env bash
# Max |ONNX Runtime - Java| logits of an exported Llama bundle (fp32 and fp16, external data),
# prefill and cached steps. Results are recorded in BENCHMARKS.md.
# Usage: bench/llama-export.sh
# Builds from the reactor (sibling modules from their target/classes), so nothing is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
M=trainer-service/trainer-core/target
./mvnw -B -q -pl trainer-service/trainer-core -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/$M/bench.classpath"
exec java --add-modules jdk.incubator.vector -Xmx2g \
  -cp "$M/classes:$M/test-classes:$(cat "$M/bench.classpath")" dev.kiln.trainer.bench.LlamaExportParity 2>&1 \
  | grep -v 'Using incubator modules'
