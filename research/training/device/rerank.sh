#!/usr/bin/env bash
# The re-ranker's cross-encoder (issue 70) trained on the device machine's GPU: the third call of the plan in
# research/training/device/README.md, after the base model's parts and the pairs have been carried. Several epochs and two
# seeds, each with the two models that leave half the corpus policies out (for out-of-fold scores), then the scores,
# the screening and the int8 graph of each seed, packed into $OUT in parts small enough to come back.
#
#   On the device (one `run`): bash research/training/device/rerank.sh
#   A dry run here on the CPU, to check the script before a GPU session spends device time on it:
#     OUT=/tmp/out DEVICE=cpu EPOCHS=1 LIMIT=64 SAMPLE=40 SEEDS=7 PYTHON=.venv/bin/python bash research/training/device/rerank.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
: "${OUT:?OUT must name the folder whose files come back (the device tool sets it)}"
PYTHON=${PYTHON:-python3}
DEVICE=${DEVICE:-cuda}
EPOCHS=${EPOCHS:-3}
BATCH=${BATCH:-32}
SEEDS=${SEEDS:-7 8}
LIMIT=${LIMIT:-0}
SAMPLE=${SAMPLE:-3000}
THREADS=${THREADS:-$(nproc)}
export PYTHONUNBUFFERED=1
# PyTorch's deterministic algorithms (finetuning.set_seed) need this for cuBLAS on a GPU.
export CUBLAS_WORKSPACE_CONFIG=:4096:8
BASE=${BASE:-/tmp/device-base/minilm}
DATA=research/training/data/rerank
WORK=${WORK:-/tmp/device-rerank}
mkdir -p "$WORK" "$OUT"

# The base model, joined from the parts the earlier calls carried, every hash checked.
[ -f "$BASE/model.safetensors" ] || "$PYTHON" research/training/device/travel.py unpack .device/minilm --to "$BASE"
# The data, carried compressed (prepare_rerank.sh); a dry run here finds it already there.
mkdir -p "$DATA"
for gz in .device/rerank-data/*.jsonl.gz; do
  [ -e "$gz" ] || continue
  [ -f "$DATA/$(basename "$gz" .gz)" ] || gunzip -c "$gz" > "$DATA/$(basename "$gz" .gz)"
done
"$PYTHON" - "$BASE" <<'PY'
import os, sys
sys.path.append('research/training/encoder')
import torch, transformers, onnx, onnxruntime  # noqa: F401  what the stages below import
from model_folder import BASE, sha256
print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), 'transformers', transformers.__version__)
# The verified base, as model_folder.py checks it where the package is installed.
if sha256(os.path.join(sys.argv[1], 'model.safetensors')) != BASE['model.safetensors sha256']:
    sys.exit('the base model is not the verified all-MiniLM-L6-v2')
PY

BF16=()
[ "$DEVICE" = cuda ] && BF16=(--bf16)
TRAIN=("$PYTHON" research/training/rerank/cross_encoder.py --pairs "$DATA/pairs.jsonl" --base "$BASE" --lr 5e-5
  --epochs "$EPOCHS" --batch "$BATCH" --device "$DEVICE" --threads "$THREADS" --limit "$LIMIT" "${BF16[@]}")
SCORE=("$PYTHON" research/training/rerank/score.py --device "$DEVICE" --threads "$THREADS")
for seed in $SEEDS; do
  "${TRAIN[@]}" --seed "$seed" --out "$WORK/s$seed"
  for fold in 0 1; do "${TRAIN[@]}" --seed "$seed" --folds 2 --leave-out "$fold" --out "$WORK/s$seed-f$fold"; done
  "${SCORE[@]}" --model "$WORK/s$seed" --set qa-sample --set qa-staff --set qa-holdout --set qa-blind --set qa-fresh --out "$WORK/s$seed-sets.jsonl"
  "${SCORE[@]}" --model "$WORK/s$seed-f{fold}" --folds 2 --set corpus --sample "$SAMPLE" --out "$WORK/s$seed-oof.jsonl"
  "$PYTHON" research/training/rerank/screen.py --scores "$WORK/s$seed-sets.jsonl" --oof "$WORK/s$seed-oof.jsonl" \
    --write-calibration "$WORK/s$seed-calibration.json" | tee "$WORK/s$seed-screen.txt"
  if "$PYTHON" research/training/rerank/ship.py --trained "$WORK/s$seed" --calibration "$WORK/s$seed-calibration.json" \
    --order crossEncoder --out "$WORK/rerank-s$seed"; then
    # The shipped folder (about 23 MB) in parts of at most 15 MiB: two parts and a manifest.
    "$PYTHON" research/training/device/travel.py pack "$WORK/rerank-s$seed" "rerank-s$seed" --part-mib 15 --out "$OUT/rerank-s$seed"
  else
    # The int8 graph was refused (its rewrite for every CPU moved the vectors too far): the trained weights (about 87
    # MiB) wait on the machine in parts of 15 MiB, to come back over two more calls while it is warm (README.md).
    echo "seed $seed: no int8 graph; its weights are in $WORK/trained-s$seed, to bring back with further calls"
    rm -rf "$WORK/trained-s$seed"
    "$PYTHON" research/training/device/travel.py pack "$WORK/s$seed" "trained-s$seed" --part-mib 15 --out "$WORK/trained-s$seed"
  fi
done
# Scores, screening, records and logs in one file (at most 8 files come back).
tar -czf "$OUT/rerank-scores.tar.gz" -C "$WORK" $(cd "$WORK" && ls -d s*-sets.jsonl s*-oof.jsonl s*-screen.txt s*-calibration.json s*/record.json)
ls -la "$OUT" "$OUT"/*
