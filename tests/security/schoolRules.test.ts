/**
 * Issue 71 over real HTTP (the whole bot, local mode, the bundled Liverpool model policy, the product's own start): the
 * bot proposes each concern's rule for "check my post" from the policy loaded at start and keeps the proposals with the
 * version; an owner reviews them with `rules`, confirms, changes (a listed sentence or one pasted from the policy) or
 * removes each; every step is appended, never overwritten; a half-filled card comes back with what was typed and what
 * is missing named; anyone else is refused and the refusal kept; and a draft is then judged by the owner's rule.
 */
import { Verbs } from '../../src/teams/verbs';
import { DRAFT_CONCERNS } from '../../src/features/policy/drafts/draftConcerns';
import { shownText, cardProblems } from '../support/cardAssertions';
import { PEOPLE, SecurityBot, readableText, startSecurityBot } from './securityHarness';

interface Card { body?: unknown[]; actions?: { title?: string; verb?: string; data?: Record<string, unknown> }[] }
const cardOf = (value: unknown): Card => ((value as { value?: Card })?.value ?? {});
interface Row { concern: string | null; action: string; quote: string | null; by: string; reason: string | null }

const DISREPUTE = 'brings the school/trust into disrepute';
const OFFENSIVE_DRAFT = 'Absolutely wasted at the Quillhaven staff night out lol, we do NOT talk about what happened after the kebab shop';

describe('the school\'s own rules for check my post (issue 71)', () => {
  let bot: SecurityBot;
  beforeAll(async () => { bot = await startSecurityBot({ readDraftRulesAtStart: true }); });
  afterAll(async () => { await bot?.close(); });

  const rows = (): Row[] => bot.app.db.prepare('SELECT concern, action, quote, by, reason FROM policy_school_rules ORDER BY seq').all() as Row[];
  /** The cards the bot sent while one message was handled. */
  const sent = async (person: typeof PEOPLE.owner, text: string): Promise<unknown[]> => {
    const before = bot.connector.deliveries.length;
    await bot.message(person, text);
    return bot.connector.deliveries.slice(before).map((d) => d.activity);
  };
  const rulesCard = async (): Promise<{ card: Card; version: { policyId: string; contentHash: string } }> => {
    const card = (await sent(PEOPLE.owner, 'rules')).flatMap((a) => (a as { attachments?: { content?: Card }[] }).attachments ?? [])[0]?.content ?? {};
    const confirmAll = card.actions?.find((a) => a.title === 'Confirm all proposals');
    return { card, version: { policyId: String(confirmAll?.data?.policyId ?? ''), contentHash: String(confirmAll?.data?.contentHash ?? '') } };
  };
  const decide = (person: typeof PEOPLE.owner, data: Record<string, unknown>) => bot.execute(person, Verbs.rulesDecide, data);

  it('when the bot starts on the bundled policy, then every concern\'s rule is proposed from it once and kept with the version', async () => {
    const { card } = await rulesCard();
    const proposed = rows().filter((r) => r.action === 'proposed');
    expect(proposed.map((r) => r.concern).sort()).toEqual([...DRAFT_CONCERNS].sort());
    expect(proposed.every((r) => r.by === 'bot')).toBe(true);
    expect(cardProblems(card)).toEqual([]);
    const text = shownText(card);
    expect(text).toContain('Your rules for check my post');
    expect(text).toContain('0 of 11 decided by an owner');
    expect(text).toContain('Proposed by the bot');
    // The policy's sentences are TextRuns: shown as written, never as markdown.
    const quoted = proposed.find((r) => r.quote)!.quote!;
    expect(JSON.stringify(card)).toContain(JSON.stringify({ type: 'TextRun', text: `"${quoted}"` }).slice(1, -1));
  });

  it('when someone who is not an owner asks for the rules or presses a decision, then they are refused, nothing changes, and the refusal is kept', async () => {
    const { version } = await rulesCard();
    const before = rows().length;
    expect(readableText(await sent(PEOPLE.reporter, 'rules'))).toContain('Only the policy owners can review the rules');
    const res = await decide(PEOPLE.outsider, { ...version, concern: 'offensive', action: 'change', choice_offensive: 'none' });
    expect(readableText(res.body)).toContain('Only the policy owners can review the rules');
    const added = rows().slice(before);
    expect(added.map((r) => [r.action, r.by])).toEqual([['refused', PEOPLE.reporter.aadObjectId], ['refused', PEOPLE.outsider.aadObjectId]]);
    expect(added[1]).toMatchObject({ concern: 'offensive', reason: 'not an owner: decide' });
  });

  it('when an owner saves a change with nothing chosen, or pastes a sentence that is not in the policy, then the card comes back with their words and what is missing named', async () => {
    const { version } = await rulesCard();
    const before = rows().length;
    const empty = cardOf((await decide(PEOPLE.owner, { ...version, concern: 'offensive', action: 'change', choice_offensive: '', pasted_offensive: '' })).body);
    expect(shownText(empty)).toContain('Offensive or inappropriate content: choose one of the sentences, choose "Our policy has no rule on this", or paste the rule from your policy.');

    const typed = 'Staff may post **anything** they like [here](http://evil.example).';
    const wrong = cardOf((await decide(PEOPLE.owner, { ...version, concern: 'offensive', action: 'change', choice_offensive: '', pasted_offensive: typed })).body);
    expect(shownText(wrong)).toContain('that is not a sentence of');
    expect(JSON.stringify(wrong)).toContain(`"id":"pasted_offensive","label":"Or paste the sentence from your policy","isMultiline":true,"maxLength":1000,"value":${JSON.stringify(typed)}`);
    expect(cardProblems(wrong)).toEqual([]);
    expect(rows()).toHaveLength(before);
  });

  it('when an owner pastes a sentence of the policy as a rule, then it is appended, and a draft raising that concern quotes it', async () => {
    const { version } = await rulesCard();
    const res = cardOf((await decide(PEOPLE.owner, { ...version, concern: 'offensive', action: 'change', choice_offensive: '', pasted_offensive: `- ${DISREPUTE}` })).body);
    expect(shownText(res)).toContain('Saved. Offensive or inappropriate content: now quotes');
    expect(shownText(res)).toContain('Chosen by an owner');
    expect(rows().filter((r) => r.concern === 'offensive').map((r) => [r.action, r.by])).toEqual([['proposed', 'bot'], ['refused', PEOPLE.outsider.aadObjectId], ['changed', PEOPLE.owner.aadObjectId]]);

    const verdict = cardOf((await bot.execute(PEOPLE.reporter, Verbs.checkPost, { draft: OFFENSIVE_DRAFT, media: 'none', account: 'personal', audience: 'public' })).body);
    const text = shownText(verdict);
    expect(text).toContain('Offensive or inappropriate content');
    expect(text).toContain(DISREPUTE);
  });

  it('when an owner saves one concern with words pasted and a sentence chosen under others, then the card comes back with those still as they left them, unsaved', async () => {
    const { card, version } = await rulesCard();
    const choices = JSON.stringify(card).match(/"id":"choice_political"[^\]]*\]/)![0];
    const other = [...choices.matchAll(/"value":"(\d+)"/g)].map((m) => m[1]).pop()!;
    const typed = 'Staff should not post party political content <b>from school</b> accounts.';
    const before = rows().length;
    const saved = cardOf((await decide(PEOPLE.owner, {
      ...version, concern: 'commercial', action: 'confirm', choice_commercial: '', pasted_commercial: '',
      pasted_criticism: typed, choice_political: other, choice_offensive: '', pasted_offensive: '',
    })).body);
    expect(shownText(saved)).toContain('Saved.');
    const json = JSON.stringify(saved);
    expect(json).toContain(`"id":"pasted_criticism","label":"Or paste the sentence from your policy","isMultiline":true,"maxLength":1000,"value":${JSON.stringify(typed)}`);
    expect(json).toMatch(new RegExp(`"id":"choice_political"[^}]*"value":"${other}"`));
    // Only the one saved was recorded.
    expect(rows().slice(before).map((r) => r.concern)).toEqual(['commercial']);
  });

  it('when an owner removes a rule, confirms another, then confirms all, then each is kept in order and a draft is told the policy has no rule there', async () => {
    const { version } = await rulesCard();
    await decide(PEOPLE.owner, { ...version, concern: 'offensive', action: 'change', choice_offensive: 'none', pasted_offensive: '' });
    await decide(PEOPLE.owner, { ...version, concern: 'contact', action: 'confirm' });
    const all = cardOf((await decide(PEOPLE.owner, { ...version, action: 'confirmAll' })).body);
    expect(shownText(all)).toContain('11 of 11 decided by an owner');
    expect(all.actions ?? []).toEqual([]);
    expect(rows().filter((r) => r.concern === 'offensive').map((r) => r.action)).toEqual(['proposed', 'refused', 'changed', 'removed']);
    expect(rows().filter((r) => r.concern === 'contact').map((r) => r.action)).toEqual(['proposed', 'confirmed']);

    const verdict = shownText(cardOf((await bot.execute(PEOPLE.reporter, Verbs.checkPost, { draft: OFFENSIVE_DRAFT, media: 'none', account: 'personal', audience: 'public' })).body));
    expect(verdict).toContain('Offensive or inappropriate content');
    expect(verdict).toContain('Your school\'s policy has no rule on this');
  });

  it('when a decision names a version the bot never read (an altered card), then nothing is recorded, it says so and the live version\'s rules come back', async () => {
    const before = rows().length;
    const res = cardOf((await decide(PEOPLE.owner, { policyId: 'liverpool-model', contentHash: 'not-this-one', concern: 'political', action: 'confirm' })).body);
    expect(shownText(res)).toContain('That card is not for any version of the policy I have read');
    expect(shownText(res)).not.toContain('A newer version');
    // Confirming all of them on such a card says the same.
    const all = cardOf((await decide(PEOPLE.owner, { policyId: 'liverpool-model', contentHash: 'not-this-one', action: 'confirmAll' })).body);
    expect(shownText(all)).toContain('That card is not for any version of the policy I have read');
    expect(rows()).toHaveLength(before);
  });
});

describe('the rules button (issue 71)', () => {
  let bot: SecurityBot;
  beforeAll(async () => { bot = await startSecurityBot(); });
  afterAll(async () => { await bot?.close(); });

  it('when an owner presses it, then the rules card comes back; anyone else is refused and the refusal kept', async () => {
    const owner = cardOf((await bot.execute(PEOPLE.owner, Verbs.rulesShow, {})).body);
    expect(shownText(owner)).toContain('Your rules for check my post');
    const refused = await bot.execute(PEOPLE.reporter, Verbs.rulesShow, {});
    expect(readableText(refused.body)).toContain('Only the policy owners can review the rules');
    const rows = bot.app.db.prepare(`SELECT action, by, reason FROM policy_school_rules WHERE action = 'refused'`).all();
    expect(rows).toEqual([{ action: 'refused', by: PEOPLE.reporter.aadObjectId, reason: 'not an owner: rules' }]);
  });
});
