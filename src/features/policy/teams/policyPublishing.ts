import crypto from 'node:crypto';
import path from 'node:path';
import { TurnContext } from 'botbuilder';
import { isMessage, isPersonal, isPolicyOwner, senderAadObjectId } from '../../../teams/activityFacts';
import { BotApp, BotFeature } from '../../../teams/botFeature';
import { AdaptiveCardJson, cardMessage } from '../../../teams/cards';
import { FileDownloader, FileDownloadError, SentFile, sentFiles } from '../../../teams/fileDownload';
import { Verbs } from '../../../teams/verbs';
import { AppLogger } from '../../../shared/logger';
import { errorCode } from '../../../shared/errorCode';
import { PolicyLoadError, SUPPORTED_EXTENSIONS } from '../ingest/loadPolicyFile';
import { readPolicyIsolated } from '../ingest/isolatedIngest';
import { formatSectionLabel, PolicyDocument } from '../policyDocument';
import { LivePolicyLibrary } from '../policyLibrary';
import { diffPolicies, nothingInCommon, PolicyDiff } from '../publishing/policyDiff';
import { OWN_POLICY_ADVICE, sampleWords } from '../publishing/bundledSamples';
import { firstPolicyId, PolicyAuditEntry, PublishCondition, PublishedPolicyStore } from '../publishing/publishedPolicies';
import { LiveVersions } from '../publishing/liveVersions';
import { renderPolicyChangeCard } from './cards/policyChangeCard';
import { carryTeaching } from '../teaching/carryTeaching';
import { TeachingLinkStore } from '../teaching/teachingLinks';
import { notPublishedNotice } from './publishLost';
import { SchoolRuleBook } from '../drafts/draftRules';
import { registerSchoolRulesReview, schoolRulesCard } from './policyPublishingRules';

/**
 * What a new live version means for acknowledgement: whether its wording changed, how many running campaigns have a
 * round for it awaiting the owner, and the cards (each round's preview) the owner gets after the published card.
 */
export interface PublishedForAcknowledgement {
  material: boolean;
  roundsAwaiting: number;
  followUps?: { card: AdaptiveCardJson; summary: string }[];
}

/** What publishing a new version needs: the live library, where versions are kept, who owns the policy. */
export interface PolicyPublishingDeps {
  library: LivePolicyLibrary;
  store: PublishedPolicyStore;
  policyOwners: readonly string[];
  download: FileDownloader;
  /** The content hash of each configured document as loaded at start (PublishedPolicy.configuredHash). */
  configuredHashes: ReadonlyMap<string, string>;
  /** The live versions as this instance follows them (liveVersions.ts): their numbers, one publish at a time, adopting a winner. */
  live: LiveVersions;
  /**
   * Tells acknowledgement a new version is live (published by `actorId`, replacing `replaces`); says what that means for
   * staff's acknowledgements.
   */
  onPublished?(doc: PolicyDocument, actorId: string, replaces?: PolicyDocument): Promise<PublishedForAcknowledgement>;
  /** Whether a version differs from the live one enough that staff must acknowledge it again. */
  isMaterial?(live: PolicyDocument, next: PolicyDocument): boolean;
  /** Owners' teaching links: carried to the new version's section numbers as it goes live (teaching/carryTeaching.ts). */
  teaching?: TeachingLinkStore;
  /**
   * Production: which bundled sample a sent file is (its name), by what was read from it, so it is refused; undefined for
   * the school's own policy. Absent in local mode, where the samples are what the bot runs on.
   */
  bundledSample?(doc: PolicyDocument): string | undefined;
  logger: AppLogger;
  now?: () => Date;
  /**
   * The school's rules for "check my post" (issue 71): proposed from each version as it goes live, reviewed by owners
   * on the card sent after the published one, or with `rules`. Without it neither is offered.
   */
  rules?: SchoolRuleBook;
}

interface Draft {
  id: string;
  ownerId: string;
  fileName: string;
  content: Buffer;
  doc: PolicyDocument;
  diff: PolicyDiff;
  /** The school's first policy: there was none live when it was sent. */
  first: boolean;
  /** What must still be so for it to be published: no policy yet, or the version its changes were worked out against. */
  condition: PublishCondition;
  createdAt: number;
}

/** A draft an owner has not published or discarded is forgotten after a day (or a restart): send the file again. */
const DRAFT_TTL_MS = 24 * 3600 * 1000;
const MAX_DRAFTS = 20;

const OWNERS_ONLY = 'Only the policy owners can publish a new version of the policy. If you think the policy should change, tell them.';
/** A first version's card said what the bot read; what publishing it does. */
const FIRST_PENDING = 'Publishing makes this the school\'s policy at once: staff questions are answered from it, it is kept in the bot\'s '
  + 'database or storage (nothing else to change), and you can then ask staff to acknowledge it with **campaign start**.';
const FIRST_PUBLISHED = 'Live now: staff questions are answered from this policy, and it is kept in the bot\'s database or storage. '
  + 'Type **campaign start** to ask staff to read and acknowledge it. Send a new version the same way when it changes.';
const NO_DIFF: PolicyDiff = { changes: [], unchanged: 0, frontPageChanged: false };

/** What the published card says of the rules card sent after it. */
const RULES_LINE = ' Below: the rule check my post will quote from this version for each concern, proposed by the bot: confirm, change or remove each (or type **rules** later).';

const SENDER_ONLY = 'Only the owner who sent this version can publish or discard it. To publish it yourself, send me the file.';

/**
 * A new version of the policy, from chat: an owner sends the document in their 1:1 chat, sees what changed
 * section by section, and publishes or discards it. Publishing replaces the live policy at once, keeps the file
 * for the record and tells acknowledgement (a material change asks staff again). Every step is audited.
 */
export function createPolicyPublishingFeature(deps: PolicyPublishingDeps): BotFeature {
  const now = deps.now ?? (() => new Date());
  const drafts = new Map<string, Draft>();
  // Publishes on this instance run one at a time (the store's condition decides between instances): a lost publish then
  // finds the library as the winner left it, and the versions of one policy reach acknowledgement in order.
  const { oneAtATime } = deps.live;
  const audit = async (actor: string, action: PolicyAuditEntry['action'], policyId: string, details: PolicyAuditEntry['details'] = {}): Promise<void> => {
    await deps.store.appendAudit({ at: now().toISOString(), actor, action, policyId, details });
  };
  /** The loaded document a file replaces: the one whose id its name carries, else the primary policy; none before the first. */
  const replaces = (fileName: string): PolicyDocument | undefined => {
    const id = path.basename(fileName).replace(/\.[^.]+$/, '').toLowerCase().replace(/[^a-z0-9]+/g, '-');
    return deps.library.documents.find((d) => d.id === id) ?? deps.library.primary;
  };
  const prune = (): void => {
    const cutoff = Date.now() - DRAFT_TTL_MS;
    for (const [id, d] of drafts) if (d.createdAt < cutoff) drafts.delete(id);
    while (drafts.size >= MAX_DRAFTS) drafts.delete(drafts.keys().next().value as string);
  };

  async function receive(context: TurnContext, file: SentFile): Promise<void> {
    const actor = senderAadObjectId(context.activity) ?? '';
    const live = replaces(file.name);
    // Before the school's first policy, the file's own name gives the id its versions keep.
    const policyId = live?.id ?? firstPolicyId(file.name);
    const unchanged = live ? ' The live policy has not changed.' : '';
    if (!isPolicyOwner(deps.policyOwners, context.activity)) {
      await audit(actor || 'unknown', 'version.refused', policyId, { fileType: path.extname(file.name).toLowerCase() });
      await context.sendActivity(OWNERS_ONLY);
      return;
    }
    if (!isPersonal(context.activity)) {
      await context.sendActivity('Send the new version to me in our 1:1 chat, so only you see the changes before they are published.');
      return;
    }
    const ext = path.extname(file.name).toLowerCase();
    if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(ext)) {
      // The file's name is the sender's: shown as typed, never as markdown.
      await context.sendActivity({ type: 'message', textFormat: 'plain', text: `I can read a new version as ${SUPPORTED_EXTENSIONS.join(', ')}; "${file.name}" is not one of those.` });
      return;
    }
    let content: Buffer;
    let doc: PolicyDocument;
    try {
      content = await deps.download(file);
      // Read in a separate process with a time and memory limit: a hostile file costs that process, not the bot.
      doc = await readPolicyIsolated(content, file.name, now());
    } catch (err) {
      const code = err instanceof FileDownloadError || err instanceof PolicyLoadError ? err.code : errorCode(err);
      const limit = err instanceof PolicyLoadError ? err.limit : undefined;
      await audit(actor, 'version.unreadable', policyId, limit ? { code, limit } : { code });
      deps.logger.warn({ event: 'policy.versionUnreadable', code, limit }, 'a new policy version could not be read');
      const why = err instanceof FileDownloadError || err instanceof PolicyLoadError ? err.message : 'It could not be read.';
      // The reason may quote the file (its name, what it holds): a plain message, never read as markdown.
      await context.sendActivity({ type: 'message', textFormat: 'plain',
        text: `That file was not published: ${why}${live ? ' The live policy has not changed.' : ' There is still no policy: send the file again once it is fixed.'}` });
      return;
    }
    // What was read is compared, not the bytes: the sample as Word or PDF, or with a line added, is still the sample.
    const sample = deps.bundledSample?.(doc);
    if (sample) {
      await audit(actor, 'version.refused', policyId, { reason: 'bundled sample', sample });
      deps.logger.info({ event: 'policy.sampleRefused', sample }, 'a bundled sample policy was sent as the school\'s policy and refused');
      // The file's name is the sender's: shown as typed, never as markdown.
      await context.sendActivity({ type: 'message', textFormat: 'plain', text: `That file was not published: "${file.name}" is ${sampleWords(sample)}. `
        + `${OWN_POLICY_ADVICE}${unchanged}` });
      return;
    }
    // A file with no text in its sections (an empty .txt, a title alone) is no policy: published, every question was
    // answered "the policy doesn't cover that" and staff could be asked to acknowledge it (found by an outside walk-through).
    if (doc.sections.every((section) => section.text.trim() === '')) {
      await audit(actor, 'version.refused', policyId, { reason: 'no text' });
      await context.sendActivity({ type: 'message', textFormat: 'plain', text: `That file was not published: "${file.name}" has no text in its sections, so it is `
        + `not a policy. Send the school's social media policy as a Word, PDF or text file.${unchanged}` });
      return;
    }
    // A new version keeps the live document's id, so citations, teaching links and acknowledgements follow it.
    doc.id = policyId;
    const diff = live ? diffPolicies(live, doc) : NO_DIFF;
    prune();
    const condition: PublishCondition = live ? { after: deps.live.numberOf(policyId) ?? 0 } : { first: true };
    const draft: Draft = { id: crypto.randomUUID(), ownerId: actor, fileName: file.name, content, doc, diff, first: !live, condition, createdAt: Date.now() };
    drafts.set(draft.id, draft);
    await audit(actor, 'version.received', policyId, { draftId: draft.id, contentHash: doc.metadata.contentHash, changes: diff.changes.length, warnings: doc.warnings.length, first: !live });
    if (!live) {
      await context.sendActivity(cardMessage(renderPolicyChangeCard({
        title: doc.title, fileName: file.name, diff, warnings: doc.warnings, draftId: draft.id, state: 'pending', notice: FIRST_PENDING,
        first: { sections: doc.sections.map((s) => formatSectionLabel(s)) },
      })));
      return;
    }
    const material = deps.isMaterial ? deps.isMaterial(live, doc) : diff.changes.length > 0;
    await context.sendActivity(cardMessage(renderPolicyChangeCard({
      title: live.title, fileName: file.name, diff, warnings: [...nothingInCommon(diff, live), ...doc.warnings], draftId: draft.id, state: 'pending',
      sections: doc.sections.map((s) => formatSectionLabel(s)),
      notice: material
        ? 'The wording changes: after Publish, a running acknowledgement campaign shows you its new round for staff as a preview (what changed, the key points, the due date) and nothing is sent until you press Start; with no campaign running, you are told how to start one.'
        : 'The wording of the policy does not change: staff will not be asked to acknowledge it again.',
    })));
  }

  /**
   * The draft a Publish or Discard acts on, or the refusal to send back: only owners act on drafts, and only on their
   * own (another owner sends the file themselves). Each refusal is in the audit.
   */
  async function draftFor(context: TurnContext, data: { draftId?: unknown }, step: 'publish' | 'discard'): Promise<Draft | string> {
    const actor = senderAadObjectId(context.activity) ?? 'unknown';
    const draft = typeof data?.draftId === 'string' ? drafts.get(data.draftId.slice(0, 64)) : undefined;
    if (!isPolicyOwner(deps.policyOwners, context.activity)) {
      await audit(actor, 'version.refused', draft?.doc.id ?? deps.library.primary?.id ?? 'no-policy', { step, reason: 'not an owner' });
      return OWNERS_ONLY;
    }
    if (!draft) {
      await audit(actor, 'version.refused', deps.library.primary?.id ?? 'no-policy', { step, reason: 'no such draft' });
      return 'That version is no longer waiting to be published (it was published, discarded, or the bot restarted). Send the file again.';
    }
    if (draft.ownerId !== actor) {
      await audit(actor, 'version.refused', draft.doc.id, { step, reason: 'not the sender', draftId: draft.id });
      return SENDER_ONLY;
    }
    return draft;
  }

  /**
   * The rules the bot proposes from the version just published, for the owner to confirm, change or remove (issue 71).
   * Live whatever happens here: a rules card that cannot be made now is there with `rules`.
   */
  async function sendProposedRules(context: TurnContext): Promise<void> {
    if (!deps.rules) return;
    try {
      const card = await schoolRulesCard(deps.rules, { canDecide: true, notice: { text: 'Proposed from the version you published: check each rule below.', style: 'attention' } });
      if (typeof card !== 'string') await context.sendActivity(cardMessage(card, 'Your rules for check my post'));
    } catch (err) {
      deps.logger.warn({ event: 'rules.notProposed', code: errorCode(err) }, 'the rules for check my post could not be proposed after a publish; the owner can type rules');
    }
  }

  /**
   * What owners taught follows its sections to the new version; the owner is told what moved and which questions lost
   * their section. A failure here leaves the version live and says so (the links are then checked with `taught`).
   */
  async function carryTaught(previous: PolicyDocument, next: PolicyDocument): Promise<string> {
    if (!deps.teaching) return '';
    try {
      const { moved, gone } = await carryTeaching(deps.teaching, previous, next, now().toISOString());
      deps.logger.info({ event: 'teaching.carried', moved, gone }, 'taught questions carried to the new version');
      const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
      return `${moved > 0 ? ` ${plural(moved, 'taught question follows its section', 'taught questions follow their sections')} to where this version has ${moved === 1 ? 'it' : 'them'}.` : ''}${
        gone > 0 ? ` ${plural(gone, 'taught question was', 'taught questions were')} linked to a section this version no longer has: answered by the model again until you teach ${gone === 1 ? 'it' : 'them'} again (type **taught** to see ${gone === 1 ? 'it' : 'them'}).` : ''}`;
    } catch (err) {
      deps.logger.warn({ event: 'teaching.notCarried', code: errorCode(err) }, 'taught questions could not be carried to the new version');
      return ' Taught questions could not be moved to this version\'s sections: type **taught** to check them.';
    }
  }

  /**
   * Publishes a draft with the store's one conditional write: kept only if no other version went live since the draft
   * was made (no policy at all, for a first one). Whatever happens is in the audit, the loser's attempt included.
   */
  async function publish(context: TurnContext, draft: Draft) {
    const actor = draft.ownerId;
    const { doc } = draft;
    const base = { draftId: draft.id, contentHash: doc.metadata.contentHash, first: draft.first };
    const outcome = await deps.store.publish({
      policyId: doc.id, fileName: draft.fileName, content: draft.content, contentHash: doc.metadata.contentHash,
      configuredHash: deps.configuredHashes.get(doc.id) ?? '', publishedBy: actor, publishedAt: now().toISOString(),
    }, draft.condition).catch(async (err: unknown) => {
      // The draft stays: pressing Publish again tries again.
      await audit(actor, 'version.notPublished', doc.id, { ...base, reason: 'store unavailable', code: errorCode(err) }).catch(() => undefined);
      throw err;
    });
    drafts.delete(draft.id);
    if (!outcome.published) {
      const { live } = outcome;
      await audit(actor, 'version.notPublished', doc.id, {
        ...base, reason: draft.first ? 'another policy was published first' : 'another version was published first',
        ...(live ? { livePolicyId: live.policyId, liveContentHash: live.contentHash, liveNumber: live.number, livePublishedAt: live.publishedAt } : {}),
      });
      deps.logger.warn({ event: 'policy.publishLost', document: doc.id, first: draft.first, live: live?.policyId }, 'a policy version was not published: another was published first');
      const liveDoc = await deps.live.adopt(live);
      return renderPolicyChangeCard({
        title: draft.first ? doc.title : liveDoc?.title ?? doc.title, fileName: draft.fileName, diff: draft.diff, warnings: [], draftId: draft.id, state: 'notPublished',
        ...notPublishedNotice({ first: draft.first, live, liveTitle: liveDoc?.title, actor }),
        ...(draft.first ? { first: { sections: doc.sections.map((s) => formatSectionLabel(s)) } } : {}),
      });
    }
    deps.live.published(doc.id, outcome.number);
    // The version it replaces, so acknowledgement keeps what changed (what staff's next card leads with).
    const replaced = draft.first ? undefined : deps.library.documents.find((d) => d.id === doc.id);
    if (draft.first) deps.library.addFirst(doc);
    else deps.library.replace(doc);
    const acknowledged: PublishedForAcknowledgement = deps.onPublished ? await deps.onPublished(doc, actor, replaced).catch(async (err: unknown) => {
      // Live whatever acknowledgement says: the record shows it was published before the error is reported.
      await audit(actor, 'version.published', doc.id, { contentHash: doc.metadata.contentHash, number: outcome.number, acknowledgement: 'failed', code: errorCode(err) });
      throw err;
    }) : { material: false, roundsAwaiting: 0 };
    await audit(actor, 'version.published', doc.id, { contentHash: doc.metadata.contentHash, number: outcome.number, material: acknowledged.material, roundsAwaiting: acknowledged.roundsAwaiting });
    deps.logger.info({ event: 'policy.published', document: doc.id, hash: doc.metadata.contentHash.slice(0, 12), material: acknowledged.material }, 'new policy version published');
    if (draft.first) {
      await sendProposedRules(context);
      return renderPolicyChangeCard({
        title: doc.title, fileName: draft.fileName, diff: draft.diff, warnings: [], draftId: draft.id, state: 'published', notice: `${FIRST_PUBLISHED}${deps.rules ? RULES_LINE : ''}`,
        first: { sections: doc.sections.map((s) => formatSectionLabel(s)) },
      });
    }
    const awaiting = acknowledged.roundsAwaiting;
    // Staff are asked only when the owner starts the round, from its preview (sent below this card).
    const notice = `Live now: the next question is answered from this version; the previous one is kept for the record.${
      awaiting > 0 ? ` Staff have not been asked to acknowledge it yet: check the new round${awaiting > 1 ? 's' : ''} below and press Start, or choose not to ask them again.`
        : acknowledged.material ? ' No acknowledgement campaign is active: type **campaign start** to ask staff to acknowledge it.' : ''}`;
    const taught = replaced ? await carryTaught(replaced, doc) : '';
    for (const f of acknowledged.followUps ?? []) await context.sendActivity(cardMessage(f.card, f.summary));
    await sendProposedRules(context);
    return renderPolicyChangeCard({ title: doc.title, fileName: draft.fileName, diff: draft.diff, warnings: [], draftId: draft.id, state: 'published', notice: `${notice}${taught}${deps.rules ? RULES_LINE : ''}` });
  }

  return {
    name: 'policyPublishing',
    register(app: BotApp) {
      if (deps.rules) registerSchoolRulesReview(app, { rules: deps.rules, policyOwners: deps.policyOwners, logger: deps.logger });
      app.message((context) => Promise.resolve(isMessage(context.activity) && sentFiles(context.activity.attachments).length > 0), async (context) => {
        for (const file of sentFiles(context.activity.attachments).slice(0, 1)) await receive(context, file);
      });

      app.adaptiveCards.actionExecute<{ draftId?: unknown }>(Verbs.publishVersion, async (context, _state, data) => {
        const draft = await draftFor(context, data, 'publish');
        if (typeof draft === 'string') return draft;
        return oneAtATime(async () => {
          // A second press of the same Publish waited for the first: the draft is gone, and says so.
          if (!drafts.has(draft.id)) {
            await audit(draft.ownerId, 'version.refused', draft.doc.id, { step: 'publish', reason: 'no such draft', draftId: draft.id });
            return 'That version is no longer waiting to be published (it was published or discarded). Send the file again.';
          }
          return publish(context, draft);
        });
      });

      app.adaptiveCards.actionExecute<{ draftId?: unknown }>(Verbs.discardVersion, async (context, _state, data) => {
        const draft = await draftFor(context, data, 'discard');
        if (typeof draft === 'string') return draft;
        // After a Publish of the same draft that is under way: one of the two acts on it, the other is told.
        const stillWaiting = await oneAtATime(async () => drafts.delete(draft.id));
        if (!stillWaiting) {
          await audit(draft.ownerId, 'version.refused', draft.doc.id, { step: 'discard', reason: 'no such draft', draftId: draft.id });
          return 'That version is no longer waiting to be published (it was published or discarded). Send the file again.';
        }
        await audit(draft.ownerId, 'version.discarded', draft.doc.id, { contentHash: draft.doc.metadata.contentHash });
        return renderPolicyChangeCard({
          title: draft.doc.title, fileName: draft.fileName, diff: draft.diff, warnings: [], draftId: draft.id, state: 'discarded',
          notice: draft.first ? 'Nothing changed: there is still no policy. Send the school\'s policy again when it is ready.' : 'Nothing changed: the live policy is as it was.',
          ...(draft.first ? { first: { sections: draft.doc.sections.map((s) => formatSectionLabel(s)) } } : {}),
        });
      });
    },
  };
}
