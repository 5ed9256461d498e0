import path from 'node:path';

/**
 * The code a new thread or child process runs to load a module that sits beside the caller, then `call` on it
 * (`.serveOneDocument()`, or '' to load it only). From dist/ it requires the compiled .js; from the TypeScript sources
 * (ts-jest runs the tests without building) it first teaches require() to transpile .ts with the TypeScript compiler
 * the project already has, so tests run the code they test.
 */
export function moduleScript(callerFile: string, moduleName: string, call = ''): string {
  const extension = path.extname(callerFile);
  const entry = path.join(path.dirname(callerFile), `${moduleName}${extension}`);
  const run = `require(${JSON.stringify(entry)})${call};`;
  if (extension === '.js') return run;
  const typescript = require.resolve('typescript');
  return [
    `const fs = require('fs'); const ts = require(${JSON.stringify(typescript)});`,
    "require.extensions['.ts'] = (m, file) => m._compile(ts.transpileModule(fs.readFileSync(file, 'utf8'), { fileName: file,",
    '  compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true } }).outputText, file);',
    run,
  ].join('\n');
}
