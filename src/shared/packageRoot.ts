import fs from 'node:fs';
import path from 'node:path';

/** The folder holding package.json above `from` (the same from src/ under Jest and from dist/ when built). */
export function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}
