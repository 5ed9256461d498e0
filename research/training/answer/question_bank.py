"""The question bank: every corpus question, with the words of the passage that answers it (its section's heading
and the passage) or nothing when its policy does not cover it. A staff question is matched question-to-question
against the bank (how staff put things is closer to how other staff put them than to how a policy does), and each
near neighbour's answer, written in policy language, is matched passage-to-passage against the school's policy.

Section feature: bank[s] = sum over the k nearest bank questions j of sim(q, j)^power * match(answer_j, s) / sum of
sim(q, j)^power over all k (so neighbours the policy would not answer dilute it), where match is the best cosine of
answer_j with a passage of section s. Decline features also read the neighbours' uncovered share.

Everything here is plain counting so src/features/policy/answer/questionBank.ts computes exactly the same (bank.py
is the stage that builds the bank and its features; this file is what it computes):
  - question vectors: tf-idf (1 + ln tf, smooth idf ln((1 + n) / (1 + df)) + 1) over the question's words, and over
    the character 3- to 5-grams of each word padded with spaces (grams in fewer than 2 bank questions dropped), each
    part scaled to unit length, the two side by side scaled to unit length again;
  - policy-text vectors: the same tf-idf over words that are not stop words (and longer than one letter) and the
    pairs of such words next to each other once the others are removed, idf counted over the bank's distinct answers;
    terms no answer uses are dropped.
"""
import math
from collections import Counter

import numpy as np
import scipy.sparse as sp

CHAR_MIN, CHAR_MAX = 3, 5
CHAR_MIN_DF = 2
K = 20
POWER = 2.0
FEATURES = ['bank', 'bank_gap']
DECLINE_FEATURES = ['bank_top', 'bank_best', 'bank_uncovered', 'bank_uncovered_other']

# scikit-learn's English stop words (sklearn.feature_extraction.text.ENGLISH_STOP_WORDS), written out so the
# bank file carries the list the TypeScript side uses.
STOP_WORDS = sorted("""a about above across after afterwards again against all almost alone along already also although always am
among amongst amoungst amount an and another any anyhow anyone anything anyway anywhere are around as at back be became
because become becomes becoming been before beforehand behind being below beside besides between beyond bill both bottom
but by call can cannot cant co con could couldnt cry de describe detail do done down due during each eg eight either
eleven else elsewhere empty enough etc even ever every everyone everything everywhere except few fifteen fifty fill find
fire first five for former formerly forty found four from front full further get give go had has hasnt have he hence her
here hereafter hereby herein hereupon hers herself him himself his how however hundred i ie if in inc indeed interest into
is it its itself keep last latter latterly least less ltd made many may me meanwhile might mill mine more moreover most
mostly move much must my myself name namely neither never nevertheless next nine no nobody none noone nor not nothing now
nowhere of off often on once one only onto or other others otherwise our ours ourselves out over own part per perhaps
please put rather re same see seem seemed seeming seems serious several she should show side since sincere six sixty so
some somehow someone something sometime sometimes somewhere still such system take ten than that the their them
themselves then thence there thereafter thereby therefore therein thereupon these they thick thin third this those though
three through throughout thru thus to together too top toward towards twelve twenty two un under until up upon us very via
was we well were what whatever when whence whenever where whereafter whereas whereby wherein whereupon wherever whether
which while whither who whoever whole whom whose why will with within without would yet you your yours yourself
yourselves""".split())
_STOP = frozenset(STOP_WORDS)


def char_grams(tokens):
    out = []
    for w in tokens:
        p = ' ' + w + ' '
        for n in range(CHAR_MIN, CHAR_MAX + 1):
            for i in range(0, len(p) - n + 1):
                out.append(p[i:i + n])
    return out


def text_terms(tokens):
    kept = [t for t in tokens if len(t) > 1 and t not in _STOP]
    return kept + [a + ' ' + b for a, b in zip(kept, kept[1:])]


class TfIdf:
    def __init__(self, docs, min_df=1):
        df = Counter(t for terms in docs for t in set(terms))
        n = len(docs)
        self.index = {}
        idf = []
        for t in sorted(df):
            if df[t] >= min_df:
                self.index[t] = len(idf)
                idf.append(math.log((1 + n) / (1 + df[t])) + 1)
        self.idf = np.array(idf, dtype=np.float64)

    def matrix(self, docs):
        rows, cols, vals = [], [], []
        for r, terms in enumerate(docs):
            c = Counter(t for t in terms if t in self.index)
            if not c:
                continue
            ids = [self.index[t] for t in c]
            v = np.array([(1 + math.log(k)) for k in c.values()]) * self.idf[ids]
            v /= np.linalg.norm(v)
            rows += [r] * len(ids)
            cols += ids
            vals += v.tolist()
        return sp.csr_matrix((vals, (rows, cols)), shape=(len(docs), len(self.idf)))


def _unit_rows(m):
    norms = np.sqrt(np.asarray(m.multiply(m).sum(1)).ravel())
    norms[norms == 0] = 1
    return sp.diags(1 / norms) @ m


class QuestionBank:
    """bank: list of (question tokens, answer tokens or None, kind of school, topic of an uncovered question:
    'social-media', an online matter its policy left out, 'near-miss', a detail its policy does not settle on a topic it
    covers, or 'other', not a social media matter at all)."""

    def __init__(self, bank):
        self.questions = [b[0] for b in bank]
        self.kinds = np.array([b[2] for b in bank])
        self.uncovered = np.array([b[1] is None for b in bank])
        self.other = np.array([b[1] is None and b[3] == 'other' for b in bank])
        answers = sorted({' '.join(b[1]) for b in bank if b[1] is not None})
        self.answer_texts = answers
        answer_of = {a: i for i, a in enumerate(answers)}
        self.answer = np.array([(-2 if b[3] == 'other' else -1) if b[1] is None else answer_of[' '.join(b[1])] for b in bank])
        self.words = TfIdf(self.questions)
        self.chars = TfIdf([char_grams(q) for q in self.questions], CHAR_MIN_DF)
        self.matrix = self.question_matrix(self.questions)
        self.text = TfIdf([text_terms(a.split(' ')) for a in answers])
        self.answer_matrix = self.text.matrix([text_terms(a.split(' ')) for a in answers])

    def question_matrix(self, token_lists):
        return _unit_rows(sp.hstack([self.words.matrix(token_lists), self.chars.matrix([char_grams(t) for t in token_lists])]).tocsr()).tocsr()

    def section_features(self, token_lists, passages, owner, n_sections, exclude_kinds=None, passage_scores=None):
        """For questions about one policy: [Q, n_sections, 2] section features and [Q, 2] the near questions' uncovered
        share and the share uncovered because they are not social media matters at all (parking, pay...).
        passages: token lists of the policy's passages; owner: section position of each passage. When
        `passage_scores` is a list, each question's [P] passage scores are appended to it: the same weighted sum over
        the near questions, of each answer's cosine with that one passage (for choosing the quote)."""
        sims = (self.question_matrix(token_lists) @ self.matrix.T).toarray()
        if exclude_kinds is not None:
            for i, k in enumerate(exclude_kinds):
                sims[i, self.kinds == k] = -1
        P = self.text.matrix([text_terms(p) for p in passages])
        match = (self.answer_matrix @ P.T).toarray()  # [answers, passages]
        per_section = np.zeros((match.shape[0], n_sections))
        for s in range(n_sections):
            cols = np.nonzero(owner == s)[0]
            if len(cols):
                per_section[:, s] = match[:, cols].max(1)
        feats = np.zeros((len(token_lists), n_sections, len(FEATURES)), dtype=np.float32)
        uncovered = np.ones((len(token_lists), 2), dtype=np.float32)
        for i in range(len(token_lists)):
            row = sims[i]
            top = np.argsort(-row, kind='stable')[:K]
            top = top[row[top] > 0]
            if len(top) == 0:
                if passage_scores is not None:
                    passage_scores.append(np.zeros(match.shape[1]))
                continue
            w = row[top] ** POWER
            total = w.sum()
            uncovered[i] = [w[self.uncovered[top]].sum() / total, w[self.other[top]].sum() / total]
            sec = np.zeros(n_sections)
            per_passage = np.zeros(match.shape[1])
            for j, wj in zip(top, w):
                if self.answer[j] >= 0:
                    sec += wj * per_section[self.answer[j]]
                    per_passage += wj * match[self.answer[j]]
            sec /= total
            if passage_scores is not None:
                passage_scores.append(per_passage / total)
            feats[i, :, 0] = sec
            feats[i, :, 1] = sec - sec.max()
        return feats, uncovered

    def to_json(self):
        return {'k': K, 'power': POWER, 'charMin': CHAR_MIN, 'charMax': CHAR_MAX, 'charMinDf': CHAR_MIN_DF, 'stopWords': STOP_WORDS,
                'answers': self.answer_texts, 'questions': [[' '.join(q), int(a)] for q, a in zip(self.questions, self.answer)]}
