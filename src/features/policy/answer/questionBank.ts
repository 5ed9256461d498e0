import { modelTokens } from './modelText';

/**
 * The question bank (training/question_bank.py says why and computes the same): every corpus question with the
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
  /** Each bank question's model tokens joined by spaces, and its answer's index (-1: its policy does not cover it). */
  questions: [string, number][];
}

/** What the bank says about one question against one policy. */
export interface BankMatch {
  /** Per section, in the order given to `forPolicy`: how well it matches the near questions' answers (0..1). */
  sections: Float64Array;
  /** The near questions' share (by weight) that their policies did not cover: 1 when no bank question is near. */
  uncovered: number;
}

/** A policy's passages as the bank reads them; `match` answers one question. */
export interface PolicyBank {
  match(question: string): BankMatch;
}

export interface QuestionBank {
  /** sectionPassages[s]: the texts (passage text with its lead-in) of section s. */
  forPolicy(sectionPassages: readonly (readonly string[])[]): PolicyBank;
  readonly size: number;
}

type Sparse = { ids: number[]; values: number[] };

/** tf-idf with 1 + ln(tf) and smooth idf ln((1 + n) / (1 + df)) + 1, as training computes it. */
class TfIdf {
  readonly index = new Map<string, number>();
  readonly idf: number[] = [];

  constructor(docs: readonly (readonly string[])[], minDf = 1) {
    const df = new Map<string, number>();
    for (const terms of docs) for (const t of new Set(terms)) df.set(t, (df.get(t) ?? 0) + 1);
    for (const [t, d] of df) {
      if (d < minDf) continue;
      this.index.set(t, this.idf.length);
      this.idf.push(Math.log((1 + docs.length) / (1 + d)) + 1);
    }
  }

  /** Unit vector of a text's terms (terms the bank never saw are left out). */
  vector(terms: readonly string[], offset = 0): Sparse {
    const counts = new Map<number, number>();
    for (const t of terms) {
      const id = this.index.get(t);
      if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const ids: number[] = [];
    const values: number[] = [];
    for (const [id, c] of counts) {
      ids.push(id + offset);
      values.push((1 + Math.log(c)) * this.idf[id]);
    }
    return unit({ ids, values });
  }
}

function unit(v: Sparse): Sparse {
  const norm = Math.sqrt(v.values.reduce((s, x) => s + x * x, 0));
  return norm > 0 ? { ids: v.ids, values: v.values.map((x) => x / norm) } : { ids: [], values: [] };
}

/** Postings: for each term, the rows holding it and their weights. */
function invert(rows: readonly Sparse[], width: number): { rows: Int32Array; values: Float64Array }[] {
  const lists: { rows: number[]; values: number[] }[] = Array.from({ length: width }, () => ({ rows: [], values: [] }));
  rows.forEach((v, r) => v.ids.forEach((id, i) => {
    lists[id].rows.push(r);
    lists[id].values.push(v.values[i]);
  }));
  return lists.map((l) => ({ rows: Int32Array.from(l.rows), values: Float64Array.from(l.values) }));
}

export function createQuestionBank(file: QuestionBankFile): QuestionBank {
  const stop = new Set(file.stopWords);
  const charGrams = (tokens: readonly string[]): string[] => {
    const out: string[] = [];
    for (const w of tokens) {
      const p = ` ${w} `;
      for (let n = file.charMin; n <= file.charMax; n++) for (let i = 0; i + n <= p.length; i++) out.push(p.slice(i, i + n));
    }
    return out;
  };
  const textTerms = (tokens: readonly string[]): string[] => {
    const kept = tokens.filter((t) => t.length > 1 && !stop.has(t));
    return [...kept, ...kept.slice(1).map((t, i) => `${kept[i]} ${t}`)];
  };
  const questionTokens = file.questions.map(([q]) => (q ? q.split(' ') : []));
  const words = new TfIdf(questionTokens);
  const chars = new TfIdf(questionTokens.map(charGrams), file.charMinDf);
  const questionVector = (tokens: readonly string[]): Sparse => {
    const w = words.vector(tokens);
    const c = chars.vector(charGrams(tokens), words.idf.length);
    return unit({ ids: [...w.ids, ...c.ids], values: [...w.values, ...c.values] });
  };
  const bankPostings = invert(questionTokens.map(questionVector), words.idf.length + chars.idf.length);
  const answerOf = Int32Array.from(file.questions.map(([, a]) => a));
  const answerTerms = file.answers.map((a) => textTerms(a.split(' ')));
  const text = new TfIdf(answerTerms);
  const answerVectors = answerTerms.map((t) => text.vector(t));

  /** The k nearest bank questions with their weights (similarity^power), best first, ties by bank order. */
  const neighbours = (question: string): { row: number; weight: number }[] => {
    const q = questionVector(modelTokens(question));
    const acc = new Float64Array(file.questions.length);
    q.ids.forEach((id, i) => {
      const list = bankPostings[id];
      const v = q.values[i];
      for (let p = 0; p < list.rows.length; p++) acc[list.rows[p]] += v * list.values[p];
    });
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
    size: file.questions.length,
    forPolicy(sectionPassages) {
      const passageVectors: Sparse[] = [];
      const owner: number[] = [];
      sectionPassages.forEach((texts, s) => texts.forEach((t) => {
        passageVectors.push(text.vector(textTerms(modelTokens(t))));
        owner.push(s);
      }));
      const postings = invert(passageVectors, text.idf.length);
      const n = sectionPassages.length;
      // Per answer, the best cosine with a passage of each section: worked out when an answer is first needed.
      const matched = new Map<number, Float64Array>();
      const sectionMatch = (answer: number): Float64Array => {
        let out = matched.get(answer);
        if (out) return out;
        const cos = new Float64Array(passageVectors.length);
        const a = answerVectors[answer];
        a.ids.forEach((id, i) => {
          const list = postings[id];
          for (let p = 0; p < list.rows.length; p++) cos[list.rows[p]] += a.values[i] * list.values[p];
        });
        out = new Float64Array(n);
        for (let p = 0; p < cos.length; p++) if (cos[p] > out[owner[p]]) out[owner[p]] = cos[p];
        matched.set(answer, out);
        return out;
      };
      return {
        match(question) {
          const near = neighbours(question);
          const sections = new Float64Array(n);
          if (near.length === 0) return { sections, uncovered: 1 };
          let total = 0;
          let uncovered = 0;
          for (const { row, weight } of near) {
            total += weight;
            const answer = answerOf[row];
            if (answer < 0) {
              uncovered += weight;
              continue;
            }
            const m = sectionMatch(answer);
            for (let s = 0; s < n; s++) sections[s] += weight * m[s];
          }
          for (let s = 0; s < n; s++) sections[s] /= total;
          return { sections, uncovered: uncovered / total };
        },
      };
    },
  };
}
