#!/usr/bin/env bash
# Rebuilds corpus-core's language model file (kiln/corpus/lang/ngram-model.bin.gz): the langdetect
# Wikipedia profiles from the optimaize jar at one pruning depth, a log prior from their corpus sizes,
# and the prior weight and score calibration fitted on the Europarl
# calibration sittings. Then run bench/langid.sh to evaluate it on the held-out sittings.
set -euo pipefail
cd "$(dirname "$0")/.."
LANGID_MAIN=BuildLanguageModel exec bench/langid.sh "$@"
