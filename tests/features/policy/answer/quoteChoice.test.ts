import { quoteFromRanked } from '../../../../src/features/policy/answer/answerQuestion';
import { RankedSection } from '../../../../src/features/policy/answer/learnedRanking';
import { splitPassages } from '../../../../src/features/policy/answer/passages';
import { parsePolicyText } from '../../../../src/features/policy/ingest/parsePolicy';

/** A section of a policy written for these tests, its passages as the product splits them, scored as given. */
function ranked(text: string, scores: number[]): RankedSection {
  const doc = parsePolicyText(`Staff Online Conduct Policy\n\n1. Contact with families\n\n${text}\n`, 'test.txt');
  const section = doc.sections[0];
  const passages = splitPassages(section.text).map((p, position) => ({
    passage: { id: position, doc, section, position, text: p.text, leadIn: p.leadIn },
    similarity: scores[position],
    lexical: 0,
    score: scores[position],
  }));
  return { doc, section, score: 1, passages: passages.sort((a, b) => b.score - a.score) };
}

const SETUP = 'Some staff were already friends online with a parent before their child joined the school.';
const FOLLOWS = 'In these cases the member of staff tells the headteacher and keeps contact to personal matters.';
const OTHER = 'School trips are planned by the educational visits coordinator.';

describe('choosing the quote', () => {
  it('when the best sentence sets up a case and the next one says what follows from it, then both are quoted', () => {
    const r = ranked(`${SETUP} ${FOLLOWS} ${OTHER}`, [0.9, 0.6, 0.1]);
    expect(splitPassages(r.section.text)[1].leadIn).toBe(SETUP);
    expect(quoteFromRanked(r)).toBe(`${SETUP} ${FOLLOWS}`);
  });

  it('when the next sentence makes a point of its own, then the best sentence is quoted alone', () => {
    const r = ranked(`${SETUP} ${OTHER} ${FOLLOWS}`, [0.9, 0.6, 0.1]);
    expect(quoteFromRanked(r)).toBe(SETUP);
  });

  it('when the sentence that refers back is the best, then it is quoted with the sentence it refers to, once', () => {
    const r = ranked(`${SETUP} ${FOLLOWS} ${OTHER}`, [0.2, 0.9, 0.1]);
    expect(quoteFromRanked(r)).toBe(`${SETUP} ${FOLLOWS}`);
  });

  it('when a long lead-in is the best passage, then its first bullet is not joined to it', () => {
    const leadIn = 'When a parent contacts a member of staff online about their child, the member of staff must always:';
    const r = ranked(`${leadIn}\n\n- reply only from the school account\n- tell the class teacher the same day`, [0.9, 0.5, 0.4]);
    expect(splitPassages(r.section.text)[1].leadIn).toBe(leadIn);
    expect(quoteFromRanked(r)).toBe(leadIn);
  });
});
