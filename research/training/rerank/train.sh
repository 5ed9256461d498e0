#!/usr/bin/env bash
# npm run train:rerank: trains the cross-encoder re-ranker and writes models/rerank/ (issue 50; research/DECISIONS.md).
# Stages, each runnable alone with --help:
#   research/scripts/exportRerankData.ts (the present stack's candidates for every corpus and evaluation question)
#   -> build_pairs.py (question-passage pairs with the stack's hard negatives)
#   -> cross_encoder.py (the final model, and two models each leaving half the corpus policies out)
#   -> score.py (the final model on the evaluation sets; the fold models on the corpus out of fold)
#   -> screen.py (the designs' figures; the decline threshold and "sure" fitted on the corpus out of fold)
#   -> ship.py (the int8 ONNX graph, tokenizer, heads.json, manifest, record, SHA256SUMS).
# On two CPU cores each training takes 20-30 min. PYTHON must have research/training/requirements-encoder.txt installed.
# ORDER (crossEncoder or fused) is the design screening chose; SEED the final model's seed.
set -euo pipefail
cd "$(dirname "$0")/../../.."
PYTHON=${PYTHON:-python3}
SEED=${SEED:-7}
ORDER=${ORDER:-crossEncoder}
BASE=$("$PYTHON" research/training/encoder/model_folder.py base)
DATA=research/training/data/rerank
WORK=research/training/.cache/rerank
mkdir -p "$WORK"
npm run build --silent
node dist/research/scripts/exportRerankData.js "$DATA" --eval
"$PYTHON" research/training/rerank/build_pairs.py --data "$DATA" --out "$DATA/pairs.jsonl"
TRAIN=("$PYTHON" research/training/rerank/cross_encoder.py --pairs "$DATA/pairs.jsonl" --base "$BASE" --lr 5e-5)
"${TRAIN[@]}" --seed "$SEED" --out "$WORK/s$SEED"
for fold in 0 1; do
  [ -f "$WORK/f$fold/head.json" ] || "${TRAIN[@]}" --seed 7 --folds 2 --leave-out "$fold" --out "$WORK/f$fold"
done
"$PYTHON" research/training/rerank/score.py --model "$WORK/s$SEED" --set qa-sample --set qa-staff --set qa-holdout --set qa-blind --set qa-fresh --out "$WORK/s$SEED-sets.jsonl"
[ -f "$WORK/oof.jsonl" ] || "$PYTHON" research/training/rerank/score.py --model "$WORK/f{fold}" --folds 2 --set corpus --sample 3000 --out "$WORK/oof.jsonl"
"$PYTHON" research/training/rerank/screen.py --scores "$WORK/s$SEED-sets.jsonl" --oof "$WORK/oof.jsonl" --write-calibration "$WORK/calibration.json" | tee "$WORK/screen-s$SEED.txt"
"$PYTHON" research/training/rerank/ship.py --trained "$WORK/s$SEED" --calibration "$WORK/calibration.json" --order "$ORDER" --out models/rerank
echo "now: npm run eval (the product's figures with the re-ranker)"
