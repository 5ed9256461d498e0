"""What a GPU session needs to get files to and from the device machine, within its limits (Python's standard library only).

The device tool sends the working tree (tracked files, and untracked files git does not ignore, plus the ignored paths a
call names in `carry`), 64 MiB at most a call, and brings back at most 8 files of 16 MiB (64 MiB in all) from $OUT.
This repository's tracked files alone are larger than that (the shipped models), and a base model's weights are larger
still, so (research/training/device/README.md says when to use each):

  python3 research/training/device/travel.py size [CARRY ...]    what would travel now, and the largest files
  python3 research/training/device/travel.py aside [--at-kib 512]
                                                                 takes the large tracked files out of what travels
  python3 research/training/device/travel.py back                puts them back (run it before any commit)
  python3 research/training/device/travel.py pack SRC NAME [--part-mib 40] [--out DIR]
                                                                 splits a file or folder into parts under .device/NAME
                                                                 (or DIR), with a manifest of SHA-256s, to carry over
                                                                 several calls or bring back through $OUT
  python3 research/training/device/travel.py unpack DIR... --to DEST
                                                                 joins the parts found under DIR... and checks every hash

`aside` leaves every file on disk: it takes the large ones out of git's index and lists them in .git/info/exclude, so
that they are neither tracked nor untracked-not-ignored; `back` restores the index from HEAD and the exclude file.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import tarfile

LIMIT = 64 * 1024 * 1024
# Files at or over this size are set aside by default: the models and the larger held-out scores.
ASIDE_AT_KIB = 512
MARK_BEGIN = '# travel.py aside: begin'
MARK_END = '# travel.py aside: end'


def git(*args, input_text=None):
    return subprocess.run(['git', *args], check=True, capture_output=True, text=True, input=input_text).stdout


def root():
    return git('rev-parse', '--show-toplevel').strip()


def listed(z_output):
    return [p for p in z_output.split('\0') if p]


def traveling(carry):
    """Paths (relative to the root) that a call would send: tracked files on disk, untracked not ignored, and carry."""
    paths = set(listed(git('ls-files', '-z', '--cached'))) | set(listed(git('ls-files', '-z', '--others', '--exclude-standard')))
    for c in carry:
        for base, _dirs, files in os.walk(c) if os.path.isdir(c) else [(os.path.dirname(c), [], [os.path.basename(c)])]:
            paths.update(os.path.normpath(os.path.join(base, f)) for f in files)
    return sorted(p for p in paths if os.path.isfile(p) and not os.path.islink(p))


def cmd_size(args):
    paths = traveling(args.carry)
    sizes = sorted(((os.path.getsize(p), p) for p in paths), reverse=True)
    total = sum(s for s, _ in sizes)
    print(f'{len(paths)} files, {total / 2**20:.1f} MiB would travel (limit {LIMIT / 2**20:.0f} MiB)'
          + ('' if total <= LIMIT else ': OVER, run `travel.py aside` first'))
    for s, p in sizes[:args.top]:
        print(f'  {s / 2**20:8.1f} MiB  {p}')
    return 0 if total <= LIMIT else 1


def exclude_file():
    return os.path.join(git('rev-parse', '--git-dir').strip(), 'info', 'exclude')


def read_exclude():
    try:
        with open(exclude_file(), encoding='utf-8') as f:
            return f.read()
    except FileNotFoundError:
        return ''


def without_block(text):
    if MARK_BEGIN not in text:
        return text
    head, rest = text.split(MARK_BEGIN, 1)
    return head + (rest.split(MARK_END, 1)[1].lstrip('\n') if MARK_END in rest else '')


GLOB = '\\*?['


def pattern_of(path):
    """A path as an exclude pattern that matches it alone (git reads *, ? and [ as wildcards, and a backslash escapes)."""
    return ''.join('\\' + c if c in GLOB else c for c in path)


def path_of(pattern):
    out, escaped = [], False
    for c in pattern:
        if escaped or c != '\\':
            out.append(c)
            escaped = False
        else:
            escaped = True
    return ''.join(out)


def cmd_aside(args):
    if MARK_BEGIN in read_exclude():
        print('Already set aside; `travel.py back` first.', file=sys.stderr)
        return 1
    if git('diff', '--cached', '--name-only').strip():
        print('The index has staged changes: commit or unstage them first, so `back` restores only what `aside` took.', file=sys.stderr)
        return 1
    big = [p for p in listed(git('ls-files', '-z', '--cached')) if os.path.isfile(p) and os.path.getsize(p) >= args.at_kib * 1024]
    if not big:
        print('Nothing to set aside.')
        return 0
    git('rm', '--cached', '--quiet', '--pathspec-from-file=-', '--pathspec-file-nul', input_text='\0'.join(big))
    text = read_exclude()
    block = '\n'.join([MARK_BEGIN, *('/' + pattern_of(p) for p in big), MARK_END, ''])
    os.makedirs(os.path.dirname(exclude_file()), exist_ok=True)
    with open(exclude_file(), 'w', encoding='utf-8') as f:
        f.write(text + ('' if text.endswith('\n') or text == '' else '\n') + block)
    print(f'Set aside {len(big)} files ({sum(os.path.getsize(p) for p in big) / 2**20:.1f} MiB); they stay on disk.')
    print('Run `python3 research/training/device/travel.py back` when the device calls are done, before any commit.')
    return 0


def cmd_back(_args):
    text = read_exclude()
    if MARK_BEGIN not in text:
        print('Nothing was set aside.')
        return 0
    paths = [path_of(line[1:]) for line in text.split(MARK_BEGIN, 1)[1].split(MARK_END, 1)[0].splitlines() if line.startswith('/')]
    with open(exclude_file(), 'w', encoding='utf-8') as f:
        f.write(without_block(text))
    # The index entries come back from HEAD: the files on disk were never touched.
    git('reset', '--quiet', 'HEAD', '--pathspec-from-file=-', '--pathspec-file-nul', input_text='\0'.join(paths))
    print(f'Put back {len(paths)} files.')
    return 0


def sha256_of(path, chunk=1 << 20):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(chunk), b''):
            h.update(block)
    return h.hexdigest()


def split_into(path, out, part_bytes):
    """Splits one file into out/partNNN/data; returns the parts with their hashes."""
    parts = []
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(part_bytes), b''):
            # Each part in a folder of its own, so that one call can carry some of them by name.
            part = f'part{len(parts):03d}'
            os.makedirs(os.path.join(out, part))
            with open(os.path.join(out, part, 'data'), 'wb') as p:
                p.write(block)
            parts.append({'part': part, 'sha256': hashlib.sha256(block).hexdigest()})
    return parts


def cmd_pack(args):
    src = args.src.rstrip('/')
    out = args.out or os.path.join(root(), '.device', args.name)
    os.makedirs(out, exist_ok=False)
    folder = os.path.isdir(src)
    whole = src
    if folder:
        # A folder travels as one tar stream (small files would each take a part), the order of its names fixed.
        whole = os.path.join(out, '.whole.tar')
        with tarfile.open(whole, 'w', format=tarfile.PAX_FORMAT) as tar:
            for base, dirs, files in os.walk(src):
                dirs.sort()
                for f in sorted(files):
                    tar.add(os.path.join(base, f), arcname=os.path.relpath(os.path.join(base, f), src), recursive=False)
    manifest = {'name': args.name, 'folder': folder, 'path': os.path.basename(src), 'size': os.path.getsize(whole),
                'sha256': sha256_of(whole), 'parts': split_into(whole, out, int(args.part_mib * 2**20))}
    if folder:
        os.remove(whole)
    with open(os.path.join(out, 'manifest.json'), 'w', encoding='utf-8') as f:
        json.dump(manifest, f, indent=1)
    print(f'{len(manifest["parts"])} parts of at most {args.part_mib} MiB under {os.path.relpath(out)}; carry manifest.json with the first')
    return 0


def cmd_unpack(args):
    manifests = [os.path.join(d, 'manifest.json') for d in args.dirs if os.path.isfile(os.path.join(d, 'manifest.json'))]
    if len(manifests) != 1:
        print('Exactly one of the folders must hold manifest.json', file=sys.stderr)
        return 1
    with open(manifests[0], encoding='utf-8') as f:
        manifest = json.load(f)
    where = {}
    for d in args.dirs:
        for name in os.listdir(d):
            if os.path.isfile(os.path.join(d, name, 'data')):
                where[name] = os.path.join(d, name, 'data')
    missing = [p['part'] for p in manifest['parts'] if p['part'] not in where]
    if missing:
        print(f'Missing parts: {" ".join(missing)}', file=sys.stderr)
        return 1
    os.makedirs(args.to, exist_ok=True)
    whole = os.path.join(args.to, '.whole.tar' if manifest['folder'] else manifest['path'])
    with open(whole, 'wb') as out:
        for p in manifest['parts']:
            with open(where[p['part']], 'rb') as f:
                block = f.read()
            if hashlib.sha256(block).hexdigest() != p['sha256']:
                print(f'{p["part"]} does not match its hash', file=sys.stderr)
                return 1
            out.write(block)
    if sha256_of(whole) != manifest['sha256'] or os.path.getsize(whole) != manifest['size']:
        print(f'{manifest["path"]} does not match its hash', file=sys.stderr)
        return 1
    if manifest['folder']:
        with tarfile.open(whole) as tar:
            tar.extractall(args.to, filter='data')
        os.remove(whole)
    print(f'{manifest["path"]} joined under {args.to}, every hash checked')
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = parser.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('size')
    p.add_argument('carry', nargs='*')
    p.add_argument('--top', type=int, default=10)
    p = sub.add_parser('aside')
    p.add_argument('--at-kib', type=float, default=ASIDE_AT_KIB, help='set aside tracked files of at least this size')
    sub.add_parser('back')
    p = sub.add_parser('pack')
    p.add_argument('src')
    p.add_argument('name')
    p.add_argument('--part-mib', type=float, default=40)
    p.add_argument('--out')
    p = sub.add_parser('unpack')
    p.add_argument('dirs', nargs='+')
    p.add_argument('--to', required=True)
    args = parser.parse_args()
    if args.cmd in ('size', 'aside', 'back'):
        os.chdir(root())
    return {'size': cmd_size, 'aside': cmd_aside, 'back': cmd_back, 'pack': cmd_pack, 'unpack': cmd_unpack}[args.cmd](args)


if __name__ == '__main__':
    sys.exit(main())
