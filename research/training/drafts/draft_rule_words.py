"""Design LX (issue 53, thirteenth pass; research/DECISIONS.md): the words a draft shares with each candidate rule.

Reads an export of `node dist/research/scripts/exportDraftRuleData.js OUT --text ...` and writes it again with each candidate's
third column (the reader encoder's cosine to the draft) replaced by LX: the sum of the IDF of the distinct words the
framed draft (card line and draft, as the draft model reads it) shares with the candidate, over the square root of the
candidate's distinct words. Words are lower-case letter runs less scikit-learn's English stop words, a final "s" taken
off words longer than three letters; IDF = ln((N + 1) / (df + 1)) + 1 over the policy's candidate passages.
`fit_draft_rules.py --data OUT --wide --similarity-only` judges it. LX did not ship (+1.1 points where its bar was 5).

Usage: python3 research/training/drafts/draft_rule_words.py EXPORT.jsonl OUT.jsonl --labels A.jsonl B.jsonl
"""
import argparse
import collections
import json
import math
import os
import re
import sys

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'encoder'))
from draft_rule_encoder import with_cards  # noqa: E402
from finetuning import read_jsonl  # noqa: E402


def words(text):
    """The distinct content words of a text, a final "s" taken off the longer ones."""
    out = set()
    for w in re.findall(r'[a-z]+', text.lower()):
        if w in ENGLISH_STOP_WORDS:
            continue
        out.add(w[:-1] if len(w) > 3 and w.endswith('s') else w)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('export')
    parser.add_argument('out')
    parser.add_argument('--labels', required=True, nargs='+', help='the labelled files the export was made from (their card lines)')
    args = parser.parse_args()
    pairs = with_cards(read_jsonl(args.export), args.labels)
    idf = {}
    for policy in {p['policy'] for p in pairs}:
        texts = {c[4] for p in pairs if p['policy'] == policy for c in p['candidates']}
        df = collections.Counter(w for t in texts for w in words(t))
        idf[policy] = {w: math.log((len(texts) + 1) / (d + 1)) + 1 for w, d in df.items()}
    for p in pairs:
        query, weight = words(p.pop('query')), idf[p['policy']]
        for c in p['candidates']:
            theirs = words(c[4])
            c[2] = round(sum(weight.get(w, 0) for w in query & theirs) / math.sqrt(max(1, len(theirs))), 4)
    with open(args.out, 'w', encoding='utf8') as f:
        for p in pairs:
            f.write(json.dumps(p) + '\n')


if __name__ == '__main__':
    main()
