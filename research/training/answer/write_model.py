"""Stage 8 of the answering stack's training: writes the folder the product loads (models/policy-model/).

  - vectors.bin: each encoder member's word vectors and character n-gram vectors as int8 rows with a float scale per
    row, then its word weights (float32), member after member;
  - model.json: the format, the vocabulary, each member's projections and weight for unseen words, the re-rankers,
    the decline classifier and its threshold, the quote scorer, the rewording threshold (the similarity above which
    at most 0.5% of left-out pairs of questions answered by different sections fall: an owner's taught question then
    catches its rewordings) and the checksums of vectors.bin and bank.json;
  - bank.json: the question bank (question_bank.py), which questionBank.ts reads;
  - training-record.json: the export's checksum and counts, the settings, the leave-one-kind-out figures, the
    threshold curve, the seconds the stages took (the encoders' training included when encoders.py --reuse kept
    them), and probes: what the trained model makes of a few texts and candidates, which the product's tests
    (learnedModel.model.test.ts, questionBank.test.ts) compute again from the shipped files;
  - SHA256SUMS of those four (research/training/encoder/model_folder.py writes every shipped folder's), which CI checks.
src/features/policy/answer/learnedModel.ts reads the folder.

Reads every file in <work>. The same export and settings write the same bytes, the record's seconds aside.

Usage: python3 research/training/answer/write_model.py [--work DIR] --out models/policy-model
"""
import hashlib
import json
import math
import os
import re
import sys

import numpy as np
import torch
import torch.nn.functional as F

import question_bank as QB
import work
from bank import Scored, build_bank
from data import DIM, NGRAM_BUCKETS, NGRAM_MAX, NGRAM_MIN, TOP_GLOVE, load_corpus, ngrams
from decline import DECLINE_FEATURES
from encoders import load_encoders
from features import UNMATCHED_SIMILARITY
from quote import QUOTE_FEATURES, QUOTE_PREFIX
from ranker import load_rankers, ranker_json, ranker_probes

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'encoder'))
from model_folder import write_sums  # noqa: E402

FORMAT_VERSION = 3
PROBES = ['can i add a parent on facebook', 'Staff must not accept friend requests from pupils.', 'phtoes of the kidz on insta??']
BANK_PROBE_POLICY = [
    ['Staff must not accept friend requests from pupils or their parents on personal accounts.', 'Any contact from a pupil online is reported to the designated safeguarding lead.'],
    ['Photographs of pupils are taken only on school devices and only with consent.'],
    ['Staff set their personal profiles to private and think before they post.'],
]
BANK_PROBES = ['can i add a parent on facebook', 'phtoes of the kidz on insta??', 'where do i park on inset day']


def quantise(matrix):
    """Row-wise int8: each row's largest magnitude maps to 127; the scale is kept per row."""
    scale = np.abs(matrix).max(1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.round(matrix / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


def model_tokens(text):
    """training's copy of src/features/policy/answer/modelText.ts, used only for the probes (the export tokenises everything else)."""
    t = text.lower().replace('\u2018', "'").replace('\u2019', "'")
    t = re.sub(r"'s\b", '', t).replace("'", '')
    return re.findall(r'[a-z0-9]+', t)


def probe_vectors(ensemble, vocab, text, which):
    """What the trained model makes of a text, for tests/features/policy/answer/learnedModel.model.test.ts to compare with
    the shipped files: each member's vector worked out word by word as learnedModel.ts does, side by side."""
    tokens = model_tokens(text)
    ids = [vocab.index.get(t, -1) for t in tokens]
    parts = []
    with torch.no_grad():
        for model in ensemble.members:
            vecs, weights = [], []
            for t, i in zip(tokens, ids):
                if i >= 0:
                    vecs.append(model.word_vectors(torch.tensor([i]))[0])
                    weights.append(model.word_weights(torch.tensor([i]))[0])
                else:
                    grams = torch.tensor(ngrams(t))
                    vecs.append(model.gram_table[grams].mean(0))
                    weights.append(model.unseen_weight())
            w = torch.stack(weights)
            x = (torch.stack(vecs) * w.unsqueeze(-1)).sum(0) / w.sum()
            proj = model.wq if which == 'question' else model.wp
            parts.append(F.normalize(x @ proj.T, dim=-1))
    return (torch.cat(parts) / math.sqrt(len(parts))).numpy().round(5).tolist()


def bank_probes(bank):
    """What the bank makes of a few questions against a small policy, for tests/features/policy/answer/questionBank.test.ts."""
    passages = [model_tokens(t) for s in BANK_PROBE_POLICY for t in s]
    owner = np.array([si for si, s in enumerate(BANK_PROBE_POLICY) for _ in s])
    out = []
    for text in BANK_PROBES:
        per_passage = []
        feats, uncovered = bank.section_features([model_tokens(text)], passages, owner, len(BANK_PROBE_POLICY), None, per_passage)
        out.append({'text': text, 'sections': [round(float(x), 6) for x in feats[0, :, 0]], 'passages': [round(float(x), 6) for x in per_passage[0]],
                    'uncovered': round(float(uncovered[0, 0]), 6), 'other': round(float(uncovered[0, 1]), 6)})
    return {'policy': BANK_PROBE_POLICY, 'probes': out}


def rewording_similarity(same, other, false_share=0.005):
    """The similarity above which at most `false_share` of pairs answered by different sections fall (measured
    out of fold): an owner's taught question then catches its rewordings without catching other questions."""
    t = float(np.quantile(other, 1 - false_share))
    return t, float((same >= t).mean())


def write_vectors(path, ensemble, vocab):
    """vectors.bin, member after member; returns each member's part of model.json."""
    members = []
    with open(path, 'wb') as f:
        for model in ensemble.members:
            with torch.no_grad():
                ids = torch.arange(len(vocab.words))
                vectors = torch.cat([model.word_vectors(ids[i:i + 4096]) for i in range(0, len(ids), 4096)]).numpy()
                weights = model.word_weights(ids).numpy()
                grams = model.gram_table.numpy()
            qv, sv = quantise(vectors)
            qg, sg = quantise(grams)
            f.write(qv.tobytes())
            f.write(sv.tobytes())
            f.write(qg.tobytes())
            f.write(sg.tobytes())
            f.write(weights.astype(np.float32).tobytes())
            members.append({
                'oovWeight': float(model.unseen_weight().item()),
                'wq': model.wq.detach().numpy().round(6).tolist(),
                'wp': model.wp.detach().numpy().round(6).tolist(),
            })
    return members


def main():
    ap = work.parser(__doc__)
    ap.add_argument('--out', required=True, help='the model folder to write (models/policy-model)')
    args = ap.parse_args()
    corpus = load_corpus(args.work)
    encoders = load_encoders(args.work, corpus)
    ctx = Scored(args.work, corpus)
    rankers = load_rankers(args.work, corpus)
    decline = work.load(args.work, 'decline', corpus.data_sha256)
    quote = work.load(args.work, 'quote', corpus.data_sha256)
    features, bank_file = (work.load(args.work, n, corpus.data_sha256) for n in ('features', 'bank'))
    key, ensemble, vocab = encoders['key'], encoders['final'], corpus.vocab
    w_rank, w_decline = rankers['all']
    questions = corpus.questions
    seconds = sum(s['seconds'] for s in (corpus.saved, encoders, features, bank_file, rankers, decline, quote))
    record = {
        'command': 'npm run train',
        'data': {'file': corpus.saved['data_file'], 'sha256': corpus.data_sha256, 'corpus_sha256': corpus.data.get('corpusSha256'),
                 'policies': len(corpus.raw_policies), 'questions': len(questions),
                 'answerable': sum(1 for q in questions if q['section'] is not None), 'uncovered': sum(1 for q in questions if q['section'] is None)},
        'settings': {'ranker': rankers['settings']['ranker'], 'decline_ranker': rankers['settings']['decline_ranker'], 'decline': decline['settings']['decline'],
                     'epochs': key['epochs'], 'seed': key['seed'], 'members': key['members'], 'folds': key['folds'], 'bank_k': QB.K, 'bank_power': QB.POWER,
                     'dim': DIM, 'ngram_buckets': NGRAM_BUCKETS, 'top_glove_words': TOP_GLOVE, 'word_dropout': 0.1, 'torch_threads': 1},
        'leave_one_kind_out': decline['leave_one_kind_out'],
        'answer_threshold': {'chosen': decline['threshold'], 'handled_right_by_threshold': {str(t): n for t, n in decline['by_threshold'].items()}},
        'seconds': round(seconds, 1),
    }
    rewording, caught = rewording_similarity(np.concatenate(encoders['pairs_same']), np.concatenate(encoders['pairs_other']))
    record['ranker_probes'] = ranker_probes(ctx.items, w_rank)
    record['quote'] = quote['record']
    record['rewording'] = {'similarity': rewording, 'same_section_pairs_caught': caught}
    work.log(f'rewording similarity {rewording:.3f}: catches {100 * caught:.1f}% of pairs answered by the same section')
    separate = w_decline is not w_rank
    if separate:
        record['decline_ranker_probes'] = ranker_probes(ctx.items, w_decline)
    record['probes'] = [{'text': t, 'question': probe_vectors(ensemble, vocab, t, 'question'), 'policy': probe_vectors(ensemble, vocab, t, 'policy')} for t in PROBES]

    os.makedirs(args.out, exist_ok=True)
    blob_path = os.path.join(args.out, 'vectors.bin')
    members = write_vectors(blob_path, ensemble, vocab)
    with open(blob_path, 'rb') as f:
        blob_sha = hashlib.sha256(f.read()).hexdigest()
    bank = build_bank(corpus)
    bank_bytes = json.dumps(bank.to_json(), separators=(',', ':')).encode('utf-8')
    with open(os.path.join(args.out, 'bank.json'), 'wb') as f:
        f.write(bank_bytes)
    record['bank_probes'] = bank_probes(bank)
    d = decline['decline']
    meta = {
        'format': FORMAT_VERSION,
        'dim': DIM,
        'ngram': {'buckets': NGRAM_BUCKETS, 'min': NGRAM_MIN, 'max': NGRAM_MAX},
        'words': vocab.words,
        'members': members,
        'headingMix': float(ensemble.heading_mix.item()),
        'rewordingSimilarity': rewording,
        'quote': {'features': QUOTE_FEATURES, 'weights': [float(x) for x in quote['weights']], 'prefix': QUOTE_PREFIX},
        'ranker': ranker_json(w_rank),
        # --decline-ranker linear: the decline classifier reads this linear ranker's scores, not the ranker's above.
        'declineRanker': ranker_json(w_decline) if separate else None,
        'decline': {'features': DECLINE_FEATURES, 'mean': d['mean'].tolist(), 'std': d['std'].tolist(), 'coef': d['coef'].tolist(), 'bias': d['bias'], 'threshold': decline['threshold'],
                    'hidden': None if d['hidden'] is None else {'weights': d['hidden']['weights'].tolist(), 'bias': d['hidden']['bias'].tolist()}},
        'unmatchedSimilarity': UNMATCHED_SIMILARITY,
        'vectorsSha256': blob_sha,
        'bankSha256': hashlib.sha256(bank_bytes).hexdigest(),
    }
    with open(os.path.join(args.out, 'model.json'), 'w') as f:
        json.dump(meta, f)
    with open(os.path.join(args.out, 'training-record.json'), 'w') as f:
        json.dump(record, f, indent=2)
    # When an answer is sure of its section (sure.py, issue 50), read by learnedModel.ts.
    with open(os.path.join(args.out, 'sure.json'), 'w') as f:
        json.dump(work.load(args.work, 'sure', corpus.data_sha256)['record'], f, indent=2)
        f.write('\n')
    write_sums(args.out)
    work.log(f'wrote {args.out} ({", ".join(sorted(os.listdir(args.out)))}); the stages took {seconds:.0f} s')


if __name__ == '__main__':
    main()
