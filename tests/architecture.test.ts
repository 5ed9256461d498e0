import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './support/repoRoot';

/**
 * The layout's rules, checked on every run (docs/development.md, "Project layout"): feature domains import no SDK; features reach
 * each other only through their index.ts; only compose/ (and the CLI's own commands) open adapters; the
 * module graph has no cycles; no source file grows past the size a newcomer can read.
 */

const SRC = path.join(REPO_ROOT, 'src');

interface Source { file: string; rel: string; text: string; lines: number; imports: { spec: string; typeOnly: boolean; resolved?: string }[] }

function listTs(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return listTs(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

const sources: Source[] = listTs(SRC).map((file) => {
  const text = fs.readFileSync(file, 'utf8');
  const imports = [...text.matchAll(/^(import|export)\s+(type\s+)?[^;]*?\sfrom\s+'([^']+)';/gms)].map((m) => ({
    spec: m[3], typeOnly: Boolean(m[2]), resolved: resolveImport(file, m[3]),
  }));
  return { file, rel: path.relative(SRC, file).split(path.sep).join('/'), text, lines: text.split('\n').length, imports };
});

const SDKS = [/^botbuilder/, /^botframework-/, /^@microsoft\/teams-ai/, /^restify/, /^better-sqlite3/, /^@azure\//, /^@microsoft\/microsoft-graph-client/];
const featureOf = (rel: string): string | undefined => /^features\/([^/]+)\//.exec(rel)?.[1];
/** Feature code that must stay free of Teams, storage and cloud SDKs: everything outside a feature's teams/ folder. */
const isDomain = (rel: string): boolean => featureOf(rel) !== undefined && !/^features\/[^/]+\/teams\//.test(rel) && !/^features\/[^/]+\/index\.ts$/.test(rel);

describe('layout rules', () => {
  it('finds the source tree (the scanner works)', () => {
    expect(sources.length).toBeGreaterThan(80);
    expect(sources.filter((s) => isDomain(s.rel)).length).toBeGreaterThan(30);
    expect(sources.flatMap((s) => s.imports).filter((i) => i.resolved).length).toBeGreaterThan(200);
  });

  it('feature domains import no Teams, restify, SQLite, Azure or Graph SDK, nor the Teams plumbing, adapters or compose/', () => {
    const bad = sources.filter((s) => isDomain(s.rel)).flatMap((s) => s.imports
      .filter((i) => !i.typeOnly)
      .filter((i) => SDKS.some((re) => re.test(i.spec)) || (i.resolved && /^(teams|adapters|compose)\//.test(path.relative(SRC, i.resolved).split(path.sep).join('/'))))
      .map((i) => `${s.rel} imports ${i.spec}`));
    expect(bad).toEqual([]);
  });

  it('a feature reaches another feature only through its index.ts', () => {
    const bad = sources.flatMap((s) => {
      const own = featureOf(s.rel);
      return s.imports.filter((i) => i.resolved).flatMap((i) => {
        const target = path.relative(SRC, i.resolved!).split(path.sep).join('/');
        const other = featureOf(target);
        return own && other && other !== own && target !== `features/${other}/index.ts` ? [`${s.rel} imports ${target}`] : [];
      });
    });
    expect(bad).toEqual([]);
  });

  it('only compose/ and the CLI open adapters: features, teams/ and config never import src/adapters', () => {
    const bad = sources
      .filter((s) => !/^(compose|adapters|cli)\//.test(s.rel))
      .flatMap((s) => s.imports.filter((i) => !i.typeOnly && i.resolved && path.relative(SRC, i.resolved).startsWith(`adapters${path.sep}`)).map((i) => `${s.rel} imports ${i.spec}`));
    expect(bad).toEqual([]);
  });

  it('the Teams plumbing (teams/) knows no feature: features plug into it as BotFeatures', () => {
    const bad = sources.filter((s) => s.rel.startsWith('teams/'))
      .flatMap((s) => s.imports.filter((i) => i.resolved && path.relative(SRC, i.resolved).startsWith(`features${path.sep}`)).map((i) => `${s.rel} imports ${i.spec}`));
    expect(bad).toEqual([]);
  });

  it('the module graph has no import cycles (value imports)', () => {
    const graph = new Map(sources.map((s) => [s.file, s.imports.filter((i) => !i.typeOnly && i.resolved).map((i) => i.resolved!)]));
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (node: string): void => {
      state.set(node, 'visiting');
      stack.push(node);
      for (const next of graph.get(node) ?? []) {
        if (state.get(next) === 'visiting') cycles.push(stack.slice(stack.indexOf(next)).concat(next).map((f) => path.relative(SRC, f)).join(' -> '));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(node, 'done');
    };
    for (const node of graph.keys()) if (!state.has(node)) visit(node);
    expect(cycles).toEqual([]);
  });

  it('no source file is over 400 lines (aim for 350: split by responsibility, not by line count)', () => {
    expect(sources.filter((s) => s.lines > 400).map((s) => `${s.rel}: ${s.lines} lines`)).toEqual([]);
  });
});

describe('a passing npm test prints only Jest', () => {
  it('no test writes to the console itself: figures go through tests/support/figures.ts (shown with SHOW_FIGURES=1)', () => {
    const TESTS = path.join(REPO_ROOT, 'tests');
    const printing = listTs(TESTS)
      .map((file) => path.relative(TESTS, file).split(path.sep).join('/'))
      // Test files and the shared helpers they run in Jest's process (a worker script run as its own process writes its answer to its stdout).
      .filter((rel) => (rel.endsWith('.test.ts') || rel.startsWith('support/')) && rel !== 'support/figures.ts' && rel !== 'architecture.test.ts')
      .filter((rel) => /\bconsole\.(log|info|warn|error|debug)\(|process\.(stdout|stderr)\.write\(/.test(fs.readFileSync(path.join(TESTS, rel), 'utf8')));
    expect(printing).toEqual([]);
  });
});
