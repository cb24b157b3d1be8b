#!/usr/bin/env bash
# Language ID on short text: Kiln against lingua and optimaize (same run) on held-out Europarl paragraphs
# (whole, 100 and 50 characters) and on short non-Europarl texts; precision/recall per language at
# FineWeb's 0.65, accuracy, speed. The peers come only through the langid-bench Maven profile.
#
#   bench/langid.sh [paragraphs-per-language]      (default 300)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -P langid-bench -pl corpus-service/corpus-core -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/langid-classpath.txt
CORE=corpus-service/corpus-core
CP="$CORE/target/classes:$(cat $CORE/target/langid-classpath.txt)"
OUT=$CORE/target/langid-bench
rm -rf "$OUT" && mkdir -p "$OUT"
javac -nowarn -d "$OUT" -cp "$CP" bench/langid/*.java
MAIN="${LANGID_MAIN:-LanguageIdBench}"
exec java -Xmx6g -cp "$OUT:$CP" "$MAIN" "$@"
