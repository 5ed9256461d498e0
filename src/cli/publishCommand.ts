import fs from 'node:fs';
import path from 'node:path';
import { readPolicyFileIsolated, readPolicyIsolated } from '../features/policy/ingest/isolatedIngest';
import { formatSectionLabel, PolicyDocument } from '../features/policy/policyDocument';
import { diffPolicies, nothingInCommon, PolicyDiff } from '../features/policy/publishing/policyDiff';
import { firstPolicyId, PublishCondition, PublishedPolicyStore } from '../features/policy/publishing/publishedPolicies';
import { bundledSampleMatching, OWN_POLICY_ADVICE, sampleWords } from '../features/policy/publishing/bundledSamples';
import { carryTeaching } from '../features/policy/teaching/carryTeaching';
import { parseArgs, Parsed, UsageError } from './cliArgs';
import { CliRecords, openRecords, questionSealingFromEnv } from './cliRecords';

/** What a running bot does with a version kept here: it looks for new versions every few seconds (FOLLOW_PUBLISHED_MS). */
const TAKEN_UP = 'running bots answer from it within a minute, and a bot started later from the start';

/** Prints a diff as the publish card shows it: each changed section, and the words that changed in it. */
export function printDiff(diff: PolicyDiff): void {
  console.log(`${diff.changes.length} changed section(s), ${diff.unchanged} unchanged${diff.frontPageChanged ? '; the front page changed' : ''}`);
  for (const c of diff.changes) {
    console.log(`${c.kind.padEnd(8)} ${c.label}`);
    for (const w of c.changes) console.log(`         - ${w.was || '(nothing)'}\n         + ${w.now || '(nothing)'}`);
  }
}

/** The warnings publishing in chat shows on its card: the file's own, and a file sharing nothing with the live policy. */
function printWarnings(diff: PolicyDiff | undefined, live: PolicyDocument | undefined, next: PolicyDocument): void {
  const warnings = [...(diff && live ? nothingInCommon(diff, live) : []), ...next.warnings];
  for (const w of warnings) console.log(`warning [${w.code}] ${w.message}`);
}

/**
 * `policy-bot publish`: a new version of a policy kept in the store, as an owner publishing in chat does: the changes
 * shown first, kept with --yes only if no other version went live meanwhile, audited, and what owners taught carried
 * to the new version's sections (carryTeaching), so no running bot answers a taught question from whatever now has its
 * section's old number. Taught questions are sealed with the bot's key, so a new version needs CONCERN_ENCRYPTION_KEY.
 */
export async function publish(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const p = parseArgs(args, ['replaces', 'db', 'by']);
  const file = p.positional[0];
  const replaces = p.flags.get('replaces')?.[0];
  if (!file) throw new UsageError('publish needs the new file');
  if (!replaces && (env.POLICY_FILES ?? '').trim() !== '') {
    throw new UsageError(`POLICY_FILES is set (${env.POLICY_FILES!.trim()}): publish a new version with --replaces and the file it replaces. `
      + 'Without --replaces, publish adds the school\'s policy when POLICY_FILES is empty.');
  }
  // The file is read before anything is opened or kept: a sample is told by what it reads as, whatever its format.
  const next = await readPolicyFileIsolated(file);
  const sample = env.APP_MODE === 'local' ? undefined : bundledSampleMatching(next);
  if (sample) throw new Error(`${file} is ${sampleWords(sample)}. ${OWN_POLICY_ADVICE}`);
  if (!replaces) return publishFromStore(file, next, p, env);
  const configured = await readPolicyFileIsolated(replaces);
  next.id = configured.id;
  const diff = diffPolicies(configured, next);
  printDiff(diff);
  printWarnings(diff, configured, next);
  if (!p.bools.has('yes')) { console.log('Not published: run again with --yes to publish it.'); return; }
  const records = await openRecords(env, p.flags.get('db')?.[0] ?? 'data/policy-bot.sqlite', false, sealingToCarry(env));
  try {
    // The version it follows is the newest kept now (an owner may have published one from chat since the file was deployed).
    const latest = await records.published.latest(configured.id);
    // What staff are answered from now, whose section numbers taught questions hold: that version, if it was made for this file.
    const live = latest && latest.configuredHash === configured.metadata.contentHash ? await stored(latest, configured.id) : configured;
    await keepVersion(records.published, { policyId: configured.id, file, contentHash: next.metadata.contentHash, configuredHash: configured.metadata.contentHash }, { after: latest?.number ?? 0 }, p, env);
    console.log(`Published ${path.basename(file)} as ${configured.id}: ${TAKEN_UP}.`);
    await carryTaught(records, live, next);
  } finally {
    records.close();
  }
}

/**
 * `publish` with no POLICY_FILES: the school's policy kept in the store, as an owner sending it in chat does. The first
 * one is added (what was read is shown); after that, a file is a new version of the policy its name matches, else of the
 * first one, and keeps that policy's id.
 */
async function publishFromStore(file: string, next: PolicyDocument, p: Parsed, env: NodeJS.ProcessEnv): Promise<void> {
  const records = await openRecords(env, p.flags.get('db')?.[0] ?? 'data/policy-bot.sqlite', false, sealingIfSet(env));
  try {
    const fromChat = (await records.published.listPolicies()).filter((v) => v.configuredHash === '');
    const target = fromChat.find((v) => v.policyId === firstPolicyId(file)) ?? fromChat[0];
    const latest = target ? await records.published.latest(target.policyId) : undefined;
    const live = latest ? await stored(latest, latest.policyId) : undefined;
    if (live) {
      next.id = live.id;
      const diff = diffPolicies(live, next);
      printDiff(diff);
      printWarnings(diff, live, next);
    } else {
      console.log(`The school's policy, first version: ${next.title}`);
      for (const s of next.sections) console.log(`${'  '.repeat(s.level - 1)}${formatSectionLabel(s)}`);
      printWarnings(undefined, undefined, next);
    }
    if (!p.bools.has('yes')) { console.log('Not published: run again with --yes to publish it.'); return; }
    // A later version carries what owners taught, which needs the key; the first has nothing taught to carry.
    if (live && !records.teaching) sealingToCarry(env);
    const policyId = target?.policyId ?? firstPolicyId(file);
    // Kept only if what was shown is still so: no policy yet, or the version the changes were worked out against.
    await keepVersion(records.published, { policyId, file, contentHash: next.metadata.contentHash, configuredHash: '' }, latest ? { after: latest.number } : { first: true }, p, env);
    console.log(`Published ${path.basename(file)} as ${policyId}${target ? '' : ', the school\'s policy'}: ${TAKEN_UP}.`);
    if (live) await carryTaught(records, live, next);
  } finally {
    records.close();
  }
}

/** A stored version read as a document with its policy's id. */
async function stored(version: { content: Buffer; fileName: string }, policyId: string): Promise<PolicyDocument> {
  const doc = await readPolicyIsolated(version.content, version.fileName);
  doc.id = policyId;
  return doc;
}

/** The question log's sealing when the bot's key is set (or the bot is local), else undefined. */
function sealingIfSet(env: NodeJS.ProcessEnv) {
  try {
    return questionSealingFromEnv(env);
  } catch {
    return undefined;
  }
}

/** The sealing a new version's carrying needs, or a usage error, before anything is kept, saying why. */
function sealingToCarry(env: NodeJS.ProcessEnv) {
  const sealing = sealingIfSet(env);
  if (!sealing) {
    throw new UsageError('set CONCERN_ENCRYPTION_KEY to the key the bot runs with (APP_MODE=local for a local bot): a new version carries '
      + 'what owners taught to its sections as it is published, and taught questions are sealed with that key. Nothing was published.');
  }
  return sealing;
}

/** Carries the taught questions on `live`'s sections to `next`'s and says what moved; a failure leaves the version published and says so. */
async function carryTaught(records: CliRecords, live: PolicyDocument, next: PolicyDocument): Promise<void> {
  if (!records.teaching) return;
  try {
    const { moved, gone } = await carryTeaching(records.teaching, live, next, new Date().toISOString());
    if (moved > 0) console.log(`${moved} taught question(s) follow their sections to where this version has them.`);
    if (gone > 0) console.log(`${gone} taught question(s) were linked to a section this version no longer has: answered by the model again until an owner teaches them again (type taught in chat to see them).`);
  } catch (err) {
    process.exitCode = 1;
    console.error(`policy-bot: the version is published, but taught questions could not be moved to its sections (${(err as Error).message}). `
      + 'Type taught in chat to check them before staff ask them.');
  }
}

/**
 * Keeps a version if the condition still holds, and its audit entry either way, by `cli:<name>`. When another version
 * went live while the command ran (an owner in chat, another run), nothing is kept and the error says what is live.
 */
async function keepVersion(
  store: PublishedPolicyStore, v: { policyId: string; file: string; contentHash: string; configuredHash: string }, condition: PublishCondition,
  p: Parsed, env: NodeJS.ProcessEnv,
): Promise<void> {
  const at = new Date().toISOString();
  const by = `cli:${p.flags.get('by')?.[0] ?? (env.USER || 'unknown')}`;
  const outcome = await store.publish({
    policyId: v.policyId, fileName: path.basename(v.file), content: fs.readFileSync(v.file), contentHash: v.contentHash,
    configuredHash: v.configuredHash, publishedBy: by, publishedAt: at,
  }, condition);
  if (outcome.published) {
    await store.appendAudit({ at, actor: by, action: 'version.published', policyId: v.policyId, details: { contentHash: v.contentHash, number: outcome.number, via: 'cli' } });
    return;
  }
  const { live } = outcome;
  const first = 'first' in condition;
  await store.appendAudit({ at, actor: by, action: 'version.notPublished', policyId: v.policyId, details: {
    contentHash: v.contentHash, via: 'cli', first, reason: first ? 'another policy was published first' : 'another version was published first',
    ...(live ? { livePolicyId: live.policyId, liveContentHash: live.contentHash, liveNumber: live.number, livePublishedAt: live.publishedAt } : {}),
  } });
  const what = live ? `${live.fileName} was published (by ${live.publishedBy.startsWith('cli:') ? live.publishedBy : 'a policy owner in Teams'}, ${live.publishedAt})` : 'another version was published';
  throw Object.assign(new Error(`Not published: ${what} as ${first ? 'the school\'s policy' : `the newest version of ${v.policyId}`} while this ran, and is live. `
    + 'Run the command again without --yes to see what your file changes against it.'), { code: 'PUBLISH_LOST' });
}
