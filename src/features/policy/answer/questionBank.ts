import { modelTokens } from './modelText';

/**
 * The question bank (research/training/answer/question_bank.py says why and computes the same): every corpus question with the
 * words of the passage that answers it, or none when its policy does not cover it. A staff question finds its
 * nearest bank questions by how it is worded (tf-idf over words and character 3- to 5-grams, so "insta" and typos
 * still meet); each neighbour's answer, in policy language, is then matched against the school's passages. Staff
 * phrasing is closer to other staff phrasing than to a policy's, and one policy's wording is closer to another's.
 */
export interface QuestionBankFile {
  k: number;
  power: number;
  charMin: number;
  charMax: number;
  charMinDf: number;
  stopWords: string[];
  /** Distinct answers: a section heading's words and the passage's, as model tokens joined by spaces. */
  answers: string[];
  /**
   * Each bank question's model tokens joined by spaces, and its answer's index; -1: its policy does not cover it, an
   * online matter that policy left out; -2: not covered, and no social media matter at all (parking, pay...).
   */
  questions: [string, number][];
}

/** What the bank says about one question against one policy. */
export interface BankMatch {
  /** Per section, in the order given to `forPolicy`: how well it matches the near questions' answers (0..1). */
  sections: Float64Array;
  /**
   * Per passage, section after section as given to `forPolicy`: the near questions' answers' match with that one
   * passage, weighted as for sections (which passage of a section to quote).
   */
  passages: Float64Array;
  /** The near questions' share (by weight) that their policies did not cover: 1 when no bank question is near. */
  uncovered: number;
  /** The share of them not covered because they are no social media matter at all (0 when none is near). */
  otherUncovered: number;
}

/** A policy's passages as the bank reads them; `match` answers one question. */
export interface PolicyBank {
  match(question: string): BankMatch;
}

export interface QuestionBank {
  /** sectionPassages[s]: the texts (passage text with its lead-in) of section s. */
  forPolicy(sectionPassages: readonly (readonly string[])[]): PolicyBank;
}

type Sparse = { ids: number[]; values: number[] };

function unit(v: Sparse): Sparse {
  const norm = Math.sqrt(v.values.reduce((s, x) => s + x * x, 0));
  return norm > 0 ? { ids: v.ids, values: v.values.map((x) => x / norm) } : { ids: [], values: [] };
}

/** Ids of terms, given out as terms are first met (the bank's questions), and looked up later (a staff question). */
class TermIds {
  readonly ids = new Map<string, number>();

  /** The ids of terms listed in id order (a BankIndex's words or chars). */
  static of(terms: readonly string[]): TermIds {
    const t = new TermIds();
    terms.forEach((term, id) => t.ids.set(term, id));
    return t;
  }

  intern(terms: readonly string[]): Int32Array {
    return Int32Array.from(terms, (t) => {
      let id = this.ids.get(t);
      if (id === undefined) this.ids.set(t, (id = this.ids.size));
      return id;
    });
  }

  lookup(terms: readonly string[]): number[] {
    const out: number[] = [];
    for (const t of terms) {
      const id = this.ids.get(t);
      if (id !== undefined) out.push(id);
    }
    return out;
  }
}

/** Postings: for each term id t, the rows holding it (in row order) and their weights, from start[t] to start[t + 1]. */
export interface Postings { start: Int32Array; row: Int32Array; value: Float64Array }

/** Postings of rows given one after another: row r's term ids and weights are ids/values from rowStart[r] to rowStart[r + 1]. */
function postingsOfRows(ids: ArrayLike<number>, values: ArrayLike<number>, rowStart: ArrayLike<number>, rows: number, width: number): Postings {
  const start = new Int32Array(width + 1);
  for (let k = 0; k < rowStart[rows]; k++) start[ids[k] + 1]++;
  for (let t = 0; t < width; t++) start[t + 1] += start[t];
  const row = new Int32Array(start[width]);
  const value = new Float64Array(start[width]);
  const fill = start.slice(0, width);
  for (let r = 0; r < rows; r++) {
    for (let k = rowStart[r]; k < rowStart[r + 1]; k++) {
      row[fill[ids[k]]] = r;
      value[fill[ids[k]]++] = values[k];
    }
  }
  return { start, row, value };
}

function postingsOf(vectors: readonly Sparse[], width: number): Postings {
  const rowStart = [0];
  for (const v of vectors) rowStart.push(rowStart[rowStart.length - 1] + v.ids.length);
  return postingsOfRows(vectors.flatMap((v) => v.ids), vectors.flatMap((v) => v.values), rowStart, vectors.length, width);
}

/** acc[row] += weight x the term's weight in that row, for every row holding term `id`. */
function addPostings(p: Postings, id: number, weight: number, acc: Float64Array): void {
  for (let k = p.start[id]; k < p.start[id + 1]; k++) acc[p.row[k]] += weight * p.value[k];
}

/** Smooth idf per term id from each document's term ids; terms in fewer than `minDf` documents weigh 0 (left out). */
function idfOf(docs: readonly Int32Array[], size: number, minDf: number): Float64Array {
  const df = new Int32Array(size);
  const seen = new Int32Array(size).fill(-1);
  docs.forEach((ids, d) => ids.forEach((id) => {
    if (seen[id] !== d) {
      seen[id] = d;
      df[id]++;
    }
  }));
  return Float64Array.from(df, (n) => (n >= minDf ? Math.log((1 + docs.length) / (1 + n)) + 1 : 0));
}

/**
 * Each term of sorted term ids with its tf-idf weight, as training computes it: 1 + ln(tf) times smooth idf (idfOf);
 * terms of weight 0 are left out. Counted by sorting the ids, not in a map.
 */
function forEachWeight(sorted: Int32Array, idf: Float64Array, emit: (id: number, weight: number) => void): void {
  for (let i = 0; i < sorted.length;) {
    const id = sorted[i];
    let j = i + 1;
    while (j < sorted.length && sorted[j] === id) j++;
    if (idf[id] > 0) emit(id, (1 + Math.log(j - i)) * idf[id]);
    i = j;
  }
}

/** Unit tf-idf vector of a text's term ids (forEachWeight), each id moved by `offset`. */
function tfIdf(ids: ArrayLike<number>, idf: Float64Array, offset: number): Sparse {
  const out: Sparse = { ids: [], values: [] };
  forEachWeight(Int32Array.from(ids).sort(), idf, (id, x) => {
    out.ids.push(id + offset);
    out.values.push(x);
  });
  return unit(out);
}

/**
 * The bank questions' unit vectors (vectorOf's: each part tf-idf as tfIdf weighs it and made a unit vector, then the two
 * together made one again), written as postings; the same values, worked out in place. Built at every start from
 * 11,000 questions, where one small array a question, sorted and mapped three times, took most of the bank's load time.
 */
function bankPostingsOf(
  wordDocs: readonly Int32Array[], charDocs: readonly Int32Array[], wordIdf: Float64Array, charIdf: Float64Array, charOffset: number, width: number,
): Postings {
  let longest = 0;
  let total = 0;
  for (let d = 0; d < wordDocs.length; d++) {
    longest = Math.max(longest, wordDocs[d].length, charDocs[d].length);
    total += wordDocs[d].length + charDocs[d].length;
  }
  const sorted = new Int32Array(longest);
  // Every row's terms and weights, row after row (rowStart[r] to rowStart[r + 1]).
  const ids = new Int32Array(total);
  const values = new Float64Array(total);
  const rowStart = new Int32Array(wordDocs.length + 1);
  let at = 0;
  /** Appends one part's tf-idf weights (terms of idf 0 left out) and returns the sum of their squares, in tfIdf's order. */
  const appendPart = (doc: Int32Array, idf: Float64Array, offset: number): number => {
    const run = sorted.subarray(0, doc.length);
    run.set(doc);
    let squares = 0;
    forEachWeight(run.sort(), idf, (id, x) => {
      ids[at] = id + offset;
      values[at++] = x;
      squares += x * x;
    });
    return squares;
  };
  /**
   * unit(): each weight from `from` on divided by the norm (or the part dropped when its norm is 0); returns `sum` plus
   * the new weights' squares, added one by one in order as unit() of the joined vector adds them.
   */
  const unitFrom = (from: number, squares: number, sum: number): number => {
    const norm = Math.sqrt(squares);
    if (!(norm > 0)) {
      at = from;
      return sum;
    }
    for (let k = from; k < at; k++) {
      values[k] /= norm;
      sum += values[k] * values[k];
    }
    return sum;
  };
  for (let r = 0; r < wordDocs.length; r++) {
    const start = at;
    // The word part, then the character part, each a unit vector, then the two together.
    const wordSquares = unitFrom(start, appendPart(wordDocs[r], wordIdf, 0), 0);
    const chars = at;
    unitFrom(start, unitFrom(chars, appendPart(charDocs[r], charIdf, charOffset), wordSquares), 0);
    rowStart[r + 1] = at;
  }
  return postingsOfRows(ids, values, rowStart, wordDocs.length, width);
}

/**
 * The bank's questions read for lookup: each word's and each character n-gram's id (their position in `words` and
 * `chars`), their idf, and every question's unit vector written as postings. Building it from the bank's 11,000
 * questions is most of the answering model's load time; it depends on the bank alone, so it can be kept and read back
 * (bankIndexCache.ts) rather than built at every start.
 */
export interface BankIndex {
  words: readonly string[];
  chars: readonly string[];
  wordIdf: Float64Array;
  charIdf: Float64Array;
  postings: Postings;
  /** The answers' terms (words and word pairs) in id order, their idf, and each answer's unit tf-idf vector (rows of `answers`). */
  answerTerms: readonly string[];
  textIdf: Float64Array;
  answers: Postings;
}

/** The words and word pairs of policy text, as the answers are read: stop words and one-letter words left out. */
function textTermsOf(stop: ReadonlySet<string>, tokens: readonly string[]): string[] {
  const kept = tokens.filter((t) => t.length > 1 && !stop.has(t));
  return [...kept, ...kept.slice(1).map((t, i) => `${kept[i]} ${t}`)];
}

/** The character n-grams of one word, as training cuts them (the word padded with a space each side). */
function wordGramsOf(file: Pick<QuestionBankFile, 'charMin' | 'charMax'>, w: string): string[] {
  const out: string[] = [];
  const p = ` ${w} `;
  for (let n = file.charMin; n <= file.charMax; n++) for (let i = 0; i + n <= p.length; i++) out.push(p.slice(i, i + n));
  return out;
}

/** Builds the bank's BankIndex from its questions. */
export function buildBankIndex(file: QuestionBankFile): BankIndex {
  // The bank's questions as term ids (words; character n-grams), then idf, then each question's unit vector
  // written straight into postings: for each term, the questions holding it (in bank order) and their weights.
  const words = new TermIds();
  const chars = new TermIds();
  const wordDocs: Int32Array[] = [];
  const charDocs: Int32Array[] = [];
  // A word's n-grams are cut and interned once: the bank's questions share most of their words (start-up time).
  const gramIdsOf = new Map<string, Int32Array>();
  for (const [q] of file.questions) {
    const tokens = q ? q.split(' ') : [];
    wordDocs.push(words.intern(tokens));
    const grams = tokens.map((w) => {
      let ids = gramIdsOf.get(w);
      if (!ids) gramIdsOf.set(w, (ids = chars.intern(wordGramsOf(file, w))));
      return ids;
    });
    const doc = new Int32Array(grams.reduce((n, ids) => n + ids.length, 0));
    grams.reduce((at, ids) => (doc.set(ids, at), at + ids.length), 0);
    charDocs.push(doc);
  }
  const wordIdf = idfOf(wordDocs, words.ids.size, 1);
  const charIdf = idfOf(charDocs, chars.ids.size, file.charMinDf);
  const width = words.ids.size + chars.ids.size;
  // Policy text: the answers' terms and their idf; a policy's passages are read in the same terms (others left out).
  const stop = new Set(file.stopWords);
  const terms = new TermIds();
  const answerDocs = file.answers.map((a) => terms.intern(textTermsOf(stop, a.split(' '))));
  const textIdf = idfOf(answerDocs, terms.ids.size, 1);
  // Each answer's vector as one row (its terms are written in the term-id column), read back row by row.
  const answerVectors = answerDocs.map((ids) => tfIdf(ids, textIdf, 0));
  const answerStart = [0];
  for (const v of answerVectors) answerStart.push(answerStart[answerStart.length - 1] + v.ids.length);
  return {
    words: [...words.ids.keys()], chars: [...chars.ids.keys()], wordIdf, charIdf,
    postings: bankPostingsOf(wordDocs, charDocs, wordIdf, charIdf, words.ids.size, width),
    answerTerms: [...terms.ids.keys()], textIdf,
    answers: { start: Int32Array.from(answerStart), row: Int32Array.from(answerVectors.flatMap((v) => v.ids)), value: Float64Array.from(answerVectors.flatMap((v) => v.values)) },
  };
}

/**
 * The question bank over its questions; `index` is their BankIndex when one was kept (it must be the one
 * buildBankIndex gives for this file), built here otherwise.
 */
export function createQuestionBank(file: QuestionBankFile, index: BankIndex = buildBankIndex(file)): QuestionBank {
  const stop = new Set(file.stopWords);
  const charGrams = (tokens: readonly string[]): string[] => tokens.flatMap((w) => wordGramsOf(file, w));
  const textTerms = (tokens: readonly string[]): string[] => textTermsOf(stop, tokens);
  const words = TermIds.of(index.words);
  const chars = TermIds.of(index.chars);
  const { wordIdf, charIdf } = index;
  const vectorOf = (w: ArrayLike<number>, c: ArrayLike<number>): Sparse => {
    const a = tfIdf(w, wordIdf, 0);
    const b = tfIdf(c, charIdf, words.ids.size);
    return unit({ ids: a.ids.concat(b.ids), values: a.values.concat(b.values) });
  };
  const bankPostings = index.postings;
  const questionVector = (tokens: readonly string[]): Sparse => vectorOf(words.lookup(tokens), chars.lookup(charGrams(tokens)));
  const answerOf = Int32Array.from(file.questions.map(([, a]) => a));
  const terms = TermIds.of(index.answerTerms);
  const { textIdf, answers } = index;

  /** The k nearest bank questions with their weights (similarity^power), best first, ties by bank order. */
  const neighbours = (question: string): { row: number; weight: number }[] => {
    const q = questionVector(modelTokens(question));
    const acc = new Float64Array(file.questions.length);
    q.ids.forEach((id, i) => addPostings(bankPostings, id, q.values[i], acc));
    // The k best kept in order as the rows go by: a row displaces another only when strictly closer, so of equally
    // close rows the earlier stays ahead (training's stable sort).
    const near: number[] = [];
    for (let r = 0; r < acc.length; r++) {
      const v = acc[r];
      if (v <= 0 || (near.length === file.k && v <= acc[near[near.length - 1]])) continue;
      let at = near.length;
      while (at > 0 && acc[near[at - 1]] < v) at--;
      near.splice(at, 0, r);
      if (near.length > file.k) near.pop();
    }
    return near.map((row) => ({ row, weight: acc[row] ** file.power }));
  };

  return {
    forPolicy(sectionPassages) {
      const passageVectors: Sparse[] = [];
      const owner: number[] = [];
      sectionPassages.forEach((texts, s) => texts.forEach((t) => {
        passageVectors.push(tfIdf(terms.lookup(textTerms(modelTokens(t))), textIdf, 0));
        owner.push(s);
      }));
      const postings = postingsOf(passageVectors, terms.ids.size);
      const n = sectionPassages.length;
      // Per answer, the best cosine with a passage of each section: worked out when an answer is first needed.
      const matched = new Map<number, { sections: Float64Array; passages: Float64Array }>();
      const answerMatch = (answer: number): { sections: Float64Array; passages: Float64Array } => {
        let out = matched.get(answer);
        if (out) return out;
        const cos = new Float64Array(passageVectors.length);
        for (let k = answers.start[answer]; k < answers.start[answer + 1]; k++) addPostings(postings, answers.row[k], answers.value[k], cos);
        const sections = new Float64Array(n);
        for (let p = 0; p < cos.length; p++) if (cos[p] > sections[owner[p]]) sections[owner[p]] = cos[p];
        out = { sections, passages: cos };
        matched.set(answer, out);
        return out;
      };
      return {
        match(question) {
          const near = neighbours(question);
          const sections = new Float64Array(n);
          const passages = new Float64Array(passageVectors.length);
          if (near.length === 0) return { sections, passages, uncovered: 1, otherUncovered: 0 };
          let total = 0;
          let uncovered = 0;
          let other = 0;
          for (const { row, weight } of near) {
            total += weight;
            const answer = answerOf[row];
            if (answer < 0) {
              uncovered += weight;
              if (answer === -2) other += weight;
              continue;
            }
            const m = answerMatch(answer);
            for (let s = 0; s < n; s++) sections[s] += weight * m.sections[s];
            for (let p = 0; p < passages.length; p++) passages[p] += weight * m.passages[p];
          }
          for (let s = 0; s < n; s++) sections[s] /= total;
          for (let p = 0; p < passages.length; p++) passages[p] /= total;
          return { sections, passages, uncovered: uncovered / total, otherUncovered: other / total };
        },
      };
    },
  };
}
