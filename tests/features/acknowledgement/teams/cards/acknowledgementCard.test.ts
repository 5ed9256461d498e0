import { PolicyVersion } from '../../../../../src/features/acknowledgement/domain/acknowledgementTypes';
import { formatDate, renderAcknowledgementCard } from '../../../../../src/features/acknowledgement/teams/cards/acknowledgementCard';
import { Verbs } from '../../../../../src/teams/verbs';
import { cardProblems, cardVerbs, shownText } from '../../../../support/cardAssertions';

const version: PolicyVersion = {
  policyId: 'liverpool-model', versionHash: 'a1b2c3d4e5f6a7b8c9d0', title: 'Social Media Policy for Schools',
  versionLabel: '2 (02 2023)', reviewDate: 'September 2027',
  keyPoints: ['Do not use any information in an attempt to locate, meet or contact a child.', 'Individuals should never engage with cyberbullying incidents.'],
  material: true, publishedAt: '2026-09-01T08:00:00.000Z',
};

const text = (card: unknown) => JSON.stringify(card);
/** What a person reads on the card: no internal ids (campaign ids, version fingerprints) and no pale text colours. */
const expectPlainWording = (card: unknown) => {
  const shown = shownText(card);
  expect(shown).not.toMatch(/ack-\d|\bref [0-9a-f]{8}|Campaign ack|a1b2c3d4|ffff0000/);
  expect(text(card)).not.toMatch(/"color":\s*"(Good|Warning|Attention|Light)"|"style":\s*"(good|warning|attention)"/);
};
const actionTitles = (card: { actions?: unknown[] }) => (card.actions ?? []).map((a) => (a as { title: string }).title);

describe('acknowledgement card', () => {
  it('when pending, then it shows title, version, review date, key points and the three actions', () => {
    const card = renderAcknowledgementCard({ state: 'pending', version, campaignId: 'ack-1', dueDate: '2026-10-01' });
    expect(cardProblems(card)).toEqual([]);
    expect(card.version).toBe('1.5');
    const t = text(card);
    for (const s of ['Social Media Policy for Schools', '2 (February 2023)', 'September 2027', '1 October 2026', 'locate, meet or contact a child']) {
      expect(t).toContain(s);
    }
    // The document's review date as a fact that stays true once the month has passed (a card lives in a chat for a year).
    expect(t).toContain('Review due');
    expect(t).not.toContain('Next review');
    expectPlainWording(card);
    expect(actionTitles(card)).toEqual(['Read the policy', 'Ask a question', 'I have read and understood']);
    expect(cardVerbs(card)).toEqual([Verbs.readPolicy, Verbs.askQuestion, Verbs.acknowledge]);
    const ackAction = (card.actions as { verb: string; data: unknown }[]).find((a) => a.verb === Verbs.acknowledge);
    expect(ackAction?.data).toEqual({ policyId: 'liverpool-model', versionHash: version.versionHash, campaignId: 'ack-1' });
  });

  it('when acknowledged, then it says on which date and version and offers no acknowledge button', () => {
    const card = renderAcknowledgementCard({ state: 'acknowledged', version, campaignId: 'ack-1', acknowledgedAt: '2026-09-14T10:03:00.000Z' });
    expect(cardProblems(card)).toEqual([]);
    expect(shownText(card)).toContain('You acknowledged this on 14 September 2026: version 2 (February 2023).');
    expect(cardVerbs(card)).not.toContain(Verbs.acknowledge);
    expectPlainWording(card);
  });

  it('when superseded, then it says a new version needs reading and offers the new one', () => {
    const current = { ...version, versionHash: 'ffff0000eeee1111', keyPoints: ['Staff must not be friends with pupils on social networking sites.'] };
    const card = renderAcknowledgementCard({ state: 'superseded', version: current, replacedHash: version.versionHash, campaignId: 'ack-2' });
    expect(cardProblems(card)).toEqual([]);
    expect(text(card)).toContain('A new version of this policy needs reading');
    expect(shownText(card)).toContain('The card you used was for an earlier version, which has been replaced.');
    expectPlainWording(card);
    const ackAction = (card.actions as { verb: string; data: { versionHash: string } }[]).find((a) => a.verb === Verbs.acknowledge);
    expect(ackAction?.data.versionHash).toBe('ffff0000eeee1111');
  });

  it('when the policy also has a link on the school website, then "Read the policy" still opens it in Teams and the link is offered beside it', () => {
    const card = renderAcknowledgementCard({ state: 'pending', version: { ...version, readUrl: 'https://school.example/policy.pdf' } });
    expect(cardProblems(card)).toEqual([]);
    expect(card.actions?.[0]).toMatchObject({ type: 'Action.Execute', title: 'Read the policy', verb: Verbs.readPolicy });
    expect(card.actions).toContainEqual(expect.objectContaining({ type: 'Action.OpenUrl', url: 'https://school.example/policy.pdf' }));
  });

  it('when the owner chose the key points for the campaign, then staff see those, not the version\'s', () => {
    const card = renderAcknowledgementCard({ state: 'pending', version, keyPoints: ['Never accept friend requests from pupils or parents.', 'Report any concern to the DSL the same day.'] });
    expect(shownText(card)).toContain('Never accept friend requests from pupils or parents.');
    expect(shownText(card)).not.toContain('locate, meet or contact a child');
  });

  it('when a key point contains template-like text or markdown, then it is shown as written, never as markup', () => {
    const card = renderAcknowledgementCard({ state: 'pending', version: { ...version, keyPoints: ['Never post "${secret}" or <b>markup</b> or **bold** [link](https://x.example).'] } });
    expect(text(card)).toContain('<b>markup</b>');
    // A TextRun is never read as markdown; a TextBlock would turn **bold** and [link](...) into formatting.
    const runs: string[] = [];
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) return n.forEach(walk);
      if (!n || typeof n !== 'object') return;
      const o = n as Record<string, unknown>;
      if (o.type === 'TextRun' && typeof o.text === 'string') runs.push(o.text);
      if (o.type === 'TextBlock' && typeof o.text === 'string') expect(o.text).not.toContain('**bold**');
      Object.values(o).forEach(walk);
    };
    walk(card);
    expect(runs.join('\n')).toContain('**bold** [link](https://x.example)');
  });

  it('when dates are formatted, then they read as day month year in UTC', () => {
    expect(formatDate('2026-01-05')).toBe('5 January 2026');
    expect(formatDate('2026-12-31T23:30:00.000Z')).toBe('31 December 2026');
    expect(formatDate('not a date')).toBe('not a date');
  });
});
