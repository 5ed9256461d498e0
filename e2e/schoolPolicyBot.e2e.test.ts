import { E2eStack, startE2eStack } from './support/e2eStack';
import { createPlaygroundPage, expectToShow, PlaygroundPage } from './support/playgroundPage';

/**
 * A member of staff uses the School Policy Bot through the Microsoft 365 Agents Playground in a real (headless)
 * browser: Alex Wilber, the person at the keyboard, is a policy owner and on the safeguarding team. The steps run
 * in order against one bot and one browser; screenshots land in test-artifacts/e2e/.
 */
describe('School Policy Bot in the Agents Playground (headless chromium)', () => {
  let stack: E2eStack;
  let ui: PlaygroundPage;

  beforeAll(async () => {
    stack = await startE2eStack();
    ui = createPlaygroundPage(stack.page);
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  /** A step that leaves a screenshot of the page as it was when it failed. */
  function step(name: string, shot: string, run: () => Promise<void>): void {
    it(name, async () => {
      try {
        await run();
      } catch (err) {
        if (ui) await ui.screenshot(`FAILED-${shot}`).catch(() => undefined);
        throw err;
      }
    });
  }

  step('when a member of staff asks a question in chat, then the answer card quotes the policy and cites the section', 'question', async () => {
    await ui.say('Can I accept a friend request from a parent?');
    const answer = await ui.card('Section 5. Acceptable use');
    await expectToShow(answer, "should not therefore accept or invite 'friend' requests from pupils");
    await expectToShow(answer, 'Was this helpful?');
    expect(await answer.getByRole('button', { name: 'Read the full section' }).isVisible()).toBe(true);
    await ui.screenshot('01-cited-answer');
  });

  step('when the policy does not cover a question, then its asker can send it to the policy owners from the card, and the owners see it in unanswered', 'send-to-owners', async () => {
    // A question is answered without its text being kept; the person who asked chooses to send it (issue 69).
    await ui.say('Where do I park on inset days?');
    const notCovered = await ui.card("The policy doesn't cover that", 'I have not kept your question');
    await notCovered.getByRole('button', { name: 'Send my question to the policy owners' }).click();
    const box = notCovered.getByLabel('Your question, as the policy owners will see it');
    await box.waitFor();
    expect(await box.inputValue()).toBe('Where do I park on inset days?');
    await box.fill('Where do staff park on inset days?');
    await ui.screenshot('01b-send-question-to-owners');
    await notCovered.getByRole('button', { name: 'Send', exact: true }).click();
    const sent = await ui.card('Sent to the policy owners. They see:');
    await expectToShow(sent, 'Where do staff park on inset days?');
    await ui.screenshot('01c-question-sent-to-owners');

    await ui.say('unanswered');
    const list = await ui.card('Questions the policy did not answer well', 'Where do staff park on inset days?');
    await expectToShow(list, 'Not covered');
    await ui.screenshot('01d-owner-sees-sent-question');
  });

  // The acknowledgement campaign (preview, staff card, reading, status, export) has its own walk: acknowledgementCampaign.e2e.test.ts.

  let reference = '';

  step('when a member of staff reports a concern through the form, then they get a reference and it arrives in the Safeguarding channel', 'concern-report', async () => {
    await ui.say('report a concern');
    // Step 1 asks only what kind of concern; step 2 is the form for that kind, its required fields marked.
    const kinds = await ui.card('Report a concern', 'Step 1 of 2');
    await kinds.getByRole('radio', { name: "A child's safety" }).check();
    await ui.screenshot('04a-concern-kind');
    await kinds.getByRole('button', { name: 'Next' }).click();
    const form = await ui.card("Report a concern: A child's safety", 'Step 2 of 2');
    await expectToShow(form, 'What happened (required)');
    await form.getByLabel('What happened').fill('A pupil in Year 6 told me an adult online asked them to send photos and keep it secret.');
    await form.getByLabel('When').fill('Today, 08:40, before registration');
    await form.getByLabel('Where (platform or place)').fill('Instagram direct messages');
    await form.getByLabel('Who is involved').fill('A Year 6 pupil; the adult is not known');
    await ui.screenshot('04-concern-form');
    await form.getByRole('button', { name: 'Send report' }).click();

    const receipt = await ui.card('Your report is recorded');
    reference = /\b[A-Z]{1,6}-\d{4}-[0-9A-Z]{4,6}\b/.exec(await receipt.innerText())?.[0] ?? '';
    expect(reference).not.toBe('');
    await expectToShow(receipt, 'It has reached the Designated Safeguarding Lead team');
    await ui.screenshot('05-concern-receipt');

    await ui.openConversation('Safeguarding');
    const alert = await ui.card(reference, "A child's safety");
    await expectToShow(alert, 'New (not yet acknowledged)');
    // Everyone in the channel sees the alert only; the details open for a member of the safeguarding team.
    expect(await alert.innerText()).not.toContain('A pupil in Year 6 told me');
    await ui.screenshot('06-concern-in-safeguarding-channel');
    await alert.getByRole('button', { name: 'Open', exact: true }).click();
    const opened = await ui.card(reference, 'A pupil in Year 6 told me an adult online asked them to send photos');
    await expectToShow(opened, 'New (not yet acknowledged)');
    await ui.screenshot('06b-concern-opened-by-dsl');
  });

  step('when a safeguarding team member acknowledges the concern in the channel, then it shows as open and the reporter is told', 'concern-acknowledge', async () => {
    expect(reference).not.toBe('');
    const opened = await ui.card(reference, 'A pupil in Year 6 told me');
    await opened.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    // Two things reach the card: the update everyone sees (the alert, now acknowledged, no details) and the actor's
    // own view (the case). Teams keeps the actor's view through the refresh the update carries for them (checked over
    // the wire in tests/features/concerns/teams/concernFeature.test.ts); the Playground applies the two in either
    // order, so the card settles on one of them. Either way, the team member then sees who acknowledged it.
    const settled = ui.page.locator('.ac-adaptiveCard').filter({ hasText: reference })
      .filter({ hasText: /Alex Wilber: Acknowledged|Acknowledged, being dealt with/ }).last();
    await settled.waitFor({ timeout: 15_000 });
    await ui.page.waitForTimeout(1_000);
    const shown = await settled.innerText();
    if (!shown.includes('Alex Wilber: Acknowledged')) {
      expect(shown).not.toContain('A pupil in Year 6 told me');
      await settled.getByRole('button', { name: 'Open', exact: true }).click();
    }
    const updated = await ui.card(reference, 'Alex Wilber: Acknowledged');
    expect(await updated.getByRole('button', { name: 'Acknowledge', exact: true }).count()).toBe(0);
    await ui.screenshot('07-concern-acknowledged');

    await ui.openConversation('Personal Chat');
    await expectToShow(ui.page.getByText(`Your report ${reference} has been read`).last(), 'by the Designated Safeguarding Lead team');
    await ui.screenshot('08-reporter-told');
  });

  step('when a report marked immediate danger is missing a required field, then it goes at once and the reporter adds the rest after', 'concern-urgent', async () => {
    await ui.say('report a concern');
    const kinds = await ui.card('Report a concern', 'Step 1 of 2');
    await kinds.getByRole('checkbox', { name: /Someone is in immediate danger/ }).check();
    await kinds.getByRole('radio', { name: "A child's safety" }).check();
    await kinds.getByRole('button', { name: 'Next' }).click();
    const form = await ui.card("Report a concern: A child's safety", 'Step 2 of 2');
    await form.getByLabel('What happened').fill('A pupil says a man from a game is waiting outside the school gate now.');
    await form.getByRole('button', { name: 'Send report' }).click();

    const receipt = await ui.card('Your report is recorded', 'When you can, add what it went without');
    await expectToShow(receipt, 'call 999');
    const urgentReference = /\b[A-Z]{1,6}-\d{4}-[0-9A-Z]{4,6}\b/.exec(await receipt.innerText())?.[0] ?? '';
    expect(urgentReference).not.toBe(reference);
    await ui.screenshot('09-urgent-sent-with-missing-field');
    await receipt.getByLabel('When it happened').fill('Just now, 15:20, at the end of school');
    await receipt.getByRole('button', { name: 'Add to my report' }).click();
    const added = await ui.card(`Added to ${urgentReference}: When it happened`);
    expect(await added.getByRole('button', { name: 'Add to my report' }).count()).toBe(0);
    await ui.screenshot('10-urgent-details-added');
  });
});
