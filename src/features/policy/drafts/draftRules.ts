import { answerQuestion, AnswerMatch } from '../answer/answerQuestion';
import { formatCitationLabel } from '../policyDocument';
import { PolicyLibrary } from '../policyLibrary';
import { CONCERN_INFO, DraftConcernId } from './draftConcerns';
import { PolicyRule } from './draftChecker';
import { SentenceEncoder } from '../../../shared/sentenceEncoder';
import { passageText } from '../answer/learnedRanking';
import { readPolicyRules, RuleReaderHeads } from './ruleReader';

/** The rule reader's encoder and heads (ruleReader.ts); without them the rule is the answering stack's answer. */
export interface RuleReaderDeps { encoder: SentenceEncoder; heads: RuleReaderHeads }

/**
 * The school's own rule on each concern. With the rule reader (`reader`, issue 53's third pass): the passage its head
 * for the concern scores highest in the live policy, or none, read once per policy version (every passage encoded) and
 * kept until an owner publishes another. Without it, the stack lookup below, which the reader replaced: it quoted the
 * right section's wrong sentence, or a long section's wrong part, too often (research/DECISIONS.md has both figures).
 *
 * The stack lookup finds the rule by asking its policy the concern's questions through the answering
 * stack: the section most of the questions are answered from, and the sentence the answer quotes there. None when
 * most of the questions are not answered (the stack declines), so a draft is never judged by another school's rule,
 * nor by a sentence one odd wording happened to reach. Read again when the live policy changes (an owner published a
 * new version).
 */
export function createPolicyRuleFinder(library: PolicyLibrary, reader?: RuleReaderDeps): (id: DraftConcernId) => Promise<PolicyRule | null> {
  let cachedFor: unknown;
  let rules = new Map<DraftConcernId, PolicyRule | null>();
  let read: Promise<Map<DraftConcernId, PolicyRule | null>> | undefined;

  const find = (id: DraftConcernId): PolicyRule | null => {
    const queries = CONCERN_INFO[id].queries;
    const votes = new Map<string, { count: number; first: AnswerMatch }>();
    for (const query of queries) {
      const answer = answerQuestion(library.index, query);
      if (!answer.answered) continue;
      const key = `${answer.best.doc.id}#${answer.best.section.ordinal}`;
      const vote = votes.get(key);
      if (vote) vote.count++;
      else votes.set(key, { count: 1, first: answer.best });
    }
    // Most votes wins; on a tie, the section the earlier question was answered from (the first is the plainest).
    let best: { count: number; first: AnswerMatch } | undefined;
    for (const vote of votes.values()) if (!best || vote.count > best.count) best = vote;
    const answered = [...votes.values()].reduce((n, v) => n + v.count, 0);
    if (!best || answered * 2 <= queries.length) return null;
    const m = best.first;
    return { quote: m.quote, citation: formatCitationLabel(m.doc, m.section), documentTitle: m.doc.title, section: m.section.ordinal };
  };

  const readAll = async (index: PolicyLibrary['index'], deps: RuleReaderDeps): Promise<Map<DraftConcernId, PolicyRule | null>> => {
    const passages = await readPolicyRules(index, deps.encoder, deps.heads);
    return new Map([...passages].map(([id, p]) => [id, p && {
      quote: passageText(p), citation: formatCitationLabel(p.doc, p.section), documentTitle: p.doc.title, section: p.section.ordinal,
    }]));
  };

  return async (id) => {
    if (cachedFor !== library.index) {
      cachedFor = library.index;
      rules = new Map();
      // One reading per policy version, shared by the checks that arrive while it runs.
      read = reader && library.primary ? readAll(library.index, reader) : undefined;
      read?.catch(() => { if (cachedFor === library.index) cachedFor = undefined; });
    }
    if (!library.primary) return null;
    if (read) return (await read).get(id) ?? null;
    if (!rules.has(id)) rules.set(id, find(id));
    return rules.get(id) ?? null;
  };
}
