#!/usr/bin/env bash
# Benchmark of the corpus pipeline core (corpus-core, dev.kiln.corpus.pipeline): documents/s per core on the
# plain-text and HTML paths, each step's share of the time, extraction precision/recall on the
# gold pages, dedup index memory per million documents. Single-threaded; throughput is measured in
# thread CPU time so a busy shared machine does not distort it (wall-clock rates are printed too).
#
#   bench/corpus.sh [seconds-per-case]     (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_CASE="${1:-10}"
# One reactor run, so that sibling modules resolve to their target/classes; every module writes its
# own target/bench-classpath.txt, and corpus-core's is the one read here.
./mvnw -B -q -pl corpus-service/corpus-core -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
CORE=corpus-service/corpus-core
CP="$CORE/target/test-classes:$CORE/target/classes:$(cat $CORE/target/bench-classpath.txt)"
exec java -Xmx2g -cp "$CP" dev.kiln.corpus.pipeline.bench.CorpusBenchmark "$SECONDS_PER_CASE"
