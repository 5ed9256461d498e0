import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { Locator } from 'playwright-core';
import { policyDocxFromText } from '../scripts/makePolicyDocuments';
import { FILE_DOWNLOAD_INFO } from '../src/teams/fileDownload';
import { AI_RULE, nextVersionText, PARENTS_RULE } from '../tests/support/nextPolicyVersion';
import { E2eStack, KEYBOARD_USER, REPO_ROOT, startE2eStack } from './support/e2eStack';
import { createPlaygroundPage, expectToShow, PlaygroundPage } from './support/playgroundPage';

/**
 * Issue 54 in a real (headless) browser through the Agents Playground: Alex (owner, and on the staff list) runs a first
 * round and acknowledges it; sends the policy's next version (the friend-request rule reworded, a section on AI tools
 * added), publishes it, reviews the next round's preview and starts it; the later round's staff card leads with what
 * changed since the version Alex acknowledged. Its screenshot is kept in docs/screenshots/ for the docs and the issue.
 */
const SHOTS = path.join(REPO_ROOT, 'test-artifacts', 'e2e-next-round');
const DOC_SHOT = path.join(REPO_ROOT, 'docs', 'screenshots', 'next-round-staff-card.png');

describe('a new version\'s round, in the Agents Playground (headless chromium)', () => {
  let stack: E2eStack;
  let ui: PlaygroundPage;
  let files: http.Server;
  let fileUrl = '';

  beforeAll(async () => {
    fs.rmSync(SHOTS, { recursive: true, force: true });
    fs.mkdirSync(SHOTS, { recursive: true });
    const docx = await policyDocxFromText(nextVersionText(), 'liverpool-model.txt');
    files = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
      res.end(docx);
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    fileUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/download/social-media-policy-2027.docx`;
    stack = await startE2eStack();
    await stack.page.setViewportSize({ width: 1400, height: 2200 });
    ui = createPlaygroundPage(stack.page);
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
    await new Promise<void>((resolve) => files?.close(() => resolve()));
  });

  const shot = async (file: string, card?: Locator) => {
    await card?.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await stack.page.screenshot({ path: file });
  };

  /** Sends the next version as a file in the personal chat (the Playground's UI cannot attach one; its API can). */
  async function sendNextVersion(): Promise<void> {
    const base = `http://127.0.0.1:${stack.playground.port}`;
    const cfg = (await (await fetch(`${base}/_internal/v1/config`)).json()) as { config: { personalChat: { id: string }; bot: { id: string; name: string }; tenantId: string } };
    const res = await fetch(`${base}/_internal/v1/customActivities`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message', text: '', channelId: 'msteams', serviceUrl: `http://localhost:${stack.playground.port}/_connector`,
        recipient: { id: cfg.config.bot.id, name: cfg.config.bot.name }, channelData: { tenant: { id: cfg.config.tenantId } },
        from: { id: KEYBOARD_USER.id, name: KEYBOARD_USER.name, aadObjectId: KEYBOARD_USER.aadObjectId },
        conversation: { id: cfg.config.personalChat.id, conversationType: 'personal' },
        attachments: [{ contentType: FILE_DOWNLOAD_INFO, name: 'Social media policy 2027.docx', contentUrl: fileUrl, content: { downloadUrl: fileUrl, uniqueId: 'f-54', fileType: 'docx' } }],
      }),
    });
    expect(res.status).toBeLessThan(300);
  }

  it('when the owner publishes a new version and starts its round, then the staff card leads with what changed since the version they acknowledged', async () => {
    try {
      await ui.say('campaign start');
      const first = await ui.card('Start this campaign?', 'Key points staff will see');
      await first.getByRole('button', { name: 'Start', exact: true }).click();
      const card1 = await ui.card('I have read and understood');
      await card1.getByRole('button', { name: 'I have read and understood' }).click();
      await ui.card('You acknowledged this on');

      await sendNextVersion();
      const change = await ui.card('New version of', 'nothing is sent until you press Start');
      await change.getByRole('button', { name: 'Publish' }).click();
      const preview = await ui.card('Ask staff to acknowledge the new version?', 'Key points staff will see');
      await expectToShow(preview, PARENTS_RULE);
      await shot(path.join(SHOTS, '01-next-round-preview.png'), preview);
      await preview.getByRole('button', { name: 'Start', exact: true }).click();

      const card2 = await ui.card('What changed since you acknowledged version 2 (February 2023)', 'I have read and understood');
      await expectToShow(card2, AI_RULE);
      await shot(path.join(SHOTS, '02-next-round-staff-card.png'), card2);
      fs.mkdirSync(path.dirname(DOC_SHOT), { recursive: true });
      await card2.screenshot({ path: DOC_SHOT });

      // A change opens the reader at its section.
      await card2.getByRole('button', { name: /^Read 12\. Artificial intelligence tools/ }).click();
      const reader = await ui.card('12. Artificial intelligence tools', AI_RULE);
      await shot(path.join(SHOTS, '03-reader-at-change.png'), reader);

      // The owner's status: round 2 and its version, the bar on its track, round 1 listed with its own.
      await ui.say('campaign status');
      const status = await ui.card(/of \d+ acknowledged/, 'Other rounds of this campaign');
      await expectToShow(status, /Round 1: version 2 \(February 2023\)/);
      await shot(path.join(SHOTS, '04-status-round-2.png'), status);
    } catch (err) {
      await shot(path.join(SHOTS, 'FAILED.png')).catch(() => undefined);
      throw err;
    }
  }, 120_000);
});
