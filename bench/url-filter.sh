#!/usr/bin/env bash
# Cost of the URL filter with a UT1-sized block list (generated): load time, heap per entry and CPU time
# per URL, beside a HashSet<String> of the same domains in the same run.
#
#   bench/url-filter.sh [domains] [seconds-per-case]      (defaults 4600000 and 10)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl corpus-service/corpus-core -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
CORE=corpus-service/corpus-core
CP="$CORE/target/test-classes:$CORE/target/classes:$(cat $CORE/target/bench-classpath.txt)"
exec java -Xmx4g -cp "$CP" dev.kiln.corpus.pipeline.filters.UrlFilterBenchmark "$@"
