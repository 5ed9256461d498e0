import fs from 'node:fs';
import path from 'node:path';
import { answerQuestion } from '../../../../../src/features/policy/answer/answerQuestion';
import { createPolicyIndex } from '../../../../../src/features/policy/answer/policyIndex';
import { parsePolicyText } from '../../../../../src/features/policy/ingest/parsePolicy';
import { renderAnswerCard } from '../../../../../src/features/policy/teams/cards/answerCard';
import { renderDisclosureOfferCard } from '../../../../../src/features/policy/teams/cards/disclosureOfferCard';
import { Verbs } from '../../../../../src/teams/verbs';
import { cardProblems, cardVerbs, shownText } from '../../../../support/cardAssertions';
import { REPO_ROOT } from '../../../../support/repoRoot';

const TYPED = 'Wilf Ambrose in 2K showed me [bruises](http://x.example) on his back, what should I do?';

describe('the "Report a concern" offer for a disclosure-like question', () => {
  it('when it is in the person\'s own chat, then its first and primary action starts the report carrying what they typed, which the card never shows', () => {
    const card = renderDisclosureOfferCard({ whatHappened: TYPED, policyAnswerFollows: true });

    expect(cardProblems(card)).toEqual([]);
    expect(card.actions).toEqual([{
      type: 'Action.Execute', title: 'Report a concern', style: 'positive', verb: Verbs.concernChooseKind, data: { changeKind: true, whatHappened: TYPED },
    }]);
    expect(shownText(card)).not.toContain('Wilf');
    const shown = shownText(card);
    expect(shown).toMatch(/DSL must know today/);
    expect(shown).toMatch(/immediate danger, call 999 or go to the DSL in person now/);
    expect(shown).toMatch(/do not promise to keep it secret/i);
    expect(shown).toMatch(/policy says is below/);
  });

  it('when it is in a channel or group chat, then the report opens privately and the card carries none of the message', () => {
    const card = renderDisclosureOfferCard({ policyAnswerFollows: false });

    expect(cardProblems(card)).toEqual([]);
    expect(cardVerbs(card)).toEqual([Verbs.concernStart]);
    expect(card.actions?.[0]).toMatchObject({ title: 'Report a concern', data: {} });
    expect(shownText(card)).toMatch(/Others can read this chat/);
    expect(shownText(card)).not.toMatch(/policy says is below/);
  });

  it('when the policy answer follows the offer, then it does not ask "Was this helpful?"', () => {
    const doc = parsePolicyText(fs.readFileSync(path.join(REPO_ROOT, 'samples/policies/liverpool-model.txt'), 'utf8'), 'liverpool-model.txt');
    const answer = answerQuestion(createPolicyIndex([doc]), 'Who do I report a safeguarding concern to?');
    if (!answer.answered) throw new Error('expected the policy to answer');

    const card = renderAnswerCard(answer, '', { given: false, asked: false });

    expect(cardProblems(card)).toEqual([]);
    expect(cardVerbs(card)).not.toContain(Verbs.feedback);
    expect(shownText(card)).not.toMatch(/was this helpful|thanks for your feedback/i);
  });
});
