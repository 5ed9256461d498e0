"""Fits the draft-check heads (issue 53): one logistic regression per concern on the shipped encoder's vectors.

The vectors are computed as the product computes them: the ONNX graph in --encoder (models/encoder) run by
onnxruntime with the folder's tokenizer, one text at a time. Each concern's head learns from the drafts the team wrote
(research/corpus/drafts/written/*.jsonl); a draft raises it when its labels say so and its evidence is in its words (a photo of
pupils that only the card mentions is the checker's rule, not the text's). The threshold of each head is set out of
fold (five folds, grouped by policy): the highest logit at which the folds' drafts with the concern are still found
at least --recall of the time. Never reads an evaluation set.

Writes the heads into <encoder>/heads.json under "drafts" (the disclosure head is left as it is) and prints the
out-of-fold figures per concern. --vectors-from-hf DIR computes the vectors with PyTorch from a Hugging Face folder
instead (for comparing encoders; the product reads only --encoder's graph).

Usage: python3 research/training/drafts/fit_heads.py --encoder models/encoder [--write]
"""
import argparse
import glob
import json
import os

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
CONCERNS = ['pupils-identified', 'pupil-images', 'contact', 'confidential', 'criticism', 'political', 'offensive',
            'speaking-as-school', 'commercial', 'copyright', 'location-timing']


def read_drafts():
    rows = []
    for path in sorted(glob.glob(os.path.join(ROOT, 'research', 'corpus', 'drafts', 'written', '*.jsonl'))):
        for line in open(path, encoding='utf8'):
            if line.strip():
                rows.append(json.loads(line))
    return rows


def onnx_vectors(encoder_dir, texts):
    import onnxruntime as ort
    from transformers import AutoTokenizer
    manifest = json.load(open(os.path.join(encoder_dir, 'manifest.json')))
    tokenizer = AutoTokenizer.from_pretrained(encoder_dir)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(os.path.join(encoder_dir, manifest['file']), options, providers=['CPUExecutionProvider'])
    out = []
    for t in texts:
        b = tokenizer([t], truncation=True, max_length=manifest['maxTokens'], return_tensors='np')
        out.append(session.run(['embedding'], {k: b[k].astype(np.int64) for k in ('input_ids', 'attention_mask', 'token_type_ids')})[0][0])
    return np.array(out)


def hf_vectors(model_dir, texts):
    import torch
    from transformers import AutoModel, AutoTokenizer
    torch.set_num_threads(2)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir).eval()
    out = []
    with torch.no_grad():
        for s in range(0, len(texts), 64):
            b = tokenizer(texts[s:s + 64], padding=True, truncation=True, max_length=128, return_tensors='pt')
            h = model(**b).last_hidden_state
            m = b['attention_mask'].unsqueeze(-1).float()
            out.append(((h * m).sum(1) / m.sum(1)).numpy())
    return np.concatenate(out)


def labels_of(rows, concern):
    return np.array([int(concern in r['concerns'] and (concern != 'pupil-images' or bool(r.get('evidence', {}).get(concern)))) for r in rows])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--encoder', default=os.path.join(ROOT, 'models', 'encoder'))
    parser.add_argument('--vectors-from-hf')
    parser.add_argument('--recall', type=float, default=0.93)
    parser.add_argument('--c', type=float, default=1.0)
    parser.add_argument('--write', action='store_true')
    parser.add_argument('--folds', type=int, default=5)
    parser.add_argument('--framed', action='store_true', help='read the card\'s choices before the draft, as finetune.py does, '
                        'and label a photo of pupils the card names as the labels say')
    parser.add_argument('--out', help='write a folder ship.py reads: the --vectors-from-hf model, heads.json and record.json')
    parser.add_argument('--only-fold', type=int, help='judge on this fold alone (as finetune.py --only-fold does)')
    args = parser.parse_args()
    rows = read_drafts()
    if args.framed:
        from finetune import framed
        texts = [framed(r) for r in rows]
    else:
        texts = [r['draft'] for r in rows]
    x = hf_vectors(args.vectors_from_hf, texts) if args.vectors_from_hf else onnx_vectors(args.encoder, texts)
    policies = sorted({r['policy'] for r in rows})
    fold_of = np.array([policies.index(r['policy']) % args.folds for r in rows])
    judged = fold_of == args.only_fold if args.only_fold is not None else np.ones(len(rows), dtype=bool)
    heads, totals = {}, {'tp': 0, 'fp': 0, 'fn': 0}
    print(f'{len(rows)} drafts, {sum(1 for r in rows if not r["concerns"])} harmless')
    for concern in CONCERNS:
        y = np.array([int(concern in r['concerns']) for r in rows]) if args.framed else labels_of(rows, concern)
        oof = np.zeros(len(rows))
        for f in ([args.only_fold] if args.only_fold is not None else range(args.folds)):
            train, test = fold_of != f, fold_of == f
            lr = LogisticRegression(C=args.c, class_weight='balanced', max_iter=5000).fit(x[train], y[train])
            oof[test] = lr.decision_function(x[test])
        pos = np.sort(oof[judged & (y == 1)])
        threshold = float(pos[int(np.floor((1 - args.recall) * len(pos)))]) if len(pos) else 0.0
        found = (oof >= threshold) & judged
        tp, fp, fn = int((found & (y == 1)).sum()), int((found & (y == 0)).sum()), int((~found & judged & (y == 1)).sum())
        totals['tp'] += tp
        totals['fp'] += fp
        totals['fn'] += fn
        print(f'{concern:20s} positives {int(y.sum()):4d}  out of fold: recall {tp / max(1, tp + fn):.3f} precision {tp / max(1, tp + fp):.3f}  threshold {threshold:+.3f}')
        lr = LogisticRegression(C=args.c, class_weight='balanced', max_iter=5000).fit(x, y)
        heads[concern] = {'weights': [round(float(w), 7) for w in lr.coef_[0]], 'bias': float(lr.intercept_[0]), 'threshold': threshold}
    figures = {'recall': totals['tp'] / max(1, totals['tp'] + totals['fn']), 'precision': totals['tp'] / max(1, totals['tp'] + totals['fp'])}
    print(f"all concerns out of fold: recall {totals['tp'] / max(1, totals['tp'] + totals['fn']):.3f} precision {totals['tp'] / max(1, totals['tp'] + totals['fp']):.3f}")
    if args.out:
        import shutil
        shutil.copytree(args.vectors_from_hf, args.out, dirs_exist_ok=True)
        json.dump({'drafts': heads}, open(os.path.join(args.out, 'heads.json'), 'w'))
        json.dump({'design': 'A: a logistic-regression head per concern on the pretrained encoder\'s vectors' + (', the card\'s choices read before the draft' if args.framed else ''),
                   'settings': {k: v for k, v in vars(args).items()}, 'drafts': len(rows), 'outOfFold': {'all': figures}},
                  open(os.path.join(args.out, 'record.json'), 'w'), indent=2)
        print(f'wrote {args.out}')
    if args.write:
        path = os.path.join(args.encoder, 'heads.json')
        all_heads = json.load(open(path))
        all_heads['drafts'] = heads
        json.dump(all_heads, open(path, 'w'))
        print(f'wrote the draft heads into {path}')


if __name__ == '__main__':
    main()
