import fs from 'node:fs';
import path from 'node:path';
import { Locator, Page } from 'playwright-core';

/**
 * Screenshots of a browser walk kept in their own folder (emptied when the walk starts), and steps that leave one of
 * the page as it was when they failed. `page` is read when a shot is taken: the stack starts in `beforeAll`.
 */
export function cardShots(dir: string, page: () => Page): {
  /** Empties the folder; call it before the walk. */
  reset(): void;
  /** The page with the card, if given, whole on screen: its top at the top of the chat. */
  shot(name: string, card?: Locator): Promise<void>;
  /** A step (`it`) that leaves FAILED-<file>.png when it fails. */
  step(name: string, file: string, run: () => Promise<void>): void;
} {
  const shot = async (name: string, card?: Locator): Promise<void> => {
    await card?.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page().screenshot({ path: path.join(dir, `${name}.png`) });
  };
  return {
    reset() {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
    },
    shot,
    step(name, file, run) {
      it(name, async () => {
        try {
          await run();
        } catch (err) {
          await shot(`FAILED-${file}`).catch(() => undefined);
          throw err;
        }
      }, 60_000);
    },
  };
}
