/**
 * Lets a child process started by a test run the TypeScript sources directly (`node -r this-file x.ts`):
 * each .ts file is transpiled on require, as Jest does for the test itself. No type checking here:
 * `tsc` does that for the whole project.
 */
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
  });
  module._compile(outputText, filename);
};
