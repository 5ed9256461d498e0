"""The rule reader for "check my post" (issue 53): which passage of a school's policy is a concern's rule, or none.

Reads the export of `node dist/research/scripts/exportRuleData.js` (every passage of each corpus policy in
research/corpus/drafts/rules.jsonl, its vector from each encoder, the answering stack's scores per concern, the passages that
are the row's rule sentences). Each concern's reader is a logistic regression over a passage's vector, its cosine to
the concern's questions and the stack's scores (src/features/policy/drafts/ruleReader.ts computes the same); in a
policy the candidate passage it scores highest is the rule, none when that logit is under one threshold for all
concerns. Only passages the export marks as candidates (isRuleCandidate: shaped like a rule, not a heading, date or
label line) are fitted on and picked from.

Figures are out of fold: five folds by policy; the threshold of each outer fold is chosen on its own training policies
(inner folds by policy), to get the most rows right (the right section where the policy has a rule, none where it
has none). The baseline R0 is today's stack lookup on the same rows. With --write, the readers fitted on every
policy (threshold from the out-of-fold logits) go into the encoder folder's heads.json as "rules", and its
SHA256SUMS is written again.

Usage: python3 research/training/drafts/fit_rules.py --data research/training/.cache/rules/data.json [more exports] --encoder 0|1 [--write DIR]
"""
import argparse
import json
import os
import re
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression

CONCERNS = ['pupils-identified', 'pupil-images', 'contact', 'confidential', 'criticism', 'political', 'offensive',
            'speaking-as-school', 'commercial', 'copyright', 'location-timing']


LARGER = None  # design LR: the larger draft model's concern heads (weights, biases), and the export's encoder holding its vectors


def larger_features(pol, concern):
    """Design LR: the larger draft model's head for the concern read on each passage: its logit, that logit less the
    policy's highest for the concern, and less the passage's highest for any other concern."""
    weights, biases, enc = LARGER
    logits = np.array(pol['vectors'][enc]) @ weights.T + biases
    k = CONCERNS.index(concern)
    own = logits[:, k]
    other = np.delete(logits, k, axis=1).max(1)
    return np.stack([own, own - own.max(), own - other], axis=1)


def features(pol, concern, enc, query_vectors):
    v = np.array(pol['vectors'][enc])
    q = np.array(query_vectors[enc][concern]).mean(0)
    cos = (v @ q) / (np.linalg.norm(v, axis=1) * np.linalg.norm(q) + 1e-9)
    f = pol['concerns'][concern]['features']
    stack = np.array(f['passages'])
    ans = np.full((len(v), 1), f['answerProbability'])
    columns = [v, cos[:, None], stack, ans]
    if LARGER is not None:
        columns.append(larger_features(pol, concern))
    return np.hstack(columns)


def fit(xs, ys, c, weights=None):
    x, y = np.vstack(xs), np.concatenate(ys)
    mean, scale = x.mean(0), x.std(0) + 1e-6
    w = None if weights is None else np.concatenate(weights)
    model = LogisticRegression(C=c, class_weight='balanced', max_iter=3000).fit((x - mean) / scale, y, sample_weight=w)
    # Standardising folded into the weights: the product computes w.x + b on the raw features.
    w = model.coef_[0] / scale
    b = float(model.intercept_[0] - (model.coef_[0] * mean / scale).sum())
    return w, b


def rows_of(policies, enc, qv):
    """Each policy-concern row: its features, its positives, its sections, whether it has a rule."""
    out = []
    for pol in policies:
        for concern, r in pol['concerns'].items():
            y = np.zeros(len(pol['passages']))
            y[r['positives']] = 1
            # Exports before issue 53's candidates had none: every passage is one.
            cand = np.array([p.get('candidate', True) for p in pol['passages']], dtype=bool)
            out.append({'policy': pol['policy'], 'concern': concern, 'x': features(pol, concern, enc, qv), 'y': y, 'cand': cand,
                        'q': np.array(qv[enc][concern]).mean(0),
                        'sections': set(r['sections']), 'has': r['rules'] > 0, 'pol': pol, 'stack': r['stack'],
                        'quoted': np.zeros(len(pol['passages']))})
    return out


SHARED = False  # design SH (29 Nov): one model for every concern, written out as each concern's heads


def fit_shared(rows, c):
    """Design SH: one logistic model learnt from every concern's rows at once, over a passage's features (its vector, its
    cosine to the concern's questions, the stack's scores), its vector times the concern's question vector element by
    element, and which concern it is. Each concern then has eleven times the examples its own reader learns from. The
    model is linear in the passage's vector, so it is written out as each concern's weights and bias, the format the
    product reads: w_c = w + (w_x * q_c on the vector's columns), b_c = b + w_concern[c]."""
    mine = [r for r in rows if r['y'][r['cand']].sum() > 0]
    d = len(mine[0]['q'])

    def columns(r):
        x = r['x'][r['cand']]
        onehot = np.zeros((len(x), len(CONCERNS)))
        onehot[:, CONCERNS.index(r['concern'])] = 1
        return np.hstack([x, x[:, :d] * r['q'], onehot])
    w, b = fit([columns(r) for r in mine], [r['y'][r['cand']] for r in mine], c)
    n = mine[0]['x'].shape[1]
    readers = {}
    for k, concern in enumerate(CONCERNS):
        q = next(r['q'] for r in rows if r['concern'] == concern)
        wc = w[:n].copy()
        wc[:d] += w[n:n + d] * q
        readers[concern] = (wc, b + w[n + d + k])
    return readers


def fit_readers(rows, c, drafts=False):
    """Each concern's reader. With drafts, a row's positives also hold the passages draft labellers quoted for its policy
    and concern, each weighted by how many drafts quoted it (the rule's own positives weigh 1)."""
    if SHARED:
        return fit_shared(rows, c)

    def y_of(r):
        return np.maximum(r['y'], r['quoted'] > 0) if drafts else r['y']

    readers = {}
    for concern in CONCERNS:
        mine = [r for r in rows if r['concern'] == concern and y_of(r)[r['cand']].sum() > 0]
        weights = [np.where(r['quoted'] > 0, np.maximum(r['y'], r['quoted']), 1.0)[r['cand']] for r in mine] if drafts else None
        readers[concern] = fit([r['x'][r['cand']] for r in mine], [y_of(r)[r['cand']] for r in mine], c, weights)
    return readers


def best_of(readers, row):
    w, b = readers[row['concern']]
    logits = np.where(row['cand'], row['x'] @ w + b, -np.inf)
    i = int(np.argmax(logits))
    return i, float(logits[i])


def judge(row, i, logit, t):
    """(right section, right sentence, none where none) for one row with the reader's pick."""
    if logit < t:
        return (0, 0, int(not row['has']))
    if not row['has']:
        return (0, 0, 0)
    return (int(row['pol']['passages'][i]['section'] in row['sections']), int(row['y'][i] == 1), 0)


def best_threshold(picks):
    """The threshold that gets the most rows right, over (row, index, logit) picks."""
    candidates = sorted({p[2] for p in picks}) + [np.inf]
    scored = []
    for t in [-np.inf] + candidates:
        right = sum(sum(judge(r, i, l, t)[k] for k in (0, 2)) for r, i, l in picks)
        scored.append((right, t))
    top = max(s[0] for s in scored)
    ts = [t for s, t in scored if s == top]
    # Midway between the lowest and the highest threshold that do as well, so no row sits on it.
    finite = [t for t in ts if np.isfinite(t)]
    return float(np.median(finite)) if finite else float(ts[0])


def rule_log_odds(rows):
    """Design HR: each concern's log-odds of a policy having a rule on it among these rows (Laplace-smoothed)."""
    out = {}
    for concern in CONCERNS:
        mine = [r for r in rows if r['concern'] == concern]
        has = sum(1 for r in mine if r['has'])
        out[concern] = float(np.log((has + 1) / (len(mine) - has + 1)))
    return out


def fit_prior(picks, odds_of):
    """Design HR: "propose or none" as a logistic model over (the best candidate's logit, the concern's log-odds of having
    a rule), fitted on picks; `odds_of(row)` gives the log-odds from policies other than the row's. Rows with a rule but a
    pick outside its sections are left out (either decision is wrong there). Returns each concern's threshold on the
    logit, given the log-odds `odds` (a dict over concerns)."""
    x, y = [], []
    for r, i, logit in picks:
        right = r['has'] and r['pol']['passages'][i]['section'] in r['sections']
        if r['has'] and not right:
            continue
        x.append([logit, odds_of(r)])
        y.append(int(right))
    model = LogisticRegression(C=1.0, max_iter=1000).fit(np.array(x), np.array(y))
    (w_logit, w_odds), b = model.coef_[0], float(model.intercept_[0])
    if w_logit <= 0:
        sys.exit('HR: the best logit does not raise the odds of a rule; no threshold can be read from it')
    return lambda odds: {c: float(-(b + w_odds * odds[c]) / w_logit) for c in CONCERNS}


def out_of_fold(rows, policies, folds, c, inner=4, fold_readers=None, drafts=False, prior=False):
    """Each row's pick and threshold from readers that never saw its policy (with fold_readers, a dict, each policy's
    readers and threshold are kept in it as well). With prior (design HR) the threshold is the row's concern's, from
    fit_prior on the inner folds' picks."""
    fold_of = {p: i % folds for i, p in enumerate(policies)}
    picks = []
    for f in range(folds):
        train = [r for r in rows if fold_of[r['policy']] != f]
        test = [r for r in rows if fold_of[r['policy']] == f]
        inner_pols = [p for p in policies if fold_of[p] != f]
        inner_of = {p: i % inner for i, p in enumerate(inner_pols)}
        inner_picks = []
        for g in range(inner):
            readers = fit_readers([r for r in train if inner_of[r['policy']] != g], c, drafts)
            inner_picks += [(r, *best_of(readers, r)) for r in train if inner_of[r['policy']] == g]
        t = best_threshold(inner_picks)
        readers = fit_readers(train, c, drafts)
        if prior:
            # The log-odds an inner pick is fitted with come from the training policies outside its own inner fold.
            inner_odds = [rule_log_odds([r for r in train if inner_of[r['policy']] != g]) for g in range(inner)]
            thresholds = fit_prior(inner_picks, lambda r: inner_odds[inner_of[r['policy']]][r['concern']])(rule_log_odds(train))
            picks += [(r, *best_of(readers, r), thresholds[r['concern']]) for r in test]
        else:
            picks += [(r, *best_of(readers, r), t) for r in test]
        if fold_readers is not None:
            for p in policies:
                if fold_of[p] == f:
                    fold_readers[p] = (readers, t)
    return picks


def rules_entry(readers, t):
    """heads.json's `rules` for these readers: per concern its weights and bias (rounded as shipped), and the threshold."""
    return {'threshold': t, 'concerns': {c: {'weights': [round(float(x), 7) for x in w], 'bias': b} for c, (w, b) in readers.items()}}


def report(name, results):
    rule = [x for x in results if x[0]['has']]
    none = [x for x in results if not x[0]['has']]
    sec = sum(x[1] for x in rule)
    sent = sum(x[2] for x in rule)
    nn = sum(x[3] for x in none)
    print(f'{name}: right section {sec}/{len(rule)} ({100 * sec / len(rule):.1f}%), right sentence {sent}/{len(rule)} '
          f'({100 * sent / len(rule):.1f}%), none where none {nn}/{len(none)}; rows right {sec + nn}/{len(results)}')
    for concern in CONCERNS:
        mine = [x for x in results if x[0]['concern'] == concern]
        r = [x for x in mine if x[0]['has']]
        print(f'  {concern:20s} section {sum(x[1] for x in r)}/{len(r)} sentence {sum(x[2] for x in r)}/{len(r)} '
              f'none {sum(x[3] for x in mine if not x[0]["has"])}/{len(mine) - len(r)}')
    return {'rightSection': sec, 'rightSentence': sent, 'withRule': len(rule), 'noneWhereNone': nn, 'none': len(none)}


def norm(s):
    return ' '.join(s.lower().replace('\u2018', "'").replace('\u2019', "'").replace('\u201c', '"').replace('\u201d', '"').split())


def passages_holding(pol, sentence):
    """The passages a labeller's sentence places on (as research/scripts/ruleLabels.ts and exportRuleData.ts place it): the parsed
    text keeps no bullet mark or paragraph number, and the sentence's first 60 characters place it."""
    probe = re.sub(r'^\d+(?:\.\d+)*\.?\s+', '', re.sub(r'^[-o\u2022*]\s+', '', norm(sentence)))[:60]
    whole = norm(sentence)
    return [i for i, p in enumerate(pol['passages'])
            if probe in norm(p['text']) or probe in norm(p['own']) or (len(norm(p['own'])) >= 20 and norm(p['own']) in whole)]


def read_draft_labels(files, rows):
    """Labels of the sentence to quote for each draft and concern (research/corpus/drafts/draft-rules/): each row's `quoted` counts
    the drafts that quote each of its passages; returns the pairs with a sentence placed in the text, for judging."""
    by = {(r['policy'], r['concern']): r for r in rows}
    pairs = []
    for path in files:
        for line in open(path):
            d = json.loads(line)
            policy = d['policy'][:-4] if d['policy'].endswith('.txt') else d['policy']
            for concern, sentence in d['concerns'].items():
                row = by.get((policy, concern))
                if row is None or sentence is None:
                    continue
                held = passages_holding(row['pol'], sentence)
                if not held:
                    continue
                row['quoted'][held] += 1
                pairs.append({'row': row, 'file': os.path.basename(path), 'sections': {row['pol']['passages'][i]['section'] for i in held}})
    return pairs


def judge_drafts(name, picks, pairs):
    """The labeller's section for each draft and concern, against the reader's pick for its policy and concern."""
    at = {id(r): (i, logit, t) for r, i, logit, t in picks}
    right = 0
    for p in pairs:
        i, logit, t = at[id(p['row'])]
        right += int(logit >= t and p['row']['pol']['passages'][i]['section'] in p['sections'])
    print(f'{name}: the draft labeller\'s section {right}/{len(pairs)} ({100 * right / len(pairs):.1f}%)')
    return right


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--data', required=True, nargs='+', help='one export or several (the corpus, a set written apart), read as one')
    parser.add_argument('--encoder', type=int, default=0, help='which of the export\'s encoders')
    parser.add_argument('--folds', type=int, default=5)
    parser.add_argument('--c', type=float, default=1.0)
    parser.add_argument('--write', help='the encoder folder whose heads.json gets the readers')
    parser.add_argument('--draft-labels', nargs='*', default=[], help='labels of the sentence to quote for each draft '
                        '(research/corpus/drafts/draft-rules/*.jsonl): judged on out of fold, and with --learn-drafts learnt from')
    parser.add_argument('--learn-drafts', action='store_true', help='positives also hold the passages draft labellers quoted (design CD)')
    parser.add_argument('--prior', action='store_true', help='design HR: each concern its own threshold, from its logit and how '
                        'often the training policies have a rule on it')
    parser.add_argument('--judge', help='another export (the key to the real policies): judged by the readers and threshold '
                        '--write would ship, fitted on --data; evaluation only, nothing is chosen on it')
    parser.add_argument('--larger-heads', help='design LR: the larger draft model\'s heads.json; its concern heads are read on '
                        'the vectors of the export\'s encoder --larger-encoder (default 1)')
    parser.add_argument('--larger-encoder', type=int, default=1)
    parser.add_argument('--shared', action='store_true', help='design SH: one model for every concern, written as each '
                        'concern\'s heads (the product reads them as it reads per-concern readers)')
    parser.add_argument('--write-folds', help='a JSON file: for each policy, the `rules` of the outer fold that never saw it '
                        '(for fitting what is chosen on top of the reader, as it reads policies it did not learn from)')
    args = parser.parse_args()
    if args.write and (args.prior or args.larger_heads):
        # Neither design shipped (research/DECISIONS.md, 29 Nov): the product reads one threshold and these features only.
        parser.error('--prior and --larger-heads are for judging out of fold; the product reads neither, so --write refuses them')
    global SHARED
    SHARED = args.shared
    data = json.load(open(args.data[0]))
    for more in args.data[1:]:
        extra = json.load(open(more))
        if [e['sha256'] for e in extra['encoders']] != [e['sha256'] for e in data['encoders']]:
            sys.exit(f'{more} was exported with other encoders than {args.data[0]}')
        data['policies'] += extra['policies']
    if args.larger_heads:
        global LARGER
        heads = json.load(open(args.larger_heads))['drafts']
        LARGER = (np.array([heads[c]['weights'] for c in CONCERNS]), np.array([heads[c]['bias'] for c in CONCERNS]), args.larger_encoder)
    policies = [p['policy'] for p in data['policies']]
    rows = rows_of(data['policies'], args.encoder, data['queryVectors'])
    covered = sum(1 for r in rows if r['has'] and r['y'].sum() > 0)
    print(f"encoder {data['encoders'][args.encoder]['dir']}: {len(rows)} rows, {sum(r['has'] for r in rows)} with a rule "
          f"({covered} of them placed on a passage), {sum(len(p['passages']) for p in data['policies'])} passages")
    # R0, today's stack lookup: right section; right sentence when its quote holds one of the row's rule passages.
    r0 = []
    for r in rows:
        s = r['stack']
        if s is None:
            r0.append((r, 0, 0, int(not r['has'])))
        elif not r['has']:
            r0.append((r, 0, 0, 0))
        else:
            q = norm(s['quote'])
            pos = [norm(r['pol']['passages'][i]['text']) for i in np.where(r['y'] == 1)[0]]
            r0.append((r, int(s['section'] in r['sections']), int(any(p in q or q in p for p in pos)), 0))
    figures = {'R0': report('R0 (stack lookup)', r0)}
    draft_pairs = read_draft_labels(args.draft_labels, rows)
    fold_readers = {}
    picks = out_of_fold(rows, policies, args.folds, args.c, fold_readers=fold_readers, drafts=args.learn_drafts, prior=args.prior)
    if args.write_folds:
        json.dump({p: rules_entry(*fold_readers[p]) for p in policies}, open(args.write_folds, 'w'))
        print(f'wrote each policy\'s out-of-fold readers into {args.write_folds}')
    results = [(r, *judge(r, i, l, t)) for r, i, l, t in picks]
    figures['reader'] = report(f'reader (encoder {args.encoder}, C={args.c}, out of fold)', results)
    print('  thresholds per outer fold:', sorted({round(p[3], 3) for p in picks}))
    if draft_pairs:
        figures['draftLabels'] = {'right': judge_drafts('  out of fold', picks, draft_pairs), 'pairs': len(draft_pairs)}
    if args.judge or args.write:
        # What --write ships: the readers fitted on every policy, the threshold from the out-of-fold picks.
        readers = fit_readers(rows, args.c, args.learn_drafts)
        t = best_threshold([(r, i, l) for r, i, l, _ in picks])
    if args.judge:
        judged = json.load(open(args.judge))
        if [e['sha256'] for e in judged['encoders']] != [e['sha256'] for e in data['encoders']]:
            sys.exit(f'{args.judge} was exported with other encoders than {args.data[0]}')
        key = rows_of(judged['policies'], args.encoder, judged['queryVectors'])
        report(f'{os.path.basename(args.judge)} by the readers fitted on every corpus policy (threshold {t:+.3f})',
               [(r, *judge(r, *best_of(readers, r), t)) for r in key])
    if args.write:
        path = os.path.join(args.write, 'heads.json')
        heads = json.load(open(path))
        entry = rules_entry(readers, t)
        rounded = {c: (np.array(r['weights']), r['bias']) for c, r in entry['concerns'].items()}
        # Probes the product's test reads again (tests/features/policy/drafts/ruleReaderShipped.test.ts): what these
        # readers pick in two corpus policies, from the vectors the product's adapter gave.
        probes = {}
        for r in rows:
            if r['policy'] in policies[:2]:
                i, logit = best_of(rounded, r)
                probes.setdefault(r['policy'], {})[r['concern']] = r['pol']['passages'][i]['text'] if logit >= t else None
        heads['rules'] = {'threshold': t, 'C': args.c, 'outOfFold': figures, 'probes': probes, 'concerns': entry['concerns']}
        json.dump(heads, open(path, 'w'))
        sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'encoder'))
        from model_folder import write_sums  # noqa: E402
        write_sums(args.write)
        print(f'wrote the readers into {path} (threshold {t:+.3f})')


if __name__ == '__main__':
    main()
