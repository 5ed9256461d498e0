import vm from 'node:vm';
import { PROCESS_CACHES, processCache } from '../../src/shared/processCache';

/** The environment Jest gives every test file (jest.config.js), loaded here as a worker loads it. */
type Environment = { global: Record<symbol, unknown>; getVmContext(): vm.Context };
const SharedEnvironment = jest.requireActual<new (config: unknown, context: unknown) => Environment>('../support/jestEnvironment.js');

/**
 * The models are read once per process into these caches (src/shared/processCache.ts); in Jest, where every test file
 * has a globalThis of its own, the environment hands each file of a worker the same caches.
 */
describe('the process caches', () => {
  it('a name is one cache for the process, another name another', () => {
    const models = processCache<number>('test-cache-a');
    models.set('x', 1);
    expect(processCache<number>('test-cache-a')).toBe(models);
    expect(processCache<number>('test-cache-a').get('x')).toBe(1);
    expect(processCache<number>('test-cache-b')).not.toBe(models);
  });

  it('two test files of one worker see the same caches: what the first loads, the second finds', () => {
    const config = { globalConfig: {}, projectConfig: { testEnvironmentOptions: {}, globals: {}, setupFiles: [] } };
    const [first, second] = [1, 2].map(() => new SharedEnvironment(config, { console, docblockPragmas: {}, testPath: __filename }));
    // What processCache does, run in each file's own context.
    const models = (env: Environment) => vm.runInContext(
      `(() => { const caches = (globalThis[Symbol.for('school-policy-bot.processCaches')] ??= {}); return (caches.models ??= new Map()); })()`,
      env.getVmContext(),
    ) as Map<string, string>;
    models(first).set('shipped', 'loaded by the first file');
    expect(models(second).get('shipped')).toBe('loaded by the first file');
    expect(second.global[PROCESS_CACHES]).toBe(first.global[PROCESS_CACHES]);
  });
});
