"""The rule chosen for a draft (issue 53, twelfth pass): among the rule reader's best candidates for a concern, the one
with the highest reader logit + b * cosine(draft, passage) + c * the answering stack's share for its section when asked
the draft. Chooses the margin m (how far under the best logit a candidate may be), at most `most` candidates, b and c
on a grid, judged by labels of the sentence a labeller would quote for each draft (research/corpus/drafts/draft-rules/).

Reads the export of `node dist/research/scripts/exportDraftRuleData.js` (one line per draft and concern). Judged as the rule
in research/DECISIONS.md says: chosen on one labeller's policies, counted on the other's, both ways; a pair is right
when the reader finds a rule and the chosen passage's section holds the labeller's sentence (pairs whose sentence is
null, or not found in the parsed text, are left out: whether a policy has a rule stays the reader's call).

Design PD did not ship (research/DECISIONS.md, twelfth pass: +3.1 points where its bar was 5), so nothing here writes
into a model folder; the script stays to judge the next choice made for the draft the same way.

Designs DR and LX (thirteenth pass, neither shipped) are judged here too: their exports' third column is DR's cosine
(draft_rule_encoder.py --write-oof) or LX's shared words (draft_rule_words.py), with --wide --similarity-only.

Usage: python3 research/training/drafts/fit_draft_rules.py --data EXPORT.jsonl [EXPORT.jsonl ...] [--wide] [--similarity-only] [--name DR]
"""
import argparse
import itertools
import json

MARGINS = [0.5, 1, 1.5, 2, 3, 4, 6, 8]
MOST = [2, 3, 5]
SIMILARITY = [0, 0.5, 1, 2, 3, 4, 6, 8, 12]
STACK = [0, 0.5, 1, 2, 4, 8]
# --wide: the grid widened once its first choice sat on the edge (c = 8): +3.9 points instead of +3.1, still under the bar.
WIDE_SIMILARITY = SIMILARITY + [16, 24]
WIDE_STACK = STACK + [16, 32, 64]


def choose(pair, m, most, b, c):
    cands = pair['candidates']
    if not pair['hasRule'] or not cands:
        return None
    floor = cands[0][1] - m
    few = [x for x in cands[:most] if x[1] >= floor]
    best = max(range(len(few)), key=lambda i: (few[i][1] + b * few[i][2] + c * few[i][3], -i))
    return few[best][0]


def right(pairs, setting):
    return sum(1 for p in pairs if choose(p, *setting) in p['expected'])


def grid(wide=False, similarity_only=False):
    """Every (m, most, b, c) tried: the grid the rule named, or with --wide the widened one; with similarity_only, c is 0
    (design DR, thirteenth pass: the reader's logit and the draft's likeness to the candidate alone)."""
    stack = [0] if similarity_only else WIDE_STACK if wide else STACK
    return list(itertools.product(MARGINS, MOST, WIDE_SIMILARITY if wide else SIMILARITY, stack))


def best_setting(pairs, settings):
    """The setting with the most pairs right; on a tie the one nearest the reader alone (smallest b + c, then m)."""
    scored = [(right(pairs, s), -(s[2] + s[3]), -s[0], -s[1], s) for s in settings]
    return max(scored)[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--data', required=True, nargs='+')
    parser.add_argument('--wide', action='store_true', help='the widened grid (WIDE_SIMILARITY, WIDE_STACK)')
    parser.add_argument('--similarity-only', action='store_true', help="c = 0: the stack's share left out (design DR)")
    parser.add_argument('--name', default='PD', help='what the figures call the design judged (PD, DR, LX)')
    args = parser.parse_args()
    settings = grid(args.wide, args.similarity_only)
    for path in args.data:
        pairs = [json.loads(line) for line in open(path)]
        judged = [p for p in pairs if p['expected']]
        files = sorted({p['file'] for p in judged})
        print(f'{path}: {len(pairs)} pairs, {len(judged)} with a labelled sentence placed in the text; reader finds a rule for {sum(p["hasRule"] for p in judged)}')
        base_total = pd_total = n_total = 0
        for held in files:
            choosing = [p for p in judged if p['file'] != held]
            judging = [p for p in judged if p['file'] == held]
            s = best_setting(choosing, settings)
            base = right(judging, (0, 1, 0, 0))
            mine = right(judging, s)
            base_total += base
            pd_total += mine
            n_total += len(judging)
            print(f'  judged on {held} ({len(judging)} pairs), chosen on the rest: m={s[0]} most={s[1]} b={s[2]} c={s[3]}; '
                  f'reader alone {base}, {args.name} {mine}')
        print(f'  both halves: reader alone {base_total}/{n_total} ({100 * base_total / n_total:.1f}%), '
              f'{args.name} {pd_total}/{n_total} ({100 * pd_total / n_total:.1f}%), {100 * (pd_total - base_total) / n_total:+.1f} points')
        s = best_setting(judged, settings)
        print(f'  chosen on all: m={s[0]} most={s[1]} b={s[2]} c={s[3]}: {right(judged, s)}/{len(judged)} (in sample), reader alone {right(judged, (0, 1, 0, 0))}')


if __name__ == '__main__':
    main()
