#!/usr/bin/env bash
# Benchmarks of tokenizer-core: encode throughput vs jtokkit (JMH, one thread), 32K-vocab training time
# on Europarl (2 threads), and the retained heap of loaded encodings. Results: bench/tokenizer-results.md.
#
# Usage: bench/tokenizer.sh [extra JMH args for the encode run]
# Defaults are short (-wi 2 -i 3 -f 1) because the build machines are small and shared.
set -euo pipefail
cd "$(dirname "$0")/.."
MODULE=tokenizer-service/tokenizer-core
OUT="$MODULE/target/bench"
mkdir -p "$OUT"

./mvnw -B -q -pl "$MODULE" test-compile
./mvnw -B -q -pl "$MODULE" dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/$OUT/classpath.txt"
CP="$MODULE/target/test-classes:$MODULE/target/classes:$(cat "$OUT/classpath.txt")"
JAVA_OPTS=(--add-modules jdk.incubator.vector -Xmx4g)
JVM_APPEND="--add-modules jdk.incubator.vector -Xmx4g"

echo "== encode throughput (JMH, 1 thread) =="
java "${JAVA_OPTS[@]}" -cp "$CP" org.openjdk.jmh.Main 'dev.kiln.tokenizer.bench.EncodeBenchmark' \
  -wi 2 -w 3s -i 3 -r 4s -f 1 -t 1 -jvmArgsAppend "$JVM_APPEND" \
  -rf json -rff "$OUT/encode.json" "$@" | tee "$OUT/encode.txt"

echo "== MB/s and ratio =="
python3 - "$OUT/encode.json" "$OUT/encode.txt" <<'PY'
import json, re, sys
results = json.load(open(sys.argv[1]))
sizes = dict(re.findall(r"corpus (\w+): \d+ documents, (\d+) bytes", open(sys.argv[2]).read()))
table = {}
for r in results:
    p = r["params"]; impl = r["benchmark"].rsplit(".", 1)[1]
    mbs = r["primaryMetric"]["score"] * int(sizes[p["corpus"]]) / 1e6
    err = r["primaryMetric"]["scoreError"] * int(sizes[p["corpus"]]) / 1e6
    table[(p["encoding"], p["corpus"], impl)] = (mbs, err)
print("| encoding | corpus | Kiln MB/s | jtokkit MB/s | Kiln / jtokkit |")
print("|---|---|---|---|---|")
for enc in ("cl100k_base", "o200k_base"):
    for corpus in ("english", "europarl"):
        k = table.get((enc, corpus, "kiln")); j = table.get((enc, corpus, "jtokkit"))
        if k and j:
            print(f"| {enc} | {corpus} | {k[0]:.1f} ± {k[1]:.1f} | {j[0]:.1f} ± {j[1]:.1f} | {k[0]/j[0]:.2f}× |")
PY

echo "== encode throughput by thread CPU time (same documents; less sensitive to a busy machine) =="
java "${JAVA_OPTS[@]}" -cp "$CP" dev.kiln.tokenizer.bench.CpuTimeComparison 8 | tee "$OUT/encode-cpu.txt"

echo "== training: 32K vocab on ~20 MB of Europarl, 2 threads (JMH single shot) =="
java "${JAVA_OPTS[@]}" -cp "$CP" org.openjdk.jmh.Main 'dev.kiln.tokenizer.bench.TrainBenchmark' \
  -bm ss -wi 1 -i 3 -f 1 -jvmArgsAppend "$JVM_APPEND" | tee "$OUT/train.txt"

echo "== retained heap of loaded encodings =="
java "${JAVA_OPTS[@]}" -cp "$CP" dev.kiln.tokenizer.bench.HeapFootprint o200k_base cl100k_base | tee "$OUT/heap.txt"
