import { renderHelpCard } from '../../../../../src/features/policy/teams/cards/helpCard';
import { OWNER_COMMAND_HELP } from '../../../../../src/features/acknowledgement/domain/ownerCommands';
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
});
