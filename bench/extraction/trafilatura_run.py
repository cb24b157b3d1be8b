# Trafilatura over the pages Kiln's extraction benchmark lists, as its second same-run peer (the extractor
# FineWeb's datatrove runs): writes each page's text to OUT/<id>.txt and the timing to OUT/timing.json, in
# the layout readability.mjs writes, so ExtractionBenchmark scores both the same way.
#
#   python3 trafilatura_run.py PAGES.tsv OUT_DIR
#
# PAGES.tsv lines: id <TAB> split <TAB> path-to-html. Each page's raw bytes go to trafilatura.extract (it
# sniffs the encoding itself) with include_comments=False: the gold of every set is the main text without
# comments, and FineWeb extracts without them too. Time is process CPU time and wall time per page.
import gzip
import json
import os
import re
import sys
import time
from importlib.metadata import version

import lxml
import trafilatura


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: python3 trafilatura_run.py PAGES.tsv OUT_DIR")
    pages_file, out_dir = sys.argv[1:]
    os.makedirs(out_dir, exist_ok=True)
    with open(pages_file, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]
    cpu = wall = 0.0
    size = failures = 0
    for line in lines:
        page_id, _, path = line.split("\t")
        with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:  # Fundus's pages are gzipped
            raw = f.read()
        size += len(raw)
        text = ""
        cpu0, wall0 = time.process_time(), time.perf_counter()
        try:
            text = trafilatura.extract(raw, include_comments=False) or ""
        except Exception:  # a peer's crash on one page is counted, not fatal
            failures += 1
        cpu += time.process_time() - cpu0
        wall += time.perf_counter() - wall0
        name = re.sub(r"[^A-Za-z0-9._-]", "_", page_id) + ".txt"
        with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
            f.write(text)
    timing = {
        "peer": "trafilatura %s + lxml %s, python %s"
        % (version("trafilatura"), lxml.__version__, sys.version.split()[0]),
        "pages": len(lines),
        "bytes": size,
        "failures": failures,
        "cpuSeconds": cpu,
        "wallSeconds": wall,
    }
    with open(os.path.join(out_dir, "timing.json"), "w", encoding="utf-8") as f:
        json.dump(timing, f, indent=2)
    print(
        "%s: %d pages, %.1f pages/s (CPU), %.1f pages/s (wall), %d failures"
        % (timing["peer"], len(lines), len(lines) / cpu, len(lines) / wall, failures)
    )


if __name__ == "__main__":
    main()
