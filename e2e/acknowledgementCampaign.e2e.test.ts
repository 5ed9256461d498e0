import path from 'node:path';
import { E2eStack, REPO_ROOT, startE2eStack } from './support/e2eStack';
import { Locator } from 'playwright-core';
import { cardShots } from './support/cardShots';
import { createPlaygroundPage, expectToShow, PlaygroundPage } from './support/playgroundPage';

/**
 * Issue 43 in a real (headless) browser through the Microsoft 365 Agents Playground. Alex Wilber, at the keyboard, is
 * the policy owner and on the staff roster: as owner, Alex edits the campaign's preview (a key point reworded, one
 * removed, one added, the due date picked) and starts it; as staff, Alex gets the card, reads the policy in Teams a
 * section at a time and acknowledges at its end; as owner again, Alex sees who is outstanding by name. Screenshots land
 * in test-artifacts/e2e-acknowledgement/ (their own folder: the other browser walk empties test-artifacts/e2e/).
 */
const SHOTS = path.join(REPO_ROOT, 'test-artifacts', 'e2e-acknowledgement');

describe('a campaign a headteacher would sign off, in the Agents Playground (headless chromium)', () => {
  let stack: E2eStack;
  let ui: PlaygroundPage;

  // The page with one card whole on screen (the window is tall enough for the longest); FAILED-<step>.png on a failure.
  const { reset, shot, step } = cardShots(SHOTS, () => stack.page);

  beforeAll(async () => {
    reset();
    stack = await startE2eStack();
    // A tall window, so the preview and the reader's pages show whole in one screenshot.
    await stack.page.setViewportSize({ width: 1400, height: 2600 });
    ui = createPlaygroundPage(stack.page);
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });


  step('when the owner previews a campaign, then they reword, remove and add key points and pick the due date before Start', 'preview', async () => {
    await ui.say('campaign start');
    let preview = await ui.card('Start this campaign?', 'Key points staff will see');
    await expectToShow(preview, "friend' requests from pupils");
    await shot('01-preview-proposed', preview);
    // Reword the first point, remove the last, add one of the owner's own, and pick the date with the date input.
    await preview.getByLabel('Point 1').fill('Never accept or invite friend requests from pupils, ex-pupils under 18 or parents.');
    const removes = preview.getByRole('button', { name: 'Remove' });
    await removes.last().click();
    preview = await ui.card('Start this campaign?', 'Never accept or invite friend requests from pupils');
    await preview.getByLabel('Or write your own point').fill('If a pupil contacts you online, do not reply: tell the DSL the same day.');
    await preview.getByRole('button', { name: 'Add this point' }).click();
    preview = await ui.card('Start this campaign?', 'tell the DSL the same day');
    const due = new Date(Date.now() + 21 * 86_400_000).toISOString().slice(0, 10);
    await preview.getByLabel('Staff should acknowledge by').fill(due);
    await preview.getByRole('button', { name: 'Update the preview' }).click();
    preview = await ui.card('Start this campaign?', 'tell the DSL the same day');
    await expectToShow(preview, 'What staff will see');
    await preview.scrollIntoViewIfNeeded();
    await shot('02-preview-edited', preview);
    await preview.getByRole('button', { name: 'Start', exact: true }).click();
    await expectToShow(ui.page.getByText(/^Campaign started for/).last(), /the card is on its way to \d+ of \d+/);
  });

  step('when a member of staff gets the card, then it shows the owner\'s key points, no internal ids, and reads the policy in Teams', 'read', async () => {
    const card = await ui.card('I have read and understood', 'tell the DSL the same day');
    await expectToShow(card, /Please read it and acknowledge it by \w+day \d{1,2} \w+ \d{4}/);
    expect(await card.innerText()).not.toMatch(/ack-\d{8}|ref [0-9a-f]{8}/);
    await shot('03-staff-card', card);
    await card.getByRole('button', { name: 'Read the policy' }).click();
    let reader = await ui.card('Contents', 'Start reading');
    await expectToShow(reader, '5. Acceptable use');
    await shot('04-reader-contents', reader);
    await reader.getByRole('button', { name: 'Start reading' }).click();
    reader = await ui.card('page 1 of');
    // Section by section with its headings, Next to go on.
    for (let page = 1; page < 20; page++) {
      const next = reader.getByRole('button', { name: /^Next: / });
      if (await next.count() === 0) break;
      const label = (await next.innerText()).replace(/^Next: /, '');
      if (label.startsWith('5.')) {
        await next.click();
        reader = await ui.card(`page ${page + 1} of`);
        await expectToShow(reader, "should not therefore accept or invite 'friend' requests");
        await shot('05-reader-section-5', reader);
        continue;
      }
      await next.click();
      reader = await ui.card(`page ${page + 1} of`);
    }
    await shot('06-reader-last-page', reader);
    await reader.getByRole('button', { name: 'I have read and understood' }).click();
    const done = await ui.card('You acknowledged this on');
    await expectToShow(done, 'You opened it to read on');
    await shot('07-acknowledged-after-reading', done);
  });

  step('when the owner asks for the status, then it names who is outstanding by department, and who could not be reached and why', 'status', async () => {
    await ui.say('campaign status');
    const status = await ui.card('Acknowledgements:', 'Outstanding:');
    await expectToShow(status, /1 of \d+ acknowledged/);
    await expectToShow(status, 'Megan Bowen');
    await shot('08-status-outstanding-names', status);
    await status.getByRole('button', { name: /^Not reached/ }).click();
    const unreached = await ui.card('Acknowledgements:', 'Could not be reached');
    await unreached.scrollIntoViewIfNeeded();
    await shot('09-status-not-reached', unreached);
  });

  step('when the owner exports the campaign, then the CSV arrives as a file to download, with when each person opened the policy', 'export', async () => {
    await ui.say('campaign export');
    const card = await ui.card('Export ready', 'Download the CSV');
    await expectToShow(card, 'Link works until');
    const requested = ui.page.context().waitForEvent('request', { predicate: (r) => r.url().includes('/files/'), timeout: 10_000 });
    await card.getByRole('link', { name: 'Download the CSV' }).click();
    const url = (await requested).url();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\/[0-9a-f]{32}\?e=\d+&s=[0-9a-f]{64}$/);
    const res = await ui.page.request.get(url);
    expect(res.status()).toBe(200);
    const csv = await res.text();
    expect(csv.split('\r\n')[0]).toBe('name,upn,department,policy_version,policy_version_hash,round,card_status,acknowledged_at,acknowledged_school_time,channel,policy_opened_at,excused_at,excused_by,entra_object_id,campaign,integrity');
    // Alex read the policy before acknowledging: the row says when it was first opened.
    expect(csv.split('\r\n').find((l) => l.startsWith('Alex Wilber'))).toMatch(/,playground,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z,/);
  });
});
