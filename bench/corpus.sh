#!/usr/bin/env bash
# Benchmark of the corpus pipeline core (dev.kiln.corpus.pipeline): documents/s per core on the
# plain-text and HTML paths, each step's share of the time, extraction precision/recall on the
# gold pages, dedup index memory per million documents. Single-threaded; throughput is measured in
# thread CPU time so a busy shared machine does not distort it (wall-clock rates are printed too).
#
#   bench/corpus.sh [seconds-per-case]     (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_CASE="${1:-10}"
./mvnw -B -q -pl corpus-service -am test-compile -DskipTests
./mvnw -B -q -pl corpus-service dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt   # written under corpus-service/
CP="corpus-service/target/test-classes:corpus-service/target/classes:$(cat corpus-service/target/bench-classpath.txt)"
exec java -Xmx2g -cp "$CP" dev.kiln.corpus.pipeline.bench.CorpusBenchmark "$SECONDS_PER_CASE"
