#!/usr/bin/env bash
# Main-text extraction benchmark: Kiln's html_extract step against Readability.js (+ jsdom) in the same
# run, on public evaluation pages fetched by the caller (third-party pages are not committed):
#   RB_DIR  a checkout of https://github.com/mozilla/readability   (uses test/test-pages/*/source.html + expected.html)
#   TF_DIR  a checkout of https://github.com/adbar/trafilatura     (uses tests/evaldata.json, tests/eval, tests/cache)
#   L3S_DIR (optional, environment) the L3S-GN1 news set: a directory with original/ and annotated/
#           (621 pages each), e.g. L3S-GN1-20100130203947-00001/ of https://github.com/geodrome/page-signal
#           (a copy of the set published at http://www.l3s.de/~kohlschuetter/boilerplate/; research use only,
#           so it is not committed here)
#   DRAGNET_DIR (optional, environment) the Dragnet set (1,381 news/blog pages from 2012): a directory with
#           HTML/X.html and Corrected/X.html.corrected.txt. Gold: Corrected/ of https://github.com/seomoz/dragnet_data
#           (dragnet_Corrected.tar.gz); pages: its dragnet_HTML.tar.gz, or dragnet_data/input/ of
#           https://github.com/j-szulc/html-cleaning-dataset-merged. The gold holds the article, then a
#           "!@#$%^&*()  COMMENTS" line and the comments: only the article is scored. Licence: AGPL-3.0
#           (the data; Dragnet's code is MIT), so it is not committed here.
#   FUNDUS_DIR (optional, environment) recent English news (2023-2026, ~60 publishers in the US, UK,
#           Canada, South Africa and elsewhere): the parser test data of https://github.com/flairNLP/fundus,
#           i.e. its tests/resources/parser/test_data/ (<country>/<Publisher>_<date>.html.gz + <Publisher>.json).
#           Gold: the article body Fundus's hand-written per-publisher parser must give on that page (its
#           reviewed test expectation); only the English pages are used (84 at the commit below). Fetch:
#             git clone --filter=blob:none --no-checkout https://github.com/flairNLP/fundus /tmp/fundus
#             git -C /tmp/fundus sparse-checkout set tests/resources/parser/test_data
#             git -C /tmp/fundus checkout 18da6e53592f99cf0ac5770dc63d6ba99ba63ae8
#             FUNDUS_DIR=/tmp/fundus/tests/resources/parser/test_data bench/extraction.sh ...
#           Licence: Fundus is MIT (its expectations too); the pages are the publishers' copyrighted
#           articles, so they are not committed here.
#   CHAOS_DIR (optional, environment) news pages of 2013 and 2017 (Utomo and Leu): the Extraction/ folder of
#           https://github.com/MSVCode/ir-research-data (commit cbb428c): "Chaos", 360 pages of ~240 sites
#           from 2017, and "Big9" 2013 and 2017, ten pages a year from each of nine large news sites; gold =
#           the article a person copied out of the page (headline first). Research use only: not committed.
# Each page is in the dev or the held-out split (CRC32 of its id); both are reported. Kiln's speed is
# thread CPU time on one thread; Readability's is node's process CPU time (and wall time) for
# new JSDOM + parse() per page. Readability.js and jsdom are installed with npm into bench/extraction/.
#
#   bench/extraction.sh RB_DIR TF_DIR [seconds-per-speed-case (10)] [worst-dev-pages-to-list (0)]
#   SKIP_PEER=1 bench/extraction.sh ...   reuses the previous Readability.js output (quality tuning loop)
#   L3S_DIR=DIR bench/extraction.sh ...    adds L3S-GN1 (scored like the Readability pages, by word shingles)
#   DRAGNET_DIR=DIR bench/extraction.sh ... adds Dragnet (likewise)
#   FUNDUS_DIR=DIR bench/extraction.sh ...  adds Fundus's English news pages (likewise)
#   CHAOS_DIR=DIR bench/extraction.sh ...   adds the Chaos/Big9 news pages (likewise)
#   TRAFILATURA_PYTHONPATH=DIRS bench/extraction.sh ...   also runs Trafilatura as a second same-run peer (unless
#           SKIP_PEER), from source checkouts: DIRS is a PYTHONPATH naming checkouts of adbar/trafilatura,
#           adbar/courlan, adbar/htmldate and miso-belica/jusText (PyPI is not reachable here); the rest of its
#           dependencies come from Debian: apt-get install python3-lxml python3-tld python3-babel
#           python3-dateutil python3-dateparser python3-charset-normalizer python3-certifi python3-urllib3
#           and runs them with Debian's /usr/bin/python3 (PYTHON=... to choose another); Debian's lxml is older
#           than Trafilatura pins (the timing line names the versions that ran)
#   BASELINE_CLASSES=DIR bench/extraction.sh ...   also times another commit's compiled main classes (e.g.
#           git archive COMMIT | tar -x -C /tmp/base, compiled there) in the same rounds, checks it gives the
#           same output on every page, and prints Kiln / baseline per page set
set -euo pipefail
cd "$(dirname "$0")/.."
RB_DIR="$(realpath "${1:?readability checkout}")"
TF_DIR="$(realpath "${2:?trafilatura checkout}")"
SECONDS_PER_CASE="${3:-10}"
WORST="${4:-0}"
OUT=target/extraction-bench
mkdir -p "$OUT"
./mvnw -B -q -pl corpus-service/corpus-core -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
CORE=corpus-service/corpus-core
CP="$CORE/target/test-classes:$CORE/target/classes:$(cat $CORE/target/bench-classpath.txt)"
MAIN=dev.kiln.corpus.pipeline.bench.ExtractionBenchmark
SETS=()
if [ -n "${L3S_DIR:-}" ]; then SETS=("-Dkiln.bench.l3s=$(realpath "$L3S_DIR")"); fi
if [ -n "${DRAGNET_DIR:-}" ]; then SETS+=("-Dkiln.bench.dragnet=$(realpath "$DRAGNET_DIR")"); fi
if [ -n "${FUNDUS_DIR:-}" ]; then SETS+=("-Dkiln.bench.fundus=$(realpath "$FUNDUS_DIR")"); fi
if [ -n "${CHAOS_DIR:-}" ]; then SETS+=("-Dkiln.bench.chaos=$(realpath "$CHAOS_DIR")"); fi
BASE=()
if [ -n "${BASELINE_CLASSES:-}" ]; then BASE=("-Dkiln.bench.baseline=$(realpath "$BASELINE_CLASSES")"); fi
java "${SETS[@]}" -cp "$CP" $MAIN list "$RB_DIR" "$TF_DIR" "$OUT"
if [ -z "${SKIP_PEER:-}" ]; then
  (cd bench/extraction && npm ci --no-audit --no-fund --loglevel=error)
  rm -rf "$OUT/readability"
  # A fresh node process per 500 pages: jsdom keeps ~3 MB a page alive, and one process over every set ran out of
  # heap (4 GB, then 6 GB) after about 2,000 pages. readability.mjs adds up the chunks' timing.
  rm -f "$OUT"/pages-chunk-*
  split -l 500 -d "$OUT/pages.tsv" "$OUT/pages-chunk-"
  for chunk in "$OUT"/pages-chunk-*; do
    node bench/extraction/readability.mjs "$chunk" "$OUT/readability"
  done
  rm -f "$OUT"/pages-chunk-*
  if [ -n "${TRAFILATURA_PYTHONPATH:-}" ]; then
    # A source checkout carries no package metadata, which Trafilatura reads for its own version.
    init=""
    for d in ${TRAFILATURA_PYTHONPATH//:/ }; do
      if [ -f "$d/trafilatura/__init__.py" ]; then init="$d/trafilatura/__init__.py"; break; fi
    done
    [ -n "$init" ] || { echo "TRAFILATURA_PYTHONPATH names no trafilatura checkout" >&2; exit 2; }
    version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$init")"
    meta="$OUT/trafilatura-metadata"
    rm -rf "$meta" "$OUT/trafilatura"
    mkdir -p "$meta/trafilatura-$version.dist-info"
    printf 'Metadata-Version: 2.1\nName: trafilatura\nVersion: %s\n' "$version" \
      > "$meta/trafilatura-$version.dist-info/METADATA"
    PYTHONPATH="$meta:$TRAFILATURA_PYTHONPATH" "${PYTHON:-/usr/bin/python3}" -W ignore bench/extraction/trafilatura_run.py \
      "$OUT/pages.tsv" "$OUT/trafilatura"
  fi
fi
lscpu | grep "Model name" || true
uptime
exec java -Xmx2g "${SETS[@]}" "${BASE[@]}" -cp "$CP" $MAIN run "$RB_DIR" "$TF_DIR" "$OUT" "$SECONDS_PER_CASE" "$WORST"
