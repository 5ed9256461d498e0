"""Checks the training drafts for "check my post" (issue 53) before anything learns from them.

Each line of research/corpus/drafts/written/*.jsonl must name a corpus policy, give the card's choices from their lists, label
only known concerns, once each, and for each concern copy the words of the draft that raise it (exactly; empty only
for a photo of people the card declares). The same draft written twice, in one batch or two, is an error too: it
would sit on both sides of a fold. The label changes of an audit (research/corpus/drafts/audit/changes.jsonl, when there is
one) must each name a draft by its file and line, quote its start, and change its label. Prints one line per fault
and exits 1 if there is any.

The unlabelled drafts (research/corpus/drafts/unlabelled/*.jsonl, design DT: learnt with the larger model's scores alone) are
checked by default too: the card's choices and policy as above, no labels, and none the same as another draft, labelled
or not.

Usage: python3 research/training/drafts/check_drafts.py [FILE ...]   (default: every batch in research/corpus/drafts/written/, and
research/corpus/drafts/unlabelled/)
"""
import glob
import json
import os
import re
import sys

from choose_thresholds import CONCERNS  # the concern ids, one list for the training scripts that need no torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..')
CHOICES = {'platform': {'facebook', 'instagram', 'x', 'tiktok', 'whatsapp', 'linkedin', 'other'},
           'account': {'personal', 'school'}, 'audience': {'public', 'friends', 'group'},
           'media': {'pupils', 'colleagues', 'none'}}


def faults(row, policies, labelled=True):
    """What is wrong with one draft; an unlabelled one (research/corpus/drafts/unlabelled/) has no concerns or evidence."""
    out = []
    if row.get('policy') not in policies:
        out.append(f'policy {row.get("policy")!r} is not in research/corpus/policies/')
    if not isinstance(row.get('draft'), str) or not row['draft'].strip():
        out.append('no draft')
        return out
    for key, allowed in CHOICES.items():
        if row.get(key) not in allowed:
            out.append(f'{key} {row.get(key)!r} is not one of {sorted(allowed)}')
    if not labelled:
        if 'concerns' in row or 'evidence' in row:
            out.append('an unlabelled draft has no concerns or evidence')
        return out
    concerns = row.get('concerns')
    if not isinstance(concerns, list) or len(set(concerns)) != len(concerns or []):
        out.append('concerns must be a list of distinct ids')
        return out
    for c in concerns:
        if c not in CONCERNS:
            out.append(f'unknown concern {c!r}')
    evidence = row.get('evidence')
    if not isinstance(evidence, dict) or set(evidence) != set(concerns):
        out.append('evidence must have one entry per concern, and no other')
        return out
    for c, phrase in evidence.items():
        if phrase == '':
            if not (c == 'pupil-images' and row.get('media') in ('pupils', 'colleagues')):
                out.append(f'{c}: empty evidence (only a declared photo of people may have none)')
        elif not isinstance(phrase, str) or phrase not in row['draft']:
            out.append(f'{c}: evidence {phrase!r} is not words of the draft')
    return out


def lines(path):
    """(line number, 'file:line', text) for each line of a JSONL file that is not blank."""
    for n, line in enumerate(open(path, encoding='utf8'), 1):
        if line.strip():
            yield n, f'{os.path.relpath(path, ROOT)}:{n}', line


def change_faults(path, drafts):
    """Each label change names a draft (file, line), starts with its words, names a known concern and flips its label."""
    out = []
    for _, where, line in lines(path):
        try:
            change = json.loads(line)
            row = drafts.get((change['file'], change['line']))
            if row is None:
                out.append(f'{where}: no draft at {change["file"]}:{change["line"]}')
            elif not row['draft'].startswith(change['draftStart']):
                out.append(f'{where}: {change["file"]}:{change["line"]} does not start {change["draftStart"]!r}')
            elif change['concern'] not in CONCERNS:
                out.append(f'{where}: unknown concern {change["concern"]!r}')
            elif (change['concern'] in row['concerns']) == bool(change['label']):
                out.append(f'{where}: the draft already has label {change["label"]} for {change["concern"]}')
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            out.append(f'{where}: not a change ({e})')
    return out


def main():
    files = sys.argv[1:] or sorted(glob.glob(os.path.join(ROOT, 'research', 'corpus', 'drafts', 'written', '*.jsonl')))
    unlabelled = set() if sys.argv[1:] else set(sorted(glob.glob(os.path.join(ROOT, 'research', 'corpus', 'drafts', 'unlabelled', '*.jsonl'))))
    files = files + sorted(unlabelled)
    policies = {f[:-4] for f in os.listdir(os.path.join(ROOT, 'research', 'corpus', 'policies')) if f.endswith('.txt')}
    seen, bad, count, drafts = {}, 0, 0, {}
    for path in files:
        for n, where, line in lines(path):
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                print(f'{where}: not JSON ({e.msg})')
                bad += 1
                continue
            count += 1
            if isinstance(row, dict) and path not in unlabelled:
                drafts[(os.path.basename(path), n)] = row
            problems = faults(row, policies, path not in unlabelled) if isinstance(row, dict) else ['not an object']
            key = re.sub(r'\s+', ' ', str(row.get('draft', '')).strip().lower()) if isinstance(row, dict) else ''
            if key and key in seen:
                problems.append(f'the same draft as {seen[key]}')
            seen.setdefault(key, where)
            for p in problems:
                print(f'{where}: {p}')
            bad += bool(problems)
    print(f'{count} drafts in {len(files)} file(s), {bad} with faults')
    changes = os.path.join(ROOT, 'research', 'corpus', 'drafts', 'audit', 'changes.jsonl')
    if not sys.argv[1:] and os.path.exists(changes):
        wrong = change_faults(changes, drafts)
        for p in wrong:
            print(p)
        print(f'{sum(1 for line in open(changes) if line.strip())} label changes in {os.path.relpath(changes, ROOT)}, {len(wrong)} with faults')
        bad += len(wrong)
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
