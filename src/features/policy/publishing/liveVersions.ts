import { errorCode } from '../../../shared/errorCode';
import { AppLogger } from '../../../shared/logger';
import { PolicyDocument } from '../policyDocument';
import { LivePolicyLibrary } from '../policyLibrary';
import { PublishedPolicyStore, PublishedVersionSummary } from './publishedPolicies';

/** What following the published versions needs: the live library, the store every instance publishes to, how to read a file. */
export interface LiveVersionsDeps {
  library: LivePolicyLibrary;
  store: PublishedPolicyStore;
  /** The content hash of each configured document as loaded at start (a published version made for another file is not this instance's). */
  configuredHashes: ReadonlyMap<string, string>;
  /** The number of each loaded policy's newest stored version at start. */
  publishedNumbers?: ReadonlyMap<string, number>;
  /** Reads a stored file into a document (in a separate process with limits: readPolicyIsolated). */
  read(content: Buffer, fileName: string): Promise<PolicyDocument>;
  logger: Pick<AppLogger, 'info' | 'warn'>;
}

/** The live versions as this instance follows them. */
export interface LiveVersions {
  /** The number of a policy's newest stored version as this instance knows it: a new draft must follow it. */
  numberOf(policyId: string): number | undefined;
  /** Records that this instance published version `number` of a policy. */
  published(policyId: string, number: number): void;
  /** Runs publishes and follows on this instance one at a time, so the library changes in the order the versions came. */
  oneAtATime<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Answers from `live` (published here or on another instance) from now on, when it is this instance's to answer from;
   * resolves with the live document, or undefined where it is not (another POLICY_FILES file's) or cannot be read.
   */
  adopt(live: PublishedVersionSummary | undefined): Promise<PolicyDocument | undefined>;
  /** Looks for versions published on other instances and answers from them; resolves with how many were taken up. */
  follow(): Promise<number>;
  /** Follows every `everyMs` until the returned function is called. */
  start(everyMs: number): () => void;
  /**
   * A version of a policy by its content hash: the live document, or the version as published, read from the store (the
   * last few kept), so a card for a version this instance has not taken up yet, or no longer answers from, still opens.
   */
  document(policyId: string, versionHash: string): Promise<PolicyDocument | undefined>;
}

/** Versions read for readers that are not the live one, kept at most this many. */
const READ_VERSIONS_KEPT = 4;

/**
 * Follows the versions owners publish, on whichever instance: every few seconds each instance looks at the newest stored
 * version of each policy it answers from (one small read each; before the school's first policy, the list of policies),
 * and a newer one is read and swapped in, so staff are answered from it on every instance within seconds, without a
 * restart. A version made for a POLICY_FILES file other than this instance's is not taken up (the file wins, as at start).
 */
export function createLiveVersions(deps: LiveVersionsDeps): LiveVersions {
  const numbers = new Map(deps.publishedNumbers ?? []);
  const readVersions = new Map<string, Promise<PolicyDocument | undefined>>();
  let queue: Promise<unknown> = Promise.resolve();
  let failing = false;

  const oneAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };
  const ours = (v: PublishedVersionSummary): boolean => v.configuredHash === (deps.configuredHashes.get(v.policyId) ?? '');

  async function adopt(live: PublishedVersionSummary | undefined): Promise<PolicyDocument | undefined> {
    if (!live) return undefined;
    const loaded = deps.library.documents.find((d) => d.id === live.policyId);
    // Already live here, or made for another POLICY_FILES file than this instance's (the file wins): the next draft follows it all the same.
    if (loaded?.metadata.contentHash === live.contentHash || !ours(live)) {
      numbers.set(live.policyId, Math.max(numbers.get(live.policyId) ?? 0, live.number));
      return ours(live) ? loaded : undefined;
    }
    // A second policy beside this instance's own is not one it answers from: its next start loads it.
    if (!loaded && deps.library.primary) return undefined;
    try {
      const stored = await deps.store.latest(live.policyId);
      if (!stored) return undefined;
      // A version older than one this instance already has is never swapped in (a look that raced a publish here).
      if (stored.number <= (numbers.get(stored.policyId) ?? 0) && loaded) return loaded;
      const doc = await deps.read(stored.content, stored.fileName);
      doc.id = stored.policyId;
      if (loaded) deps.library.replace(doc);
      else deps.library.addFirst(doc);
      numbers.set(stored.policyId, stored.number);
      deps.logger.info({ event: 'policy.publishedVersionUsed', document: doc.id, publishedAt: stored.publishedAt, number: stored.number }, 'using the version published on another instance');
      return doc;
    } catch (err) {
      deps.logger.warn({ event: 'policy.liveVersionUnread', document: live.policyId, code: errorCode(err) }, 'the live version published elsewhere could not be read here; it is tried again at the next look');
      return undefined;
    }
  }

  async function follow(): Promise<number> {
    const summaries = deps.library.documents.length === 0
      ? (await deps.store.listPolicies()).filter((v) => v.configuredHash === '').slice(0, 1)
      : (await Promise.all(deps.library.documents.map((d) => deps.store.newest(d.id)))).filter((v): v is PublishedVersionSummary => v !== undefined);
    let taken = 0;
    for (const summary of summaries) {
      if (summary.number <= (numbers.get(summary.policyId) ?? 0)) continue;
      const before = deps.library.documents.find((d) => d.id === summary.policyId);
      const doc = await oneAtATime(() => adopt(summary));
      if (doc && doc !== before) taken += 1;
    }
    return taken;
  }

  return {
    numberOf: (policyId) => numbers.get(policyId),
    published(policyId, number) {
      numbers.set(policyId, number);
    },
    oneAtATime,
    adopt,
    follow,
    start(everyMs) {
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        follow().then(() => { failing = false; }, (err: unknown) => {
          if (!failing) deps.logger.warn({ event: 'policy.followFailed', code: errorCode(err) }, 'could not look for versions published on other instances; looking again shortly');
          failing = true;
        }).finally(() => { running = false; });
      }, everyMs);
      timer.unref?.();
      return () => clearInterval(timer);
    },
    async document(policyId, versionHash) {
      const live = deps.library.documents.find((d) => d.id === policyId);
      if (live?.metadata.contentHash === versionHash) return live;
      const key = `${policyId}\n${versionHash}`;
      let pending = readVersions.get(key);
      if (!pending) {
        pending = (async () => {
          const stored = await deps.store.version(policyId, versionHash);
          if (!stored) return undefined;
          const doc = await deps.read(stored.content, stored.fileName);
          doc.id = policyId;
          return doc.metadata.contentHash === versionHash ? doc : undefined;
        })();
        readVersions.set(key, pending);
        pending.then((doc) => { if (!doc) readVersions.delete(key); }, () => readVersions.delete(key));
        while (readVersions.size > READ_VERSIONS_KEPT) readVersions.delete(readVersions.keys().next().value as string);
      }
      return pending;
    },
  };
}
