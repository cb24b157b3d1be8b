#!/usr/bin/env bash
# Growth of the html_extract step's time on hostile markup (deep nesting, lost end tags, floods of one tag),
# each page at two sizes four times apart, beside jsoup's HTML5 parse of the same bytes in the same run.
# Generated pages only; nothing is fetched.
#
#   bench/extraction-hostile.sh [small page size in MB (1)] [rounds (3)]
#   BASELINE_CLASSES=DIR bench/extraction-hostile.sh ...   runs another commit's compiled main classes instead
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl corpus-service/corpus-core -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
CORE=corpus-service/corpus-core
MAIN_CLASSES="${BASELINE_CLASSES:-$CORE/target/classes}"
CP="$CORE/target/test-classes:$MAIN_CLASSES:$(cat $CORE/target/bench-classpath.txt)"
lscpu | grep "Model name" || true
exec java -Xmx4g -cp "$CP" dev.kiln.corpus.pipeline.bench.HostileHtmlBenchmark "$@"
