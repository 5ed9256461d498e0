import { PLAYGROUND_TEAM_ID, PLAYGROUND_USERS, playgroundConcernDefaults } from '../scripts/playground';
import { RouteE2eStack, startRouteE2eStack } from './support/safeguardingE2eStack';
import { createPlaygroundPage, expectToShow, PlaygroundPage } from './support/playgroundPage';

/** What the open case says once Alex has acknowledged it. */
const ACKNOWLEDGED_BY_ALEX = 'Alex Wilber (acknowledged it; not assigned yet)';

/**
 * Issue 42 in a real (headless) browser on the Agents Playground: Alex Wilber, at the keyboard, is the DSL (with Megan
 * Bowen) and a policy owner. Four schools: one whose alerts go to the team's Safeguarding channel (the Playground's
 * channel holds all six of its people, so all six are that school's SAFEGUARDING_TEAM), one whose channel holds four
 * people who are not on the team (issue 49: alerts then go 1:1), one whose go to each member 1:1, and one whose channel
 * id is wrong (Teams answers 404). Screenshots: test-artifacts/e2e-safeguarding/.
 */

const [alex, megan] = PLAYGROUND_USERS;
const WHAT_HAPPENED = 'A Year 5 pupil said an older boy online keeps asking them to video call at night.';

/** Files a child's-safety report through the form, saying it needs looking at today; returns its reference. */
async function reportChildSafety(ui: PlaygroundPage): Promise<string> {
  await ui.say('report a concern');
  const kinds = await ui.card('Report a concern', 'Step 1 of 2');
  await kinds.getByRole('radio', { name: "A child's safety" }).check();
  await kinds.getByRole('button', { name: 'Next' }).click();
  const form = await ui.card("Report a concern: A child's safety", 'Step 2 of 2');
  await form.getByLabel('What happened').fill(WHAT_HAPPENED);
  await form.getByLabel('When').fill('This morning, before registration');
  await form.getByRole('radio', { name: 'Today: it cannot wait for the usual process' }).check();
  await form.getByRole('button', { name: 'Send report' }).click();
  const receipt = await ui.card('Your report is recorded');
  const reference = /\b[A-Z]{1,6}-\d{4}-[0-9A-Z]{6}\b/.exec(await receipt.innerText())?.[0] ?? '';
  expect(reference).not.toBe('');
  return reference;
}

describe.each([
  ['channel', 'team channel: the Safeguarding channel of the school team'],
  ['outsiders', 'team channel holding people who are not on the safeguarding team: alerts go 1:1'],
  ['one-to-one', 'one-to-one: each member of the safeguarding team in their own chat'],
  ['refused', 'a wrong channel id: Teams refuses it, and reports go 1:1 at once'],
] as const)('the safeguarding route (issue 42), %s: %s', (name, _what: string) => {
  let stack: RouteE2eStack;
  let ui: PlaygroundPage;

  beforeAll(async () => {
    const defaults = { ...playgroundConcernDefaults(), POLICY_OWNERS: alex.aadObjectId };
    const everyone = PLAYGROUND_USERS.map((u) => `${u.aadObjectId}=${u.name}`).join(',');
    const env = name === 'channel' ? { ...defaults, SAFEGUARDING_TEAM: everyone }
      : name === 'outsiders' ? { ...defaults, SAFEGUARDING_TEAM: `${alex.aadObjectId}=${alex.name},${megan.aadObjectId}=${megan.name}` }
      : name === 'one-to-one' ? { ...defaults, SAFEGUARDING_DESTINATION: 'one-to-one', SAFEGUARDING_CHANNEL_ID: '', SAFEGUARDING_TEAM: `${alex.aadObjectId}=${alex.name}`, CONCERN_DEPUTY_DSL: alex.aadObjectId }
        : { ...defaults, SAFEGUARDING_CHANNEL_ID: 'channel-deleted-id', SAFEGUARDING_TEAM: `${alex.aadObjectId}=${alex.name}`, CONCERN_DEPUTY_DSL: alex.aadObjectId };
    stack = await startRouteE2eStack(name, env);
    ui = createPlaygroundPage(stack.page);
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  /** A step that leaves a screenshot of the page as it was when it failed. */
  function step(title: string, run: () => Promise<void>): void {
    it(title, async () => {
      try {
        await run();
      } catch (err) {
        await stack?.screenshot(`FAILED-${title.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`).catch(() => undefined);
        throw err;
      }
    });
  }

  if (name === 'channel') {
    step('when the bot is added to the team, then the check finds only the safeguarding team in the channel', async () => {
      await stack.install(PLAYGROUND_TEAM_ID);
      const health = async () => ((await (await fetch(`http://127.0.0.1:${stack.bot.port}/healthz?detail=1`)).json()) as { safeguardingRoute: Record<string, unknown> }).safeguardingRoute;
      for (const deadline = Date.now() + 15_000; (await health()).state !== 'ok' && Date.now() < deadline;) await ui.page.waitForTimeout(250);
      expect(await health()).toMatchObject({ state: 'ok', membersOutsideTeam: 0, reportsGoTo: 'team channel' });
      await stack.screenshot('01-route-checked');
    });

    step('when the DSL sends "test alert", then it is posted in the Safeguarding channel and the DSL is told, with no case created', async () => {
      await ui.say('test alert');
      await expectToShow(ui.page.getByText(/^Test alert posted/).last(), 'No case was created');
      await stack.screenshot('02-test-alert-reply');
      await ui.openConversation('Safeguarding');
      await expectToShow(ui.page.getByText(/Test alert from School Policy Bot/).last(), 'sent by Alex Wilber');
      await stack.screenshot('03-test-alert-in-channel');
      await ui.openConversation('Personal Chat');
    });

    step('when a report arrives in the channel, then the DSL opens it, acknowledges it, the card stays open, and assigns it', async () => {
      const reference = await reportChildSafety(ui);
      await stack.screenshot('04-receipt');
      await ui.openConversation('Safeguarding');
      const alert = await ui.card(reference, 'Needs looking at today');
      expect(await alert.innerText()).not.toContain(WHAT_HAPPENED);
      await stack.screenshot('05-alert-in-channel');
      await alert.getByRole('button', { name: 'Open', exact: true }).click();
      const opened = await ui.card(reference, WHAT_HAPPENED);
      await opened.getByRole('button', { name: 'Acknowledge', exact: true }).click();
      const kept = await caseAfterPress(ui, reference, ACKNOWLEDGED_BY_ALEX);
      await ui.page.waitForTimeout(1_500);
      await expectToShow(ui.page.locator('.ac-adaptiveCard').filter({ hasText: reference }).last(), WHAT_HAPPENED);
      await stack.screenshot('06-acknowledged-card-stays-open');
      await kept.getByRole('button', { name: 'Assign', exact: true }).first().click();
      await kept.getByRole('combobox', { name: 'Assign to' }).click();
      await ui.page.getByRole('option', { name: 'Megan Bowen' }).click();
      await kept.getByRole('button', { name: 'Assign', exact: true }).last().click();
      await caseAfterPress(ui, reference, 'Megan Bowen (assigned by Alex Wilber)');
      await stack.screenshot('07-assigned');
    });
  }

  if (name === 'outsiders') {
    step('when the bot is added to the team, then the DSL is told in their chat that the four people not on the team break the route', async () => {
      await stack.install(PLAYGROUND_TEAM_ID);
      // (The chat list on the left shows the start of the message too: the whole message is the one with its detail.)
      await expectToShow(ui.page.getByText(/4 people in the channel are not on the bot's list of the safeguarding team/).last(), 'alerts are not posted there');
      await stack.screenshot('01-route-check-in-dsl-chat');
    });

    step('when the DSL sends "test alert", then it comes to their own chat, not the channel, and says why', async () => {
      await ui.say('test alert');
      await expectToShow(ui.page.getByText(/^Test alert not posted in the channel/).last(), '4 people in it are not on the bot\'s list of the safeguarding team');
      await ui.page.getByText(/^Test alert from School Policy Bot/).last().waitFor();
      await stack.screenshot('02-test-alert-1-1');
    });

    step('when a report is filed, then its alert reaches the DSL\'s own chat and nothing reaches the channel', async () => {
      const reference = await reportChildSafety(ui);
      const alert = await ui.card(`Safeguarding concern ${reference}`, 'Needs looking at today');
      expect(await alert.innerText()).not.toContain(WHAT_HAPPENED);
      await stack.screenshot('03-alert-in-dsl-chat');
      await ui.openConversation('Safeguarding');
      await ui.page.waitForTimeout(1_000);
      expect(await ui.page.getByText(reference).count()).toBe(0);
      await stack.screenshot('04-nothing-in-channel');
      const health = await (await fetch(`http://127.0.0.1:${stack.bot.port}/healthz?detail=1`)).json() as { safeguardingRoute: Record<string, unknown> };
      expect(health.safeguardingRoute).toMatchObject({ state: 'broken', problems: ['outsiders'], membersOutsideTeam: 4, reportsGoTo: 'each member 1:1' });
    });
  }

  if (name === 'one-to-one') {
    step('when a report is filed, then the DSL gets the alert in their own chat, opens it there and acknowledges it', async () => {
      const reference = await reportChildSafety(ui);
      const alert = await ui.card(`Safeguarding concern ${reference}`, 'Needs looking at today');
      expect(await alert.innerText()).not.toContain(WHAT_HAPPENED);
      await stack.screenshot('01-alert-in-dsl-chat');
      await alert.getByRole('button', { name: 'Open', exact: true }).click();
      const opened = await ui.card(reference, WHAT_HAPPENED);
      await stack.screenshot('02-opened-in-dsl-chat');
      await opened.getByRole('button', { name: 'Acknowledge', exact: true }).click();
      await ui.card(reference, ACKNOWLEDGED_BY_ALEX);
      await stack.screenshot('03-acknowledged-in-dsl-chat');
    });
  }

  if (name === 'refused') {
    step('when Teams refuses the channel, then the report reaches the DSL 1:1 at once, and the DSL is told the shared route is broken', async () => {
      const reference = await reportChildSafety(ui);
      await expectToShow(ui.page.getByText(/Safeguarding route broken/).last(), `report ${reference}`);
      await ui.card(`Safeguarding concern ${reference}`, 'Needs looking at today');
      await stack.screenshot('01-route-broken-dsl-told');
      const health = await (await fetch(`http://127.0.0.1:${stack.bot.port}/healthz?detail=1`)).json() as { safeguardingRoute: Record<string, unknown> };
      expect(health.safeguardingRoute).toMatchObject({ state: 'broken', reportsGoTo: 'each member 1:1' });
    });
  }
});

/**
 * The open case showing `expected` after a press that also updates the alert for everyone. Both reach the card: the
 * alert (no details) and the presser's own view (the case); Teams keeps the presser's view through the refresh the
 * update lists them for (checked over the wire in tests/features/concerns/teams/concernFeature.test.ts), but the
 * Playground applies the two in either order. When it settles on the alert, that must show no details, and Open brings
 * the case back.
 */
async function caseAfterPress(ui: PlaygroundPage, reference: string, expected: string) {
  const last = () => ui.page.locator('.ac-adaptiveCard').filter({ hasText: reference }).last();
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await ui.page.waitForTimeout(250)) {
    const text = await last().innerText().catch(() => '');
    if (text.includes(expected)) break;
    const open = last().getByRole('button', { name: 'Open', exact: true });
    if (!text.includes(WHAT_HAPPENED) && (await open.count()) > 0) {
      await ui.page.waitForTimeout(1_000);
      if ((await last().innerText()).includes(expected)) break;
      expect(await last().innerText()).not.toContain(WHAT_HAPPENED);
      await last().getByRole('button', { name: 'Open', exact: true }).click();
      break;
    }
  }
  return ui.card(reference, expected);
}
