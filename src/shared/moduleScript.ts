import os from 'node:os';
import path from 'node:path';

/**
 * The code a new thread or child process runs to load a module that sits beside the caller, then `call` on it
 * (`.serveOneDocument()`, or '' to load it only). From dist/ it requires the compiled .js; from the TypeScript sources
 * (Jest runs the tests without building) it first teaches require() to transpile .ts with the TypeScript compiler
 * the project already has, so tests run the code they test. Each file's output is kept in a folder under the system's
 * temporary directory, named by a hash of the file, its text and the compiler's version, so the next thread or process
 * reads it rather than transpiling it again: every bot a test starts runs a sending thread and reads its policy in a
 * child process, and transpiling their 60 files took them about 1.5 s of CPU each time.
 */
export function moduleScript(callerFile: string, moduleName: string, call = ''): string {
  const extension = path.extname(callerFile);
  const entry = path.join(path.dirname(callerFile), `${moduleName}${extension}`);
  const run = `require(${JSON.stringify(entry)})${call};`;
  if (extension === '.js') return run;
  const typescript = require.resolve('typescript');
  const version = (require('typescript/package.json') as { version: string }).version;
  const cacheDir = path.join(os.tmpdir(), `school-policy-bot-ts-${process.getuid?.() ?? 'user'}`);
  const options = '{ module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true }';
  return [
    "const fs = require('fs'); const path = require('path'); const crypto = require('crypto');",
    `const typescript = ${JSON.stringify(typescript)}; const cacheDir = ${JSON.stringify(cacheDir)}; let ts;`,
    "require.extensions['.ts'] = (m, file) => {",
    "  const source = fs.readFileSync(file, 'utf8');",
    `  const kept = path.join(cacheDir, crypto.createHash('sha256').update(${JSON.stringify(`${version}\0${options}\0`)} + file + '\\0' + source).digest('hex') + '.js');`,
    '  let code;',
    "  try { code = fs.readFileSync(kept, 'utf8'); } catch {",
    '    ts ??= require(typescript);',
    `    code = ts.transpileModule(source, { fileName: file, compilerOptions: ${options} }).outputText;`,
    // Written whole under another name, then renamed: a thread reading at the same moment sees all of it or nothing.
    "    try { fs.mkdirSync(cacheDir, { recursive: true }); const part = `${kept}.${process.pid}.${require('worker_threads').threadId}`; fs.writeFileSync(part, code); fs.renameSync(part, kept); } catch { /* kept next time */ }",
    '  }',
    '  m._compile(code, file);',
    '};',
    run,
  ].join('\n');
}
