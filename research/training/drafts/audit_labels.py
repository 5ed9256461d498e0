"""A label audit of the training drafts for "check my post" (issue 53, tenth pass; research/DECISIONS.md, 03:18).

select: from a model's held-out logits over every draft (finetune.py --only-fold K for K = 0, 1, 2: FOLD/held-out.json),
  per concern the 25 highest-scoring drafts not labelled with it at or over the threshold that finds 90% of its
  positives, the 8 lowest-scoring labelled with it under that threshold, and 8 controls where the model agrees with
  the label (4 labelled, 4 not, at random). Writes the pairs the auditors read (pairs.jsonl: the draft, its card and
  the concern, shuffled, with neither label nor group) and the key (key.json: each pair's draft, label and group).
apply: from two auditors' answers (answers-A.jsonl, answers-B.jsonl: {"id", "answer": yes|no|unsure}), a label changes
  where both answer the opposite of it, neither unsure, in every group alike. Prints each group's agreement and writes
  changes.jsonl ({"file", "line", "draftStart", "concern", "label", "auditGroup"}), which finetune.py --label-changes
  applies and check_drafts.py checks.

Usage (the Python with research/training/requirements-encoder.txt, as train.sh):
       python3 research/training/drafts/audit_labels.py select --held-out F0 F1 F2 [--out research/corpus/drafts/audit]
       python3 research/training/drafts/audit_labels.py apply [--out research/corpus/drafts/audit]
"""
import argparse
import collections
import json
import os
import random

import numpy as np

from choose_thresholds import CONCERNS
from finetune import MEDIA, ROOT, folds_by_policy, read_drafts


def drafts():
    """The corpus's drafts as finetune.py reads them, each with `where`: (its file's name, its line)."""
    return read_drafts(os.path.join(ROOT, 'corpus', 'drafts', 'written', '*.jsonl'))


def select(args):
    rows = drafts()
    fold_of = folds_by_policy(rows, len(args.held_out))
    logit = np.zeros((len(rows), len(CONCERNS)))
    for f, path in enumerate(args.held_out):  # finetune.py writes a fold's held-out drafts in the corpus's order
        held = json.load(open(path))
        idx = np.where(fold_of == f)[0]
        assert len(idx) == len(held) and all(rows[i]['policy'] == h['policy'] for i, h in zip(idx, held)), path
        logit[idx] = [h['logits'] for h in held]
    y = np.array([[c in r['concerns'] for c in CONCERNS] for r in rows])
    rng = random.Random(53)
    pairs = []
    for c, concern in enumerate(CONCERNS):
        pos = np.sort(logit[y[:, c], c])
        threshold = pos[int(0.1 * len(pos))]
        groups = {'false-alarm': [i for i in np.argsort(-logit[:, c]) if not y[i, c] and logit[i, c] >= threshold][:25],
                  'miss': [i for i in np.argsort(logit[:, c]) if y[i, c] and logit[i, c] < threshold][:8],
                  'control': rng.sample([i for i in range(len(rows)) if y[i, c] and logit[i, c] >= threshold], 4)
                  + rng.sample([i for i in range(len(rows)) if not y[i, c] and logit[i, c] < threshold], 4)}
        for group, idx in groups.items():
            pairs += [{'row': int(i), 'concern': concern, 'group': group, 'label': bool(y[i, c]),
                       'logit': round(float(logit[i, c]), 3), 'where': rows[i]['where']} for i in idx]
    rng.shuffle(pairs)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, 'pairs.jsonl'), 'w') as out:
        for k, p in enumerate(pairs, 1):
            p['id'] = k
            r = rows[p['row']]
            out.write(json.dumps({'id': k, 'concern': p['concern'], 'media': MEDIA[r['media']], 'account': r['account'] + ' account',
                                  'audience': r['audience'], 'platform': r['platform'], 'draft': r['draft']}, ensure_ascii=False) + '\n')
    json.dump(pairs, open(os.path.join(args.out, 'key.json'), 'w'))
    print(len(pairs), 'pairs:', dict(collections.Counter(p['group'] for p in pairs)))


def apply(args):
    rows = {tuple(r['where']): r for r in drafts()}
    key = json.load(open(os.path.join(args.out, 'key.json')))
    answers = {}
    for who in ('A', 'B'):
        lines = (json.loads(line) for line in open(os.path.join(args.out, f'answers-{who}.jsonl')) if line.strip())
        answers[who] = {a['id']: a['answer'] for a in lines}
        missing = [p['id'] for p in key if p['id'] not in answers[who]]
        if missing:
            raise SystemExit(f'auditor {who} has no answer for {len(missing)} pairs (first: {missing[0]})')
    counts, changes = collections.Counter(), []
    for p in key:
        a, b = answers['A'][p['id']], answers['B'][p['id']]
        label, opposite = ('yes', 'no') if p['label'] else ('no', 'yes')
        g = p['group']
        counts[g, 'pairs'] += 1
        counts[g, 'A keeps the label'] += a == label
        counts[g, 'B keeps the label'] += b == label
        counts[g, 'both sure'] += a != 'unsure' and b != 'unsure'
        counts[g, 'both sure and agreeing'] += a != 'unsure' and a == b
        if a == opposite and b == opposite:
            counts[g, 'changed'] += 1
            row = rows[tuple(p['where'])]
            changes.append({'file': p['where'][0], 'line': p['where'][1], 'draftStart': row['draft'][:40], 'concern': p['concern'],
                            'label': not p['label'], 'auditGroup': g})
    for g in ('false-alarm', 'miss', 'control'):
        print(g + ': ' + ', '.join(f'{k[1]} {v}' for k, v in counts.items() if k[0] == g))
    for (concern, g), n in sorted(collections.Counter((c['concern'], c['auditGroup']) for c in changes).items()):
        print(f'  {concern:20s} {g:12s} {n} changed')
    changes.sort(key=lambda c: (c['file'], c['line'], c['concern']))
    with open(os.path.join(args.out, 'changes.jsonl'), 'w') as out:
        for c in changes:
            out.write(json.dumps(c, ensure_ascii=False) + '\n')
    print(f'{len(changes)} label changes written to {os.path.join(args.out, "changes.jsonl")}')


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('step', choices=['select', 'apply'])
    parser.add_argument('--held-out', nargs='+', help='select: each fold\'s held-out.json, in fold order')
    parser.add_argument('--out', default=os.path.join(ROOT, 'corpus', 'drafts', 'audit'))
    args = parser.parse_args()
    if args.step == 'select' and not args.held_out:
        parser.error('select needs --held-out')
    (select if args.step == 'select' else apply)(args)


if __name__ == '__main__':
    main()
