import { PEOPLE, readableText, SecurityBot, startSecurityBot } from '../security/securityHarness';

/**
 * The owners' `help` says first where safeguarding alerts go and what the route's check found (issue 42), so the
 * people who run the bot see a broken route without reading /healthz; staff see none of it.
 */
describe('help, as an owner and as a member of staff sees it', () => {
  let bot: SecurityBot;
  beforeAll(async () => { bot = await startSecurityBot(); });
  afterAll(async () => { await bot?.close(); });

  const helpSeenBy = async (person: (typeof PEOPLE)[keyof typeof PEOPLE]): Promise<string> => {
    const before = bot.connector.deliveries.length;
    await bot.message(person, 'help');
    return readableText(bot.connector.deliveries.slice(before).map((d) => d.activity));
  };

  it('when an owner types help, then the safeguarding route\'s status comes with it; a member of staff does not see it', async () => {
    expect(await helpSeenBy(PEOPLE.owner)).toMatch(/Safeguarding alerts go to|Safeguarding route/);
    const staff = await helpSeenBy(PEOPLE.reporter);
    expect(staff).not.toMatch(/Safeguarding alerts go to|Safeguarding route/);
    expect(staff.length).toBeGreaterThan(50);
  });

  it('when the bot runs locally and an owner asks for help before any check, then the route line says how to check it now, not that it was checked at start-up', async () => {
    const help = await helpSeenBy(PEOPLE.owner);
    expect(help).toContain('running locally, the bot cannot check it before the Playground (or Teams) has sent it a message');
    expect(help).toContain('Type "test alert" to check it now');
    expect(help).not.toContain('checked at start-up');
  });

  it('when each person types help, then it lists every command they can use: owners the rules review, the safeguarding team its own commands, staff neither', async () => {
    const owner = await helpSeenBy(PEOPLE.owner);
    expect(owner).toContain('rules');
    expect(owner).toContain('Review the rule check my post quotes');
    expect(owner).not.toContain('Safeguarding team');
    const dsl = await helpSeenBy(PEOPLE.dsl);
    for (const command of ['concerns', 'concern SG-2026-...', 'concern export SG-2026-...', 'test alert']) expect(dsl).toContain(command);
    expect(dsl).not.toContain('campaign start');
    const staff = await helpSeenBy(PEOPLE.reporter);
    expect(staff).not.toContain('Safeguarding team');
    expect(staff).not.toContain('Review the rule');
    expect(staff).toContain('check my post');
  });
});
