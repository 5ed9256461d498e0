import path from 'node:path';
import { Locator, Page } from 'playwright-core';
import { ARTIFACTS_DIR } from './e2eStack';

/** What a person does in the Agents Playground UI: type in the composer, switch chats, read cards, press buttons. */
export interface PlaygroundPage {
  page: Page;
  /** Types a message into the composer and sends it with Enter, as a person would. */
  say(text: string): Promise<void>;
  /** Opens a chat or channel from the list on the left ("Personal Chat", "Safeguarding"). */
  openConversation(name: string): Promise<void>;
  /** The most recent Adaptive Card on screen showing all of the given texts; waits for it to appear. */
  card(...texts: (string | RegExp)[]): Promise<Locator>;
  /** Saves a screenshot of what is on screen under test-artifacts/e2e/ and returns its path. */
  screenshot(name: string): Promise<string>;
}

/** Wraps the Playground's page; locators as docs/development.md describes them (composer, roles, `.first()` on text). */
export function createPlaygroundPage(page: Page): PlaygroundPage {
  // A channel also shows a reply box under each post; the first composer is the chat's (or "Start a new post").
  const composer = page.locator('[data-lexical-editor="true"]').first();
  return {
    page,

    async say(text) {
      await composer.click();
      await composer.pressSequentially(text);
      await page.keyboard.press('Enter');
      // The message is ours once it shows in the conversation (the composer empties on send).
      await page.getByText(text, { exact: true }).last().waitFor();
    },

    async openConversation(name) {
      // Chats are labelled by name, channels "Team - Channel".
      await page.getByRole('treeitem', { name: new RegExp(`(^| - )${escape(name)}$`) }).click();
      await composer.waitFor();
    },

    async card(...texts) {
      let cards = page.locator('.ac-adaptiveCard');
      for (const t of texts) cards = cards.filter({ hasText: t });
      const found = cards.last();
      await found.waitFor({ timeout: 15_000 });
      await found.scrollIntoViewIfNeeded();
      return found;
    },

    async screenshot(name) {
      const file = path.join(ARTIFACTS_DIR, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
  };
}

/** Waits until the element shows the text (cards re-render in place); fails with what it showed instead. */
export async function expectToShow(locator: Locator, text: string | RegExp, timeoutMs = 15_000): Promise<void> {
  try {
    await locator.filter({ hasText: text }).first().waitFor({ timeout: timeoutMs });
  } catch {
    const shown = await locator.first().innerText({ timeout: 1000 }).catch(() => '(nothing on screen)');
    throw new Error(`Expected the page to show ${typeof text === 'string' ? JSON.stringify(text) : String(text)} within ${timeoutMs} ms; it showed:\n${shown}`);
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
