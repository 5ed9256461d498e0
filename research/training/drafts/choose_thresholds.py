"""Chooses each concern's threshold for "check my post" (issue 53) from a held-out fold's logits.

Reads held-out.json files (finetune.py --only-fold K writes one: each held-out draft's policy, concerns and logits). The
held-out policies are split in two halves (every other policy in sorted order): each half is judged with thresholds
chosen on the other, so no figure comes from thresholds fitted on the drafts it judges; the thresholds written are
chosen on both halves together. Designs (research/DECISIONS.md, issue 53, 13:52):
- T1: each concern's threshold at 93% recall; T2: at 90% recall; T3: the threshold with the best F1.
- V95 to V98 (added in the sixth pass, judged by the same rule): T3's thresholds moved together until 95-98% of the
  problem drafts raise a concern (moved_together).
- Challengers (eighth pass): G97, V97's thresholds then moved concern by concern (concern_by_concern), and VR97, V97
  with recall over all concerns also held at 91% on the drafts chosen on (moved_together's `recall`). Each replaces
  the rule's choice only with 3 points more harmless drafts told fine and both floors kept; --design writes another
  design where a rule in research/DECISIONS.md chose it (M6 with VR97, judged against M with V97).
- The product's rule on the school's own account (ninth pass): the checker does not raise speaking-as-school on a
  draft posted from the school's account, so neither is it counted raised here before any design chooses or is judged
  (--without-account-rule shows the figures as the model alone gives them).
The rule: the most harmless drafts told fine among the designs with a problem not told fine >= 95% and recall over
all concerns >= 90%; else the highest sum of the two verdict figures.

With --write, the chosen design's thresholds go into the trained folder's heads.json and its record.json's outOfFold
(ship.py copies both into models/drafts/).

Usage: python3 research/training/drafts/choose_thresholds.py --held-out FILE [FILE...] [--write TRAINED_DIR]
"""
import argparse
import json
import os

import numpy as np

CONCERNS = ['pupils-identified', 'pupil-images', 'contact', 'confidential', 'criticism', 'political', 'offensive',
            'speaking-as-school', 'commercial', 'copyright', 'location-timing']


def at_recall(recall):
    def choose(logits, y):
        pos = np.sort(logits[y])
        return float(pos[int(np.floor((1 - recall) * len(pos)))]) if len(pos) else 0.0
    return choose


def best_f1(logits, y):
    best, chosen = -1.0, 0.0
    for t in np.unique(logits[y]):
        found = logits >= t
        tp = int((found & y).sum())
        f1 = 2 * tp / (found.sum() + y.sum())
        if f1 > best:
            best, chosen = f1, float(t)
    return chosen


def per_concern(choose):
    """Each concern's threshold from its own logits alone."""
    return lambda logits, y: [choose(logits[:, c], y[:, c]) for c in range(len(CONCERNS))]


def moved_together(choose, share, recall=None):
    """V designs (issue 53, 26 Nov, sixth pass): each concern's threshold by `choose`, then all of them moved by one
    amount, the most that still has `share` of the problem drafts raise at least one concern. The verdict ("nothing
    stops this" or not) is then set for the drafts as a whole, where a threshold per concern at 93% recall each added
    eleven concerns' false alarms together.
    VR designs (eighth pass) pass `recall`: the amount is also held to what keeps recall over all concerns at `recall`
    on the drafts the thresholds are chosen on (V checks recall only where it is judged)."""
    def thresholds(logits, y):
        own = np.array(per_concern(choose)(logits, y))
        problems = y.any(1)
        margin = (logits[problems] - own).max(1)
        offset = float(np.sort(margin)[int(np.floor((1 - share) * problems.sum()))])
        if recall is not None:
            # Each candidate is a positive's margin to its own threshold: the amount may not pass the one at `recall`.
            gaps = np.sort((logits - own)[y])
            offset = min(offset, float(gaps[int(np.floor((1 - recall) * len(gaps)))]))
        return [float(t) for t in own + offset]
    return thresholds


def concern_by_concern(start, share, recall_floor=0.90, rounds=10):
    """G designs (issue 53, eighth pass): start from `start`'s thresholds, then concern by concern, in rounds until
    none moves, set each threshold to the value that tells the most harmless drafts fine while `share` of the problem
    drafts still raise a concern and recall over all concerns stays at `recall_floor`; of equals, the lowest (it keeps
    the most recall). A concern whose problems others also catch can then give up more of its false alarms than one
    whose problems only it catches, where V moves all eleven by one amount."""
    def thresholds(logits, y):
        t = np.array(start(logits, y), dtype=float)
        problems, harmless = y.any(1), ~y.any(1)
        need, positives = share * problems.sum(), y.sum()
        for _ in range(rounds):
            moved = False
            for c in range(len(CONCERNS)):
                others = np.delete(logits >= t, c, axis=1)
                others_any = others.any(1)
                others_tp = int((others & np.delete(y, c, axis=1)).sum())
                best = None
                for th in np.unique(np.concatenate([logits[:, c], [t[c]]])):
                    found = logits[:, c] >= th
                    caught = int((problems & (others_any | found)).sum())
                    tp = others_tp + int((found & y[:, c]).sum())
                    if caught < need or tp < recall_floor * positives:
                        continue
                    fine = int((harmless & ~(others_any | found)).sum())
                    if best is None or fine > best[0]:
                        best = (fine, float(th))
                if best is not None and best[1] != t[c]:
                    t[c], moved = best[1], True
            if not moved:
                break
        return [float(x) for x in t]
    return thresholds


DESIGNS = {'T1': per_concern(at_recall(0.93)), 'T2': per_concern(at_recall(0.90)), 'T3': per_concern(best_f1),
           'V95': moved_together(best_f1, 0.95), 'V96': moved_together(best_f1, 0.96),
           'V97': moved_together(best_f1, 0.97), 'V98': moved_together(best_f1, 0.98)}
# Judged after the rule above has chosen among DESIGNS: it replaces that choice only if eligible and it tells at least
# 3 points more of the harmless drafts fine (research/DECISIONS.md, issue 53, 23:19).
CHALLENGERS = {'G97': concern_by_concern(moved_together(best_f1, 0.97), 0.97),
               'VR97': moved_together(best_f1, 0.97, recall=0.91)}
ALL = {**DESIGNS, **CHALLENGERS}


def apply_account_rule(logits, accounts):
    """On the school's own account the product never raises speaking-as-school (draftChecker.ts): its logit is set
    below every threshold there, so the designs choose and are judged on what the product does."""
    out = np.array(logits, dtype=float)
    school = np.array([a == 'school' for a in accounts])
    out[school, CONCERNS.index('speaking-as-school')] = -1e9
    return out


def figures(logits, y, thresholds):
    found = logits >= np.array(thresholds)
    harmless = ~y.any(1)
    out = {'harmlessToldFine': [int((~found[harmless].any(1)).sum()), int(harmless.sum())],
           'problemNotFine': [int(found[~harmless].any(1).sum()), int((~harmless).sum())],
           'all': [int((found & y).sum()), int(y.sum()), int(found.sum())]}
    for c, concern in enumerate(CONCERNS):
        tp = int((found[:, c] & y[:, c]).sum())
        out[concern] = {'found': tp, 'positives': int(y[:, c].sum()), 'raised': int(found[:, c].sum()), 'threshold': thresholds[c]}
    return out


def add(a, b):
    if isinstance(a, list):
        return [x + y for x, y in zip(a, b)]
    if not isinstance(a, dict):
        return a + b
    return {k: (add(a[k], b[k]) if k != 'threshold' else None) for k in a}


def pct(a, b):
    return f'{a}/{b} ({100 * a / max(1, b):.1f}%)'


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--held-out', required=True, nargs='+', help='one or more folds\' held-out.json')
    parser.add_argument('--write', help='the trained folder (heads.json, record.json) to write the chosen thresholds into')
    parser.add_argument('--design', help='write this design\'s thresholds, where a rule in research/DECISIONS.md chose it over '
                        'the rule here (the eighth pass: M6 with VR97, judged against M with V97)')
    parser.add_argument('--without-account-rule', action='store_true', help='count speaking-as-school raised on the school\'s '
                        'account as the model gives it, where the product does not raise it (to report the rule\'s figures)')
    args = parser.parse_args()
    rows = [r for f in args.held_out for r in json.load(open(f))]
    logits = np.array([r['logits'] for r in rows])
    if not args.without_account_rule:
        if any('account' not in r for r in rows):
            raise SystemExit('a held-out file without each draft\'s account (finetune.py writes it): the account rule needs it')
        logits = apply_account_rule(logits, [r['account'] for r in rows])
    y = np.array([[c in r['concerns'] for c in CONCERNS] for r in rows])
    policies = sorted({r['policy'] for r in rows})
    half = np.array([policies.index(r['policy']) % 2 for r in rows])
    print(f'{len(rows)} held-out drafts of {len(policies)} policies, {int((~y.any(1)).sum())} harmless')
    results = {}
    for name, choose in ALL.items():
        total = None
        for h in (0, 1):
            fit, judge = half != h, half == h
            thresholds = choose(logits[fit], y[fit])
            f = figures(logits[judge], y[judge], thresholds)
            total = f if total is None else add(total, f)
        results[name] = total
        hf, pn, a = total['harmlessToldFine'], total['problemNotFine'], total['all']
        print(f'{name}: harmless told fine {pct(*hf)}; a problem not told fine {pct(*pn)}; all concerns recall {pct(a[0], a[1])}, precision {pct(a[0], a[2])}')
        for concern in CONCERNS:
            c = total[concern]
            print(f'  {concern:20s} recall {pct(c["found"], c["positives"])} precision {pct(c["found"], c["raised"])}')

    def ok(r):
        return r['problemNotFine'][0] >= 0.95 * r['problemNotFine'][1] and r['all'][0] >= 0.90 * r['all'][1]
    eligible = [n for n in DESIGNS if ok(results[n])]
    if eligible:
        chosen = max(eligible, key=lambda n: results[n]['harmlessToldFine'][0])
    else:
        chosen = max(DESIGNS, key=lambda n: results[n]['harmlessToldFine'][0] / results[n]['harmlessToldFine'][1]
                     + results[n]['problemNotFine'][0] / results[n]['problemNotFine'][1])
    for name in CHALLENGERS:
        r, h = results[name], results[chosen]['harmlessToldFine']
        if ok(r) and r['harmlessToldFine'][0] >= h[0] + 0.03 * h[1]:
            chosen = name
    print(f'chosen by the rule: {chosen} (eligible: {", ".join(eligible) or "none"}; challengers: {", ".join(CHALLENGERS)})')
    if args.design:
        if args.design not in results:
            raise SystemExit(f'no design {args.design}')
        chosen = args.design
        print(f'written: {chosen} (--design, by research/DECISIONS.md)')
    if args.write:
        thresholds = ALL[chosen](logits, y)
        heads_path = os.path.join(args.write, 'heads.json')
        heads = json.load(open(heads_path))
        for c, concern in enumerate(CONCERNS):
            heads['drafts'][concern]['threshold'] = thresholds[c]
        json.dump(heads, open(heads_path, 'w'))
        record_path = os.path.join(args.write, 'record.json')
        record = json.load(open(record_path))
        record['outOfFold'] = {'heldOut': f'{len(args.held_out)} held-out fold(s) of 3 by policy: {len(rows)} drafts; each half of the policies judged with thresholds chosen on the other',
                               'design': chosen, 'designs': results, 'thresholds': dict(zip(CONCERNS, thresholds))}
        json.dump(record, open(record_path, 'w'), indent=2)
        print(f'wrote {chosen}\'s thresholds into {heads_path} and {record_path}')


if __name__ == '__main__':
    main()
