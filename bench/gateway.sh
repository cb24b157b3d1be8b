#!/usr/bin/env bash
# Inference-gateway benchmark: tokens/s at 1, 8 and 32 concurrent streams, TTFT p50/p99, the
# gateway core against a bare ONNX Runtime decode loop on the same model in the same JVM, and
# the batching speedup at 32 streams. CPU only, intra-op threads 1, greedy, 8-token prompts.
#
#   bench/gateway.sh            # small model (4 layers, 256 channels) and GPT-2-124M shape
#   bench/gateway.sh small 64 3 # one model, 64 new tokens per stream, best of 3 interleaved runs
#   bench/gateway.sh llama 32 1 # Llama-shaped (GQA 8/2, 512 channels, vocab 128,256), fp32; llama-fp16 too
#   bench/gateway.sh sampling   # sampling µs/token at vocab 128,256: partial selection vs full sort
#   bench/gateway.sh sampling 100 main  # the same, and main's Sampler side by side (compiled from git)
#   bench/gateway.sh longprompt # a 2,000-token prompt joining 8 decoding streams, chunked or not (Llama-shaped)
#   bench/gateway.sh longprompt 2 last  # the same, and the same weights with a last-position-logits graph
#   bench/gateway.sh chat       # chat template render µs: parsed per request vs parsed once
#   bench/gateway.sh arrivals gpt2 48 150 48 7 2
#                               # Poisson arrivals: <model> <requests> <mean gap ms> <max new> <seed> [repeats]
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
  if [[ $# -ge 2 ]]; then
    # the Sampler of git revision $2 (with its package's classes of this tree), renamed BaselineSampler
    BASE=$(mktemp -d)
    trap 'rm -rf "$BASE"' EXIT
    SRC=$CORE/src/main/java/dev/kiln/inference/sampling
    git show "$2:$SRC/Sampler.java" | sed 's/\bSampler\b/BaselineSampler/g' > "$BASE/BaselineSampler.java"
    javac -nowarn --add-modules jdk.incubator.vector -cp "$CP" -d "$BASE" "$BASE/BaselineSampler.java" 2>/dev/null
    CP="$BASE:$CP"
    set -- "$1" dev.kiln.inference.sampling.BaselineSampler
  fi
  java --add-modules jdk.incubator.vector -cp "$CP" dev.kiln.inference.bench.SamplerBench "$@"
elif [[ "${1:-}" == chat ]]; then
  shift
  java -cp "$CP" dev.kiln.inference.chat.ChatTemplateBench "$@"
elif [[ "${1:-}" == longprompt ]]; then
  shift
  java --add-modules jdk.incubator.vector -Xmx6g -XX:MaxDirectMemorySize=6g -cp "$CP" dev.kiln.inference.bench.LongPromptBench "$@"
elif [[ "${1:-}" == arrivals ]]; then
  shift
  java --add-modules jdk.incubator.vector -Xmx6g -XX:MaxDirectMemorySize=6g -cp "$CP" dev.kiln.inference.bench.ArrivalsBench "$@"
elif [[ $# -gt 0 ]]; then
  run "$@"
else
  run small 256 3
  run gpt2 32 1
fi
