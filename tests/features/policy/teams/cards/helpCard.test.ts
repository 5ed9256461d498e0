import { renderHelpCard } from '../../../../../src/features/policy/teams/cards/helpCard';
import { OWNER_COMMAND_HELP } from '../../../../../src/features/acknowledgement/domain/ownerCommands';
import { TEST_ALERT_PATTERN } from '../../../../../src/features/concerns/teams/safeguardingRouteRoutes';
import { cardProblems, shownText } from '../../../../support/cardAssertions';

describe('help card', () => {
  it('when an owner asks for help, then every owner command is listed, campaign excuse and unexcuse included', () => {
    const card = renderHelpCard('Social Media Policy', true, []);
    expect(cardProblems(card)).toEqual([]);
    const shown = shownText(card);
    for (const line of OWNER_COMMAND_HELP.split('\n')) expect(shown).toContain(line.split(/\s+[[<(]/)[0].trim());
    for (const command of ['campaign start', 'campaign status', 'campaign remind', 'campaign export', 'campaign excuse', 'campaign unexcuse', 'unanswered', 'taught']) {
      expect(shown).toContain(command);
    }
    expect(JSON.stringify(card)).not.toMatch(/"color":\s*"(Good|Warning|Attention)"/);
  });

  it('when an owner reads a command\'s line, then its explanation says what it does rather than repeat the command', () => {
    const card = renderHelpCard('Social Media Policy', true, []);
    const facts = (card.body as { type: string; facts?: { title: string; value: string }[] }[])
      .filter((b) => b.type === 'FactSet').flatMap((b) => b.facts ?? []);
    expect(facts.length).toBeGreaterThan(10);
    for (const { title, value } of facts) expect({ title, repeats: value.toLowerCase().startsWith(title.toLowerCase()) }).toEqual({ title, repeats: false });
    expect(facts.find((f) => f.title === 'campaign excuse')?.value).toBe('Someone on leave gets no reminders or digests: add their email, for example sam.jones@school.example');
  });

  it('when another capability has notices for owners, then they show near the top for owners only, as text', () => {
    const notice = 'Safeguarding reports go to the **DSL channel** <b>Safeguarding</b>.';
    const owner = renderHelpCard('Social Media Policy', true, [], [notice]);
    expect(cardProblems(owner)).toEqual([]);
    const body = owner.body as { type: string; items?: { inlines?: { text: string }[] }[] }[];
    expect(body[1].type).toBe('Container');
    expect(body[1].items?.[0].inlines?.[0].text).toBe(notice);
    const staff = renderHelpCard('Social Media Policy', false, [], [notice]);
    expect(shownText(staff)).not.toContain('DSL channel');
    expect(shownText(staff)).not.toContain('campaign start');
  });

  it('when an owner who is on the safeguarding team asks for help, then every command the bot answers for them is listed, the rules review and the team\'s own included', () => {
    const card = renderHelpCard('Social Media Policy', true, [], [], [], { team: true, rules: true });
    expect(cardProblems(card)).toEqual([]);
    const titles = (card.body as { type: string; facts?: { title: string }[] }[]).flatMap((b) => b.facts ?? []).map((f) => f.title);
    // Each command the bot routes (policyFeature, ownerTeaching, policyPublishingRules, draftChecking, the campaign
    // commands, concernFeature, safeguardingRouteRoutes), as help names it; the upload is a file, not a command.
    expect(titles).toEqual(expect.arrayContaining([
      'contents', 'section 5', 'check my post', 'report a concern', 'help',
      'campaign start', 'campaign status', 'campaign remind', 'campaign export', 'campaign excuse', 'campaign unexcuse', 'campaign help',
      'unanswered', 'taught', 'rules', 'A Word or PDF file',
      'concerns', 'concern SG-2026-...', 'concern export SG-2026-...', 'test alert',
    ]));
    expect(TEST_ALERT_PATTERN.test(titles.find((t) => t.includes('alert'))!)).toBe(true);
    const shown = shownText(card);
    expect(shown).toContain('Policy owners');
    expect(shown).toContain('Safeguarding team');
    expect(shown).toContain('Review the rule check my post quotes for each concern');
  });

  it('when someone on neither list asks for help, then neither the owners\' commands nor the safeguarding team\'s are listed', () => {
    const shown = shownText(renderHelpCard('Social Media Policy', false, [], [], [], { team: false, rules: true }));
    for (const hidden of ['Policy owners', 'Review the rule', 'Safeguarding team', 'concern export', 'test alert', 'unanswered']) expect(shown).not.toContain(hidden);
    expect(shown).toContain('check my post');
  });
});
