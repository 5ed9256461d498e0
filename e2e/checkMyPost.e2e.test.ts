import path from 'node:path';
import { Locator } from 'playwright-core';
import { E2eStack, REPO_ROOT, startE2eStack } from './support/e2eStack';
import { cardShots } from './support/cardShots';
import { createPlaygroundPage, expectToShow, PlaygroundPage } from './support/playgroundPage';

/**
 * Issue 53 in a real (headless) browser through the Microsoft 365 Agents Playground: a member of staff types `check my
 * post`, fills the card (the draft, a photo or not, which account, who sees it) and gets a verdict in plain words, each
 * concern with what raised it and the school's own rule quoted: "Nothing in your school's policy stops this", "Think
 * twice" and "Don't post this", or that the school's policy has no rule on a concern. The sample policy is the Liverpool
 * model. Screenshots land in
 * test-artifacts/e2e-check-my-post/.
 */
const SHOTS = path.join(REPO_ROOT, 'test-artifacts', 'e2e-check-my-post');

describe('check my post, in the Agents Playground (headless chromium)', () => {
  let stack: E2eStack;
  let ui: PlaygroundPage;

  const { reset, shot, step } = cardShots(SHOTS, () => stack.page);

  beforeAll(async () => {
    reset();
    stack = await startE2eStack();
    await stack.page.setViewportSize({ width: 1400, height: 1800 });
    ui = createPlaygroundPage(stack.page);
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  /** Opens the card, fills it as a person would, presses Check it, and returns the verdict card. */
  async function check(draft: string, media: string, account: string, audience: string, verdict: string): Promise<Locator> {
    // The form this message brings, not the first step's, still on screen unsent: a locator is resolved again at each
    // action, so taking the last form before the new one arrived filled the old one and pressed Check it on the new.
    const forms = stack.page.locator('.ac-adaptiveCard').filter({ hasText: 'Check my post' }).filter({ hasText: 'Your draft post' });
    const before = await forms.count();
    await ui.say('check my post');
    for (let waited = 0; (await forms.count()) <= before; waited += 100) {
      if (waited >= 15_000) throw new Error('no new "Check my post" card within 15 s');
      await stack.page.waitForTimeout(100);
    }
    const form = await ui.card('Check my post', 'Your draft post');
    await form.getByLabel('Your draft post').fill(draft);
    await form.getByRole('radio', { name: media }).check();
    // A compact choice set is a combobox in the Playground: open it, then pick the option.
    await form.getByRole('combobox', { name: 'Posted from' }).click();
    await ui.page.getByRole('option', { name: account }).click();
    await form.getByRole('combobox', { name: 'Who will see it' }).click();
    await ui.page.getByRole('option', { name: audience }).click();
    await form.getByRole('button', { name: 'Check it' }).click();
    return ui.card(verdict);
  }

  step('when staff type "check my post", then a card asks for the draft, a photo or not, the account and who sees it', '01-form', async () => {
    await ui.say('check my post');
    const form = await ui.card('Check my post', 'Your draft post');
    await expectToShow(form, 'Does it have a photo or video?');
    await expectToShow(form, 'I keep nothing of it');
    await shot('01-check-my-post-card', form);
  });

  step('when the draft is a walk in the hills with no one in it, then nothing in the policy stops it', '02-fine', async () => {
    const card = await check('Made it up Pen y Fan before the rain came in. Legs like jelly but worth it!', 'No photo or video of people', 'My own account', 'My friends or followers', "Nothing in your school's policy stops this");
    await shot('02-fine', card);
  });

  step('when the draft reuses a picture someone else drew, then think twice, with the school\'s rule quoted', '03-think', async () => {
    const card = await check('Found this brilliant cartoon online and made it my profile picture, credit to whoever drew it', 'No photo or video of people', 'My own account', 'My friends or followers', 'Think twice');
    await expectToShow(card, "Someone else's work");
    await expectToShow(card, "Your school's rule");
    await shot('03-think-twice', card);
  });

  step('when the draft invites pupils to add a teacher on a personal account, then don\'t post it, with what raised it and the school\'s rule', '04-stop', async () => {
    const card = await check('Year 10s, add me on Snapchat @mr_okafor_pe so you can ask me about homework any time', 'No photo or video of people', 'My own account', 'Anyone (public)', "Don't post this");
    await expectToShow(card, 'Contact with pupils or parents');
    await expectToShow(card, "Your school's rule");
    await expectToShow(card, 'What would fix it');
    await shot('04-dont-post-this', card);
  });

  step('when the draft names a pupil with a class photo, on a policy with no rule on it, then think twice, with what raised each concern and that the policy has no rule', '05-no-rule', async () => {
    const card = await check('So proud of Tayla-Mae in 5C who won the county spelling bee today! Here she is with her trophy and the whole class 🏆', 'Yes, of pupils', 'My own account', 'Anyone (public)', 'Think twice');
    await expectToShow(card, 'Identifies a pupil');
    await expectToShow(card, "Your school's policy has no rule on this");
    await expectToShow(card, 'What would fix it');
    await shot('05-no-rule', card);
  });
});
