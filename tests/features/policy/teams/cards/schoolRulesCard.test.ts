import { renderSchoolRulesCard } from '../../../../../src/features/policy/teams/cards/schoolRulesCard';
import { choiceTitles } from '../../../../../src/features/policy/teams/cards/schoolRulesCard';
import { CONCERN_INFO, DRAFT_CONCERNS } from '../../../../../src/features/policy/drafts/draftConcerns';
import { RulesReview } from '../../../../../src/features/policy/drafts/draftRules';
import { Verbs } from '../../../../../src/teams/verbs';
import { cardProblems, cardVerbs, shownText } from '../../../../support/cardAssertions';

/** Every concern with a long rule and four long candidates written to look like Markdown: the largest card an owner sees. */
const HOSTILE = 'Staff **must not** post [anything](http://evil.example) that _brings_ the school into disrepute. '.repeat(8);
const review = (status: 'proposed' | 'confirmed' | 'removed' = 'proposed'): RulesReview => ({
  version: { policyId: 'oakfield', contentHash: 'a'.repeat(64) },
  title: 'Oakfield **Social Media** Policy',
  concerns: DRAFT_CONCERNS.map((id, i) => ({
    id, label: CONCERN_INFO[id].label, status, by: status === 'proposed' ? 'bot' : 'aad-owner', at: '2027-01-10T09:00:00.000Z',
    rule: status === 'removed' ? null : { quote: HOSTILE, citation: `${i + 1}. Use of **social** media`, documentTitle: 'Oakfield Policy', section: i + 1 },
    proposal: null,
    candidates: [0, 1, 2, 3].map((k) => ({ passageId: i * 10 + k, quote: HOSTILE, citation: `${i + 1}. Section`, documentTitle: 'Oakfield Policy', section: i + 1 })),
  })),
});

describe('the school\'s rules card', () => {
  it('when an owner reviews proposals, then every concern shows its rule as text, with Confirm, Change or remove, and Confirm all; it parses and fits', () => {
    const card = renderSchoolRulesCard(review(), { canDecide: true });
    expect(cardProblems(card)).toEqual([]);
    const verbs = cardVerbs(card);
    expect(new Set(verbs)).toEqual(new Set([Verbs.rulesDecide]));
    // A Confirm and a Save per concern, and Confirm all.
    expect(verbs).toHaveLength(2 * DRAFT_CONCERNS.length + 1);
    const json = JSON.stringify(card);
    expect(json).toContain(`"type":"TextRun","text":${JSON.stringify(`"${HOSTILE}"`)}`);
    expect(json).toContain('"type":"TextRun","text":"Oakfield **Social Media** Policy"');
    const textBlocks = JSON.stringify((card.body as { type: string; text?: string }[]).filter((b) => b.type === 'TextBlock'));
    expect(textBlocks).not.toContain('evil.example');
    expect(shownText(card)).toContain('0 of 11 decided by an owner');
  });

  it('when every rule is decided, then nothing is left to confirm at once, and a removed rule says the policy has none', () => {
    const card = renderSchoolRulesCard(review('removed'), { canDecide: true });
    expect(cardProblems(card)).toEqual([]);
    expect(card.actions ?? []).toEqual([]);
    expect(shownText(card)).toContain('No rule: check my post will say your policy has no rule on this.');
    expect(shownText(card)).toContain('Removed by an owner, 10 Jan 2027');
  });

  it('when the card comes back with what the owner pasted, then it is in that concern\'s box, and the notice is text', () => {
    const card = renderSchoolRulesCard(review(), { canDecide: true, pasted: { concern: 'offensive', text: '**not** in the policy' }, notice: { text: 'Offensive: that is not a sentence of [the policy](http://x)', style: 'attention' } });
    expect(cardProblems(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).toContain('"id":"pasted_offensive","label":"Or paste the sentence from your policy","isMultiline":true,"maxLength":1000,"value":"**not** in the policy"');
    expect(json).toContain('"type":"TextRun","text":"Offensive: that is not a sentence of [the policy](http://x)"');
  });

  it('when the choices are bullets of one list under a long lead-in, then each title starts where its sentence differs, so no two read the same', () => {
    const lead = "If using social networking websites at work or in your private life, including closed groups (e.g. but not limited to What's App or similar), staff must";
    const candidates = [
      { citation: '3. Staff Conduct', quote: `${lead} not speak on behalf of the school unless authorised to do so.` },
      { citation: '3. Staff Conduct', quote: `${lead} not criticise the school, its staff or its pupils.` },
      { citation: '3. Staff Conduct', quote: `${lead} never post images of pupils.` },
      { citation: '5. Confidentiality', quote: 'Staff must not share confidential information about the school.' },
    ];
    const titles = choiceTitles(candidates);
    expect(new Set(titles).size).toBe(4);
    expect(titles[0]).toBe('3. Staff Conduct: \u2026staff must not speak on behalf of the school unless authorised to do so.');
    expect(titles[2]).toBe('3. Staff Conduct: \u2026staff must never post images of pupils.');
    // A sentence sharing no long lead-in is shown from its start, as before.
    expect(titles[3]).toBe('5. Confidentiality: Staff must not share confidential information about the school.');
    // The same sentence twice is still two choices.
    const twice = choiceTitles([candidates[3], candidates[3]]);
    expect(twice[0]).not.toBe(twice[1]);
  });

  it('when an owner opens the rules card and a concern\'s choices are bullets under one long lead-in, then each choice they can pick reads differently and shows what its bullet says', () => {
    // As in the policy the tester used: "Speaks for the school" offered four bullets of one list, all cut to the lead-in.
    const lead = "If using social networking websites at work or in your private life, including closed groups (e.g. but not limited to What's App or similar), staff must";
    // A lead-in with no comma near where the bullets part: cutting at its comma would still leave them clipped the same.
    const longLead = `${lead} not under any circumstances and regardless of the platform or the setting or the time of day or the device used post or share or forward`;
    const bullets = [
      `${lead} not speak on behalf of the school unless authorised to do so.`,
      `${lead} not criticise the school, its staff or its pupils.`,
      `${longLead} images of pupils.`,
      `${longLead} comments about colleagues.`,
    ];
    const base = review();
    const spokesperson = { ...base.concerns[0], candidates: bullets.map((quote, k) => ({ passageId: 500 + k, quote, citation: '3. Staff Conduct', documentTitle: 'Oakfield Policy', section: 3 })) };
    const card = renderSchoolRulesCard({ ...base, concerns: [spokesperson, ...base.concerns.slice(1)] }, { canDecide: true });
    expect(cardProblems(card)).toEqual([]);
    const choices: { title: string; value: string }[] = [];
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) return n.forEach(walk);
      if (!n || typeof n !== 'object') return;
      const o = n as { type?: string; id?: string; choices?: { title: string; value: string }[] };
      if (o.type === 'Input.ChoiceSet' && o.id?.endsWith(spokesperson.id)) choices.push(...(o.choices ?? []));
      Object.values(o).forEach(walk);
    };
    walk(card.body);
    const titles = choices.filter((c) => c.value !== 'none').map((c) => c.title);
    expect(titles).toHaveLength(4);
    expect(new Set(titles).size).toBe(4);
    for (const [title, says] of titles.map((t, i) => [t, ['not speak on behalf of the school', 'not criticise the school', 'images of pupils.', 'comments about colleagues.'][i]])) {
      expect({ title, shows: title.includes(says) }).toEqual({ title, shows: true });
      expect(title).not.toMatch(/\(\d\)$/);
      expect(title.length).toBeLessThanOrEqual(160);
    }
  });
});
