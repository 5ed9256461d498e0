import { spawnSync } from 'node:child_process';
import { readBicep, readText, ROOT } from './projectFiles';

/**
 * A clean install prints nothing alarming and downloads nothing the bot does not run. onnxruntime-node's install script
 * fetches CUDA libraries from NuGet unless told to skip them (the bot runs on the CPU); what it reads is the variable
 * ONNXRUNTIME_NODE_INSTALL (or a command-line flag). An `.npmrc` key once said it, and npm 11 printed
 * `Unknown project config "onnxruntime-node-install"` before every npm command, `npm test` included.
 */
describe('installing the dependencies', () => {
  it('npm reads .npmrc without a warning: every key in it is one npm knows', () => {
    const npm = spawnSync('npm', ['config', 'get', 'yes'], { cwd: ROOT, encoding: 'utf8' });
    expect(npm.status).toBe(0);
    expect(npm.stderr).not.toMatch(/Unknown (project|user|global|builtin|env) config/);
    expect(readText('.npmrc')).not.toMatch(/onnxruntime/);
  });

  it('onnxruntime-node\'s install script skips its download when ONNXRUNTIME_NODE_INSTALL is skip', () => {
    const utils = readText('node_modules/onnxruntime-node/script/install-utils.js');
    expect(utils).toMatch(/process\.env\.ONNXRUNTIME_NODE_INSTALL/);
    expect(utils).toMatch(/case 'skip':\s*return false;/);
    expect(readText('node_modules/onnxruntime-node/script/install.js')).toMatch(/if \(INSTALL_FLAG === false\) \{\s*process\.exit\(0\);/);
  });

  it('every install the project runs sets it: CI, the install npm test and npm run local make, and the App Service build', () => {
    expect(readText('.ci/run')).toMatch(/^export ONNXRUNTIME_NODE_INSTALL=skip$/m);
    const ci = readText('.ci/run');
    expect(ci.indexOf('ONNXRUNTIME_NODE_INSTALL=skip')).toBeLessThan(ci.indexOf('npm ci'));
    expect(readText('scripts/ensureInstalled.mjs')).toMatch(/env\.ONNXRUNTIME_NODE_INSTALL \?\?= 'skip';[\s\S]*spawnSync\(npm, \['ci'\], \{ cwd: root, env,/);
    expect(readBicep('infra/azure.bicep').appSettings.get('ONNXRUNTIME_NODE_INSTALL')).toBe("'skip'");
  });

  it('when a newcomer follows the README, then it tells them to set it before the first commands, which run npm ci', () => {
    const readme = readText('README.md');
    const firstCommands = readme.indexOf('```bash');
    expect(readme.indexOf('export ONNXRUNTIME_NODE_INSTALL=skip')).toBeGreaterThan(-1);
    expect(readme.indexOf('export ONNXRUNTIME_NODE_INSTALL=skip')).toBeLessThan(firstCommands);
    expect(readme.slice(firstCommands, readme.indexOf('```', firstCommands + 3))).toMatch(/npm run local/);
  });
});
