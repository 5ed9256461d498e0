import fs from 'node:fs';
import path from 'node:path';

/** The repository's root folder, wherever a test file sits under tests/. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Every Adaptive Card template in the source tree: each feature keeps its own under teams/cards/templates. */
export function cardTemplateFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (path.basename(dir) === 'templates' && entry.name.endsWith('.json')) found.push(full);
    }
  };
  walk(path.join(REPO_ROOT, 'src'));
  return found.sort();
}
