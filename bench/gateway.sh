#!/usr/bin/env bash
# Inference-gateway benchmark: tokens/s at 1, 8 and 32 concurrent streams, TTFT p50/p99, the
# gateway core against a bare ONNX Runtime decode loop on the same model in the same JVM, and
# the batching speedup at 32 streams. CPU only, intra-op threads 1, greedy, 8-token prompts.
#
#   bench/gateway.sh            # small model (4 layers, 256 channels) and GPT-2-124M shape
#   bench/gateway.sh small 64 3 # one model, 64 new tokens per stream, best of 3 interleaved runs
#   bench/gateway.sh sampling   # sampling µs/token at vocab 128,256: partial selection vs full sort
#   bench/gateway.sh longprompt # a 2,000-token prompt joining 8 decoding streams, chunked or not
#
# Results go to stdout; bench/gateway-results.md holds a recorded run.
set -euo pipefail
cd "$(dirname "$0")/.."

CORE=inference-gateway/inference-core
CP_FILE=$CORE/target/bench.classpath
# One reactor run, so sibling modules resolve to their target/classes (nothing is installed).
./mvnw -B -q -pl "$CORE" -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="$CORE/target/test-classes:$CORE/target/classes:$(cat "$CP_FILE")"

run() {
  java --add-modules jdk.incubator.vector -Xmx6g -XX:MaxDirectMemorySize=6g -cp "$CP" \
       dev.kiln.inference.bench.GatewayBench "$@"
}

if [[ "${1:-}" == sampling ]]; then
  shift
  java -cp "$CP" dev.kiln.inference.bench.SamplerBench "$@"
elif [[ "${1:-}" == longprompt ]]; then
  shift
  java -Xmx6g -XX:MaxDirectMemorySize=6g -cp "$CP" dev.kiln.inference.bench.LongPromptBench "$@"
elif [[ $# -gt 0 ]]; then
  run "$@"
else
  run small 256 3
  run gpt2 32 1
fi
