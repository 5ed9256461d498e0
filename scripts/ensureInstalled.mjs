#!/usr/bin/env node
// Makes `npm run local` and `npm test` work straight after a clone: when node_modules is missing or does not hold the
// versions package-lock.json names, it runs `npm ci` first (needs no dependency itself). Otherwise it does nothing,
// quickly. The check reads what npm recorded as installed (node_modules/.package-lock.json) rather than file times, so
// a checkout that only touched package-lock.json does not reinstall. A node_modules that is a link to another
// checkout's folder is never reinstalled from here: `npm ci` would empty the folder every other checkout uses.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const modules = path.join(root, 'node_modules');
const readJson = (f) => {
  try {
    return JSON.parse(fs.readFileSync(f, 'utf8'));
  } catch {
    return undefined;
  }
};

/** The first package the lock names that node_modules lacks or holds at another version, or undefined when all match. */
function firstMismatch() {
  const wanted = readJson(path.join(root, 'package-lock.json'))?.packages ?? {};
  const installed = readJson(path.join(modules, '.package-lock.json'))?.packages;
  if (!installed) return 'node_modules';
  for (const [name, pkg] of Object.entries(wanted)) {
    // The root itself, and optional packages npm leaves out on this platform (fsevents off macOS), are not checked.
    if (name === '' || (pkg.optional && !installed[name])) continue;
    if (installed[name]?.version !== pkg.version) return name;
  }
  return undefined;
}

const missing = firstMismatch();
if (missing) {
  if (fs.existsSync(modules) && fs.lstatSync(modules).isSymbolicLink()) {
    console.error(`node_modules is a link to another folder and ${missing} does not match package-lock.json: run npm ci where it points.`);
    process.exit(1);
  }
  console.log('Installing dependencies (npm ci): first run, or package-lock.json changed...');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // A native module built from source uses the headers the machine has rather than letting it download them (which
  // fails offline), unless npm is already told where they are, and only when they are this Node's own: headers of
  // another version build a module this Node cannot load (the fetched Node 22 on a machine whose packages are 20).
  const env = { ...process.env };
  const headers = '/usr/include/node/node_version.h';
  const headersMajor = fs.existsSync(headers) ? /#define NODE_MAJOR_VERSION (\d+)/.exec(fs.readFileSync(headers, 'utf8'))?.[1] : undefined;
  if (!env.npm_config_nodedir && headersMajor === process.versions.node.split('.')[0]) env.npm_config_nodedir = '/usr';
  // onnxruntime-node's install script fetches CUDA libraries from NuGet unless told to skip them: the bot runs on the CPU
  // (and NuGet may be out of reach). The variable its script reads; npm 11 warns about the .npmrc key that once did this.
  env.ONNXRUNTIME_NODE_INSTALL ??= 'skip';
  const result = spawnSync(npm, ['ci'], { cwd: root, env, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error('npm ci failed; see above. Node.js 20 or later (22 is what the app is deployed on) and network access to the npm registry are needed.');
    process.exit(result.status ?? 1);
  }
}
