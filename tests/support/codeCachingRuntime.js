/**
 * Jest's module runtime, with V8's code cache kept on disk (issue 52), and the libraries the tests use most loaded
 * once per worker (issue 68).
 *
 * Jest loads every module again for each test file, in a fresh context, and a worker is replaced once its heap is past
 * workerIdleMemoryLimit (jest.config.js), so V8's own in-memory cache of compiled code rarely helps: each file that
 * starts a bot compiles botbuilder, Teams AI, the NLP library and the product again. Here a module's compiled code is
 * written once (after its first file has run it, so the functions it used are in the cache too) and handed to V8 with
 * the source for every later file, in any worker and in later runs. V8 checks the cache against the source and its own
 * version and flags, and compiles as before when they do not match (`cachedDataRejected`); the entry is keyed by a hash
 * of the source as the module wrapper holds it, so an edited file is a new entry. Nothing else about loading changes.
 *
 * A module that imports dynamically (PDF.js is loaded so, by unpdf) is compiled from its source every time: on Node 20
 * a script made from a code cache loses its dynamic-import callback (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING).
 *
 * Libraries (jest.config.js, testEnvironmentOptions.sharedPackages) are required by the worker itself, once, and every
 * test file gets the same module: Jest would otherwise run each of them again for every file (botbuilder, the NLP
 * library and the card templating alone take about a second of CPU a file that starts a bot). They are libraries the
 * tests never mock and that keep no state a test could see; the product's own code (src/) is still loaded afresh for
 * each file, so every file starts from nothing of the bot's. A library that checks `instanceof` against a class of the
 * test file's own realm (Teams AI's router checks `instanceof RegExp` on the product's patterns) cannot be shared.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Runtime = require('jest-runtime').default;

const runtimeSupportsVmModules = typeof vm.SyntheticModule === 'function';

/** '@scope/name' or 'name', of a module name such as '@azure/identity' or 'compromise/three'. */
const packageOf = (name) => (name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]);
const DYNAMIC_IMPORT = /\bimport\s*\(/;

class CodeCachingRuntime extends Runtime {
  constructor(config, ...rest) {
    super(config, ...rest);
    // Jest's own cache folder (its transforms are kept there), one subfolder per Node version.
    this.codeCacheDir = path.join(config.cacheDirectory, `v8-code-${process.version}-${process.arch}`);
    /** Scripts compiled without a usable cache here: their code is written at teardown. */
    this.toWrite = [];
    this.sharedPackages = new Set(config.testEnvironmentOptions?.sharedPackages ?? []);
  }

  requireModuleOrMock(from, moduleName) {
    if (this.sharedPackages.has(packageOf(moduleName)) && !moduleName.startsWith('.') && !path.isAbsolute(moduleName)) {
      // The worker's own require: loaded once, then the same exports for every file this worker runs.
      return require(this._resolveCjsModule(from, moduleName));
    }
    return super.requireModuleOrMock(from, moduleName);
  }

  createScriptFromCode(scriptSource, filename) {
    const scriptFilename = this._resolver.isCoreModule(filename) ? `jest-nodejs-core-${filename}` : filename;
    const source = this.wrapCodeInModuleWrapper(scriptSource);
    const file = path.join(this.codeCacheDir, `${crypto.createHash('sha1').update(scriptFilename).update('\0').update(source).digest('hex')}.bin`);
    const cacheable = !DYNAMIC_IMPORT.test(source);
    let cachedData;
    try {
      cachedData = cacheable ? fs.readFileSync(file) : undefined;
    } catch {
      cachedData = undefined;
    }
    let script;
    try {
      // The same options as jest-runtime's createScriptFromCode (29.7), and the cache.
      script = new vm.Script(source, {
        columnOffset: this._fileTransforms.get(filename)?.wrapperLength,
        displayErrors: true,
        filename: scriptFilename,
        cachedData,
        importModuleDynamically: async (specifier) => {
          if (!runtimeSupportsVmModules) throw new Error('You need to run with a version of node that supports ES Modules in the VM API. See https://jestjs.io/docs/ecmascript-modules');
          const context = this._environment.getVmContext?.();
          if (!context) throw new Error('Test environment has been torn down');
          const module = await this.resolveModule(specifier, scriptFilename, context);
          return this.linkAndEvaluateModule(module);
        },
      });
    } catch (e) {
      throw require('@jest/transform').handlePotentialSyntaxError(e);
    }
    if (cacheable && (cachedData === undefined || script.cachedDataRejected)) this.toWrite.push({ script, file });
    return script;
  }

  teardown() {
    const scripts = this.toWrite;
    this.toWrite = [];
    if (scripts.length > 0) {
      try {
        fs.mkdirSync(this.codeCacheDir, { recursive: true });
        for (const { script, file } of scripts) {
          // Written under a name of its own and moved into place: another worker may be writing the same entry.
          const temporary = `${file}.${process.pid}.tmp`;
          fs.writeFileSync(temporary, script.createCachedData());
          fs.renameSync(temporary, file);
        }
      } catch {
        // A cache that cannot be written costs time, not correctness.
      }
    }
    super.teardown();
  }
}

module.exports = CodeCachingRuntime;
