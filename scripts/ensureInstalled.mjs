#!/usr/bin/env node
// Makes `npm run local` and `npm test` work straight after a clone: when node_modules is missing or older than
// package-lock.json, it runs `npm ci` first (needs no dependency itself). Otherwise it does nothing, quickly.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lock = path.join(root, 'package-lock.json');
const installed = path.join(root, 'node_modules', '.package-lock.json');
const mtime = (f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : -1);

if (mtime(installed) < mtime(lock)) {
  console.log('Installing dependencies (npm ci): first run, or package-lock.json changed...');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error('npm ci failed; see above. Node.js 20 or later and network access to the npm registry are needed.');
    process.exit(result.status ?? 1);
  }
}
