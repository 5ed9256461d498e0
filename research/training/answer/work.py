"""The work folder the answering stack's stages hand their results through (default research/training/.cache/answer).

Each stage reads what the stages before it wrote there and writes one file of its own: data.pkl (data.py),
encoders.pt (encoders.py), features.pkl (features.py), bank.pkl (bank.py), ranker.pkl (ranker.py), decline.pkl
(decline.py), quote.pkl (quote.py); write_model.py reads them all and writes the shipped folder. Every file records
the checksum of the corpus export it was computed from, and a stage refuses a file computed from another export, so a
stage run by hand never mixes two trainings. The .pkl files hold only numbers, arrays, strings, lists and dicts (never
a class of these scripts), so any stage reads them whichever script wrote them.

Importing this module puts PyTorch on one thread, before any stage computes anything: the same data then gives the
same bytes (research/corpus/README.md, "Model history"; docs/answering.md).
"""
import argparse
import os
import pickle
import time

import torch

torch.set_num_threads(1)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
DEFAULT_WORK = os.path.join(ROOT, 'research', 'training', '.cache', 'answer')


def parser(doc):
    """A stage's argument parser: its module docstring as --help, and --work."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--work', default=DEFAULT_WORK, help='the folder the stages read and write (default research/training/.cache/answer)')
    return ap


def log(message):
    print(message, flush=True)


def path(work, name):
    return os.path.join(work, name)


def save(work, name, value):
    """Writes one stage's result as <work>/<name>.pkl, with the export's checksum it was computed from."""
    os.makedirs(work, exist_ok=True)
    with open(path(work, name + '.pkl'), 'wb') as f:
        pickle.dump(value, f)


def load(work, name, data_sha256=None):
    """Reads <work>/<name>.pkl, refusing it when it is missing or was computed from another corpus export."""
    file = path(work, name + '.pkl')
    if not os.path.exists(file):
        raise SystemExit(f'{file} is missing: run research/training/answer/{name}.py first (or research/training/answer/train.py)')
    with open(file, 'rb') as f:
        value = pickle.load(f)
    if data_sha256 is not None and value.get('data_sha256') != data_sha256:
        raise SystemExit(f'{file} was computed from another corpus export than data.pkl: run research/training/answer/{name}.py again')
    return value


class Clock:
    """A stage's own seconds, which the training record adds up (what one run of every stage took)."""

    def __init__(self):
        self.started = time.time()

    def seconds(self):
        return time.time() - self.started
