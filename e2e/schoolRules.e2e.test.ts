import path from 'node:path';
import { E2eStack, REPO_ROOT, startE2eStack } from './support/e2eStack';
import { cardShots } from './support/cardShots';
import { createPlaygroundPage, expectToShow, PlaygroundPage } from './support/playgroundPage';

/**
 * Issue 71 in a real (headless) browser through the Microsoft 365 Agents Playground: the policy owner types `rules` and
 * sees the rule the bot proposed from the bundled policy for each concern of "check my post", opens "Change or remove"
 * on one, chooses that the policy has no rule on it and saves, then confirms the rest at once. Screenshots land in
 * test-artifacts/e2e-school-rules/.
 */
const SHOTS = path.join(REPO_ROOT, 'test-artifacts', 'e2e-school-rules');

describe('the school\'s rules for check my post, in the Agents Playground (headless chromium)', () => {
  let stack: E2eStack;
  let ui: PlaygroundPage;
  const { reset, shot, step } = cardShots(SHOTS, () => stack.page);

  beforeAll(async () => {
    reset();
    stack = await startE2eStack();
    await stack.page.setViewportSize({ width: 1400, height: 2400 });
    ui = createPlaygroundPage(stack.page);
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  step('when the owner types "rules", then each concern shows the sentence proposed from the policy, with Confirm and Change or remove', '01-rules', async () => {
    await ui.say('rules');
    const card = await ui.card('Your rules for check my post', 'Proposed by the bot');
    await expectToShow(card, '0 of 11 decided by an owner');
    await expectToShow(card, 'Identifies a pupil');
    await shot('01-rules-proposed', card);
  });

  step('when the owner opens Change or remove on one, then the sentences the bot weighed are offered, with no rule and a box to paste one', '02-change', async () => {
    const card = await ui.card('Your rules for check my post');
    await card.getByRole('button', { name: 'Change or remove' }).nth(4).click();
    await expectToShow(card, 'Our policy has no rule on this');
    await expectToShow(card, 'Or paste the sentence from your policy');
    await shot('02-rules-change', card);
    await card.getByRole('radio', { name: 'Our policy has no rule on this' }).first().check();
    await card.getByRole('button', { name: 'Save' }).first().click();
    const saved = await ui.card('Your rules for check my post', 'Saved.');
    await expectToShow(saved, 'Removed by an owner');
    await shot('03-rules-saved', saved);
  });

  step('when the owner confirms all proposals, then every concern is decided', '04-confirm-all', async () => {
    const card = await ui.card('Your rules for check my post');
    await card.getByRole('button', { name: 'Confirm all proposals' }).click();
    const done = await ui.card('Your rules for check my post', '11 of 11 decided by an owner');
    await shot('04-rules-confirmed', done);
  });
});
