import { AcknowledgementError } from './acknowledgementErrors';
import { AcknowledgementStore } from './acknowledgementStore';
import { Acknowledgement, AcknowledgementChannel, Campaign, PolicyVersion } from './acknowledgementTypes';

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
  | { kind: 'recorded' | 'alreadyRecorded'; acknowledgement: Acknowledgement; version: PolicyVersion; campaign?: Campaign }
  | { kind: 'superseded'; replaced: PolicyVersion; current: PolicyVersion; campaign?: Campaign };

/** The version staff must acknowledge now, and the campaign asking for it. */
export interface CurrentVersion {
  version: PolicyVersion;
  campaign?: Campaign;
}

const MAX_ID = 200;
const VERSION_CACHE_LIMIT = 64;

/** Reads policy versions through a small cache: a version never changes once saved. */
function versionReader(store: AcknowledgementStore) {
  const cache = new Map<string, PolicyVersion>();
  return async (policyId: string, versionHash: string): Promise<PolicyVersion | undefined> => {
    const id = `${policyId}\n${versionHash}`;
    const hit = cache.get(id);
    if (hit) return hit;
    const v = await store.getPolicyVersion(policyId, versionHash);
    if (v) {
      if (cache.size >= VERSION_CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
      cache.set(id, v);
    }
    return v;
  };
}

/** The version of a policy to acknowledge now: the newest active campaign's, else the latest registered. */
export async function findCurrentVersion(
  store: AcknowledgementStore, policyId: string, readVersion: (policyId: string, hash: string) => Promise<PolicyVersion | undefined> = (p, h) => store.getPolicyVersion(p, h),
): Promise<CurrentVersion | undefined> {
  const active = (await store.listCampaigns('active')).find((c) => c.policyId === policyId);
  if (active) {
    const version = await readVersion(policyId, active.versionHash);
    if (version) return { version, campaign: active };
  }
  const latest = await store.getLatestPolicyVersion(policyId);
  return latest ? { version: latest } : undefined;
}

/** Creates the acknowledge use case: records once, never twice, and never for a replaced version. */
export function createAcknowledgePolicy(deps: { store: AcknowledgementStore; clock: () => Date }) {
  const { store } = deps;
  const readVersion = versionReader(store);
  return async function acknowledgePolicy(request: AcknowledgeRequest): Promise<AcknowledgeOutcome> {
    assertCardField('policy', request.policyId);
    assertCardField('version', request.versionHash);
    assertCardField('user', request.user.userId);
    if (request.campaignId !== undefined) assertCardField('campaign', request.campaignId);

    const version = await readVersion(request.policyId, request.versionHash);
    if (!version) {
      throw new AcknowledgementError('UNKNOWN_VERSION', 'This card is for a policy version the bot does not know. Ask the policy owner for a new card.');
    }
    const current = await findCurrentVersion(store, request.policyId, readVersion);
    if (current && current.version.versionHash !== version.versionHash) {
      return { kind: 'superseded', replaced: version, current: current.version, ...(current.campaign ? { campaign: current.campaign } : {}) };
    }
    const campaign = await campaignToRecord(request.campaignId, current?.campaign);
    const staff = await store.getStaff(request.user.userId);
    const ack: Acknowledgement = {
      policyId: version.policyId,
      versionHash: version.versionHash,
      userId: request.user.userId,
      userPrincipalName: staff?.userPrincipalName ?? request.user.userPrincipalName ?? request.user.userId,
      displayName: staff?.displayName ?? request.user.displayName ?? request.user.userId,
      ...(staff?.department ? { department: staff.department } : {}),
      ...(staff?.school ? { school: staff.school } : {}),
      ...(campaign ? { campaignId: campaign.id } : {}),
      acknowledgedAt: deps.clock().toISOString(),
      channel: request.channel,
    };
    // The append-only acknowledgement itself is the record of who acknowledged what, when and how.
    const result = await store.appendAcknowledgement(ack);
    return {
      kind: result.recorded ? 'recorded' : 'alreadyRecorded', acknowledgement: result.acknowledgement, version,
      ...(campaign ? { campaign } : {}),
    };
  };

  async function campaignToRecord(cardCampaignId: string | undefined, active: Campaign | undefined): Promise<Campaign | undefined> {
    // A card from last year's round of the same version counts towards this year's round.
    if (cardCampaignId) {
      if (active?.id === cardCampaignId) return active;
      const onCard = await store.getCampaign(cardCampaignId);
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
  | { state: 'pending'; version: PolicyVersion; campaign?: Campaign }
  | { state: 'acknowledged'; version: PolicyVersion; campaign?: Campaign; acknowledgement: Acknowledgement }
  | { state: 'superseded'; version: PolicyVersion; campaign?: Campaign; replacedHash: string };

/** Creates the view use case: the state of a person's card for a policy version (pending, acknowledged, superseded). */
export function createAcknowledgementView(deps: { store: AcknowledgementStore }) {
  const { store } = deps;
  const readVersion = versionReader(store);
  return async function viewAcknowledgement(input: { userId: string; policyId: string; versionHash: string }): Promise<AcknowledgementView> {
    assertCardField('policy', input.policyId);
    assertCardField('version', input.versionHash);
    const version = await readVersion(input.policyId, input.versionHash);
    if (!version) {
      throw new AcknowledgementError('UNKNOWN_VERSION', 'This card is for a policy version the bot does not know. Ask the policy owner for a new card.');
    }
    const current = await findCurrentVersion(store, input.policyId, readVersion);
    const campaign = current?.campaign;
    if (current && current.version.versionHash !== version.versionHash) {
      return { state: 'superseded', version: current.version, replacedHash: version.versionHash, ...(campaign ? { campaign } : {}) };
    }
    const ack = await store.getAcknowledgement(version.policyId, version.versionHash, input.userId);
    // An acknowledgement from before this round started does not count for it.
    if (ack && (!campaign || ack.campaignId === campaign.id || ack.acknowledgedAt >= campaign.startedAt)) {
      return { state: 'acknowledged', version, acknowledgement: ack, ...(campaign ? { campaign } : {}) };
    }
    return { state: 'pending', version, ...(campaign ? { campaign } : {}) };
  };
}

/** The view use case. */
export type ViewAcknowledgement = ReturnType<typeof createAcknowledgementView>;
