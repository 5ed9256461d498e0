import { renderNotCoveredCard } from '../../../../../src/features/policy/teams/cards/notCoveredCard';
import {
  ALREADY_SENT_TEXT, SEND_OFFER_TEXT, SEND_REFUSED_TEXT, SendCarried, SENT_QUIETLY_TEXT, withSendToOwners,
} from '../../../../../src/features/policy/teams/cards/sendToOwners';
import { Verbs } from '../../../../../src/teams/verbs';
import { cardProblems, executeActions, markdownCarriers, shownText } from '../../../../support/cardAssertions';

/**
 * The part of a reply that offers to send its question to the policy owners (issue 69): a question is kept only when its
 * asker sends it. What a person typed travels in an input's value or a TextRun, never in a TextBlock read as markdown.
 */
const TYPED = 'can <at>Harriet Head</at> see **this** https://evil.example/login?';
const CARRIED: SendCarried = { questionId: 'q-1', token: 'send-token', carried: 'sealed-question', view: 'notCovered' };
const base = () => renderNotCoveredCard('Staff Social Media Policy');
type Input = { type?: string; id?: string; value?: string; maxLength?: number };

function inputsOf(card: unknown): Input[] {
  const out: Input[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Input;
    if (o.type === 'Input.Text') out.push(o);
    Object.values(o).forEach(walk);
  };
  walk(card);
  return out;
}

describe('sending a question to the policy owners, on a reply', () => {
  it('when offered, then the reply says nothing is kept unless sent, and "Send my question" opens the question in a box with Send carrying the sealed question and token', () => {
    const card = withSendToOwners(base(), { offer: { ...CARRIED, prefill: TYPED } });

    expect(cardProblems(card)).toEqual([]);
    expect(shownText(card)).toContain(SEND_OFFER_TEXT);
    expect(inputsOf(card)).toEqual([expect.objectContaining({ id: 'question', value: TYPED, maxLength: 500 })]);
    expect(executeActions(card).filter((a) => a.verb === Verbs.sendToOwners)).toEqual([
      { title: 'Send', verb: Verbs.sendToOwners, data: { questionId: 'q-1', t: 'send-token', q: 'sealed-question', view: 'notCovered' } },
    ]);
    expect(markdownCarriers(card).join('\n')).not.toContain('Harriet');
    // What the reply already showed is still there, above.
    expect(shownText(card)).toContain("The policy doesn't cover that");
  });

  it('when offered in a channel (no prefill), then the box is empty and the card repeats nothing of the question', () => {
    const card = withSendToOwners(base(), { offer: { ...CARRIED, view: 'chosen', section: 'policy#4' } });

    expect(inputsOf(card)[0].value).toBe('');
    expect(executeActions(card).find((a) => a.verb === Verbs.sendToOwners)?.data).toMatchObject({ view: 'chosen', section: 'policy#4' });
  });

  it('when something was missing, then the box is open at once with the text and what is wrong', () => {
    const card = withSendToOwners(base(), { offer: { ...CARRIED, prefill: TYPED, problem: 'There is nothing in the box.' } });

    expect(cardProblems(card)).toEqual([]);
    expect(shownText(card)).toContain('There is nothing in the box.');
    expect(JSON.stringify(card)).not.toContain('Action.ShowCard');
    expect(inputsOf(card)[0].value).toBe(TYPED);
  });

  it('when sent, then the person sees the text as the owners do, as text; in a channel, only that it was sent', () => {
    const sent = withSendToOwners(base(), { sent: TYPED });
    expect(cardProblems(sent)).toEqual([]);
    expect(shownText(sent)).toContain('Sent to the policy owners. They see:');
    expect(shownText(sent)).toContain(TYPED);
    expect(markdownCarriers(sent).join('\n')).not.toContain('Harriet');
    expect(executeActions(sent).map((a) => a.verb)).not.toContain(Verbs.sendToOwners);

    expect(shownText(withSendToOwners(base(), { sentQuietly: true }))).toContain(SENT_QUIETLY_TEXT);
    expect(shownText(withSendToOwners(base(), { alreadySent: true }))).toContain(ALREADY_SENT_TEXT);
  });

  it('when refused as possibly about a child, then Report a concern comes first carrying the text in their own chat, and the box follows', () => {
    const card = withSendToOwners(base(), { refused: { whatHappened: TYPED }, offer: { ...CARRIED, prefill: TYPED } });

    expect(cardProblems(card)).toEqual([]);
    const text = shownText(card);
    expect(text.indexOf(SEND_REFUSED_TEXT)).toBeLessThan(text.indexOf(SEND_OFFER_TEXT));
    const actions = executeActions(card);
    const report = actions.findIndex((a) => a.verb === Verbs.concernChooseKind && a.data.whatHappened === TYPED);
    expect(report).toBeGreaterThanOrEqual(0);
    expect(report).toBeLessThan(actions.findIndex((a) => a.verb === Verbs.sendToOwners));

    // Elsewhere Report a concern starts privately and carries nothing.
    const elsewhere = withSendToOwners(base(), { refused: {}, offer: CARRIED });
    expect(executeActions(elsewhere).filter((a) => a.title === 'Report a concern').map((a) => a.verb)).toContain(Verbs.concernStart);
    expect(JSON.stringify(elsewhere)).not.toContain('Harriet');
  });
});
