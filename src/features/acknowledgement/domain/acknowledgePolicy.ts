import { AcknowledgementError } from './acknowledgementErrors';
import { AcknowledgementStore } from './acknowledgementStore';
import { Acknowledgement, AcknowledgementChannel, Campaign, PolicyVersion } from './acknowledgementTypes';
import { CurrentVersions, createCurrentVersions } from './currentVersions';
import { createStaffGate } from './currentStaff';
import { PolicyTexts } from './campaignPorts';
import { ChangesSince, changesSinceAcknowledged } from './changesSince';

/** Who clicked "I have read and understood", as the Teams activity names them. */
export interface AcknowledgingUser {
  /** Entra object id (aadObjectId), or the channel's user id where there is none (Playground). */
  userId: string;
  displayName?: string;
  userPrincipalName?: string;
}

/** An acknowledgement as the card asks for it. */
export interface AcknowledgeRequest {
  user: AcknowledgingUser;
  policyId: string;
  versionHash: string;
  campaignId?: string;
  channel: AcknowledgementChannel;
}

/** What happened: recorded now, already on record (nothing new), or the card's version was replaced. */
export type AcknowledgeOutcome =
  | {
    kind: 'recorded' | 'alreadyRecorded'; acknowledgement: Acknowledgement; version: PolicyVersion; campaign?: Campaign;
    /** The campaign's card as it was sent to the person (read with them, no extra call): updated when they acknowledged elsewhere. */
    campaignCard?: { activityId: string; conversationId?: string };
  }
  | { kind: 'superseded'; replaced: PolicyVersion; current: PolicyVersion; campaign?: Campaign };

export type { CurrentVersion } from './currentVersions';

const MAX_ID = 200;
/** Acknowledgements this instance recorded or found, kept to answer a repeated click without the store. */
const SEEN_LIMIT = 10_000;

/** What the acknowledge and view use cases read through: the store, and what they keep of it between clicks. */
export interface AcknowledgeDeps {
  store: AcknowledgementStore;
  clock: () => Date;
  /** Shared with the view use case and told of campaign changes (acknowledgementModule); default: nothing kept but versions. */
  current?: CurrentVersions;
  /** POLICY_OWNERS: named to someone refused because they are not current staff, as the people to ask. */
  owners?: readonly string[];
}

/**
 * Creates the acknowledge use case: records once, never twice, never for a replaced version, and only from current staff
 * (on the staff list, not marked as having left: anyone else is told politely and the refusal audited, currentStaff.ts).
 * A click reads the person as recorded for the campaign (their delivery, else their staff record) and appends the acknowledgement; the
 * version and campaign come from `current`, read afresh when the card is newer than what is kept. A repeated click answered before by this instance costs no store call
 * at all: an acknowledgement never changes once recorded.
 */
export function createAcknowledgePolicy(deps: AcknowledgeDeps) {
  const { store } = deps;
  const current = deps.current ?? createCurrentVersions({ store, clock: deps.clock, ttlMs: 0 });
  const gate = createStaffGate({ store, clock: deps.clock, ...(deps.owners ? { owners: deps.owners } : {}) });
  const seen = new Map<string, Acknowledgement>();
  return async function acknowledgePolicy(request: AcknowledgeRequest): Promise<AcknowledgeOutcome> {
    assertCardField('policy', request.policyId);
    assertCardField('version', request.versionHash);
    assertCardField('user', request.user.userId);
    if (request.campaignId !== undefined) assertCardField('campaign', request.campaignId);

    const version = await current.version(request.policyId, request.versionHash);
    if (!version) {
      throw new AcknowledgementError('UNKNOWN_VERSION', 'This card is for a policy version the bot does not know. Ask the policy owner for a new card.');
    }
    // Read afresh when the card is newer than what is kept, so a new round's card is never called replaced.
    const now = await current.currentForCard({ version, ...(request.campaignId ? { campaignId: request.campaignId } : {}) });
    if (now && now.version.versionHash !== version.versionHash) {
      return { kind: 'superseded', replaced: version, current: now.version, ...(now.campaign ? { campaign: now.campaign } : {}) };
    }
    const campaign = await campaignToRecord(request.campaignId, now?.campaign);
    const id = [version.policyId, version.versionHash, request.user.userId, campaign?.id ?? ''].join('\n');
    const known = seen.get(id);
    if (known) return { kind: 'alreadyRecorded', acknowledgement: known, version, ...(campaign ? { campaign } : {}) };

    // The person as the store has them (their delivery in the campaign, else their staff record) must be current staff.
    const recipient = await store.getRecipient(campaign?.id, request.user.userId, { policyId: version.policyId, versionHash: version.versionHash });
    const staff = await gate.admit(recipient, request.user.userId, 'acknowledge', campaign?.id ?? `${version.policyId}@${version.versionHash}`);
    const ack: Acknowledgement = {
      policyId: version.policyId,
      versionHash: version.versionHash,
      userId: request.user.userId,
      // Always from the staff list (the gate above): never the name a Teams activity claims.
      userPrincipalName: staff.userPrincipalName || request.user.userId,
      displayName: staff.displayName || request.user.userId,
      ...(staff.department ? { department: staff.department } : {}),
      ...(staff.school ? { school: staff.school } : {}),
      ...(campaign ? { campaignId: campaign.id } : {}),
      acknowledgedAt: deps.clock().toISOString(),
      channel: request.channel,
      // Which version they read, and when: the reader and the document record it per version, so a read of an older one never counts.
      ...(staff.readAt ? { readAt: staff.readAt } : {}),
    };
    // The append-only acknowledgement itself is the record of who acknowledged what, when and how.
    const result = await store.appendAcknowledgement(ack);
    if (seen.size >= SEEN_LIMIT) seen.delete(seen.keys().next().value as string);
    seen.set(id, result.acknowledgement);
    return {
      kind: result.recorded ? 'recorded' : 'alreadyRecorded', acknowledgement: result.acknowledgement, version,
      ...(campaign ? { campaign } : {}), ...(recipient?.card ? { campaignCard: recipient.card } : {}),
    };
  };

  async function campaignToRecord(cardCampaignId: string | undefined, active: Campaign | undefined): Promise<Campaign | undefined> {
    // A card from last year's round of the same version counts towards this year's round.
    if (cardCampaignId) {
      if (active?.id === cardCampaignId) return active;
      const onCard = await current.campaign(cardCampaignId);
      if (onCard && (onCard.status === 'active' || !active)) return onCard;
    }
    return active;
  }
}

/** The acknowledge use case. */
export type AcknowledgePolicy = ReturnType<typeof createAcknowledgePolicy>;

function assertCardField(name: string, value: unknown): void {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_ID) {
    throw new AcknowledgementError('BAD_CARD_DATA', `The card is missing its ${name}; ask the policy owner for a new card.`);
  }
}

/** What a person's card should show now, for a card they clicked (read, ask) or one about to be sent. */
export type AcknowledgementView =
  | { state: 'pending'; version: PolicyVersion; campaign?: Campaign; changes?: ChangesSince }
  | { state: 'acknowledged'; version: PolicyVersion; campaign?: Campaign; acknowledgement: Acknowledgement }
  | { state: 'superseded'; version: PolicyVersion; campaign?: Campaign; replacedHash: string; changes?: ChangesSince };

/**
 * Creates the view use case: the state of a person's card for a policy version (pending, acknowledged, superseded), and
 * for a version still to acknowledge, what changed since the one they last acknowledged (what their card leads with).
 */
export function createAcknowledgementView(deps: { store: AcknowledgementStore; current?: CurrentVersions; texts?: Pick<PolicyTexts, 'version'> }) {
  const { store } = deps;
  const kept = deps.current ?? createCurrentVersions({ store, clock: () => new Date(), ttlMs: 0 });
  // Versions never change once saved: the walk back reads them through what is kept. With the texts, changes across
  // several versions are worked out from the two a person is between.
  const reads = {
    getPolicyVersion: (p: string, h: string) => kept.version(p, h), getAcknowledgement: store.getAcknowledgement.bind(store),
    ...(deps.texts ? { texts: deps.texts } : {}),
  };
  const changesFor = async (version: PolicyVersion, userId: string) => {
    const changes = await changesSinceAcknowledged(reads, version, userId);
    return changes ? { changes } : {};
  };
  /**
   * `notAcknowledgedIn`: a campaign the caller knows the person has not acknowledged in (the sender, from the delivery it
   * holds): when that is the round the card belongs to, no acknowledgement is read (on Table storage a query a card).
   */
  return async function viewAcknowledgement(input: {
    userId: string; policyId: string; versionHash: string; campaignId?: string; notAcknowledgedIn?: string;
  }): Promise<AcknowledgementView> {
    assertCardField('policy', input.policyId);
    assertCardField('version', input.versionHash);
    const version = await kept.version(input.policyId, input.versionHash);
    if (!version) {
      throw new AcknowledgementError('UNKNOWN_VERSION', 'This card is for a policy version the bot does not know. Ask the policy owner for a new card.');
    }
    const current = await kept.currentForCard({ version, ...(input.campaignId ? { campaignId: input.campaignId } : {}) });
    const campaign = current?.campaign;
    if (current && current.version.versionHash !== version.versionHash) {
      return {
        state: 'superseded', version: current.version, replacedHash: version.versionHash, ...(campaign ? { campaign } : {}),
        ...(await changesFor(current.version, input.userId)),
      };
    }
    const known = campaign !== undefined && campaign.id === input.notAcknowledgedIn;
    const ack = known ? undefined : await store.getAcknowledgement(version.policyId, version.versionHash, input.userId);
    // An acknowledgement from before this round started does not count for it.
    if (ack && (!campaign || ack.campaignId === campaign.id || ack.acknowledgedAt >= campaign.startedAt)) {
      return { state: 'acknowledged', version, acknowledgement: ack, ...(campaign ? { campaign } : {}) };
    }
    return { state: 'pending', version, ...(campaign ? { campaign } : {}), ...(await changesFor(version, input.userId)) };
  };
}

/** The view use case. */
export type ViewAcknowledgement = ReturnType<typeof createAcknowledgementView>;
