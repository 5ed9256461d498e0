import { StaffMember } from '../domain/acknowledgementTypes';
import { AcknowledgementStore } from '../domain/acknowledgementStore';
import { applyStaffChanges, CampaignMembershipStore } from '../domain/campaignMembership';
import { DeliveryError, StaffDirectorySource } from './sendingPorts';

/** The sync-state key holding the directory's next sync token (the Graph delta link). */
export const STAFF_SYNC_TOKEN_KEY = 'staffDirectory.syncToken';

/** Staff records written at once; the event loop is free between slices. */
const WRITE_SLICE = 1_000;
/** People compared with the stored list between pauses. */
const COMPARE_SLICE = 5_000;

/** What one sync changed. */
export interface StaffSyncResult {
  /** Active staff after a full read; absent after an incremental one, where counting them would cost the whole list. */
  active?: number;
  /** Staff records written (new, changed or marked departed); unchanged people are not rewritten. */
  changed: number;
  /** People now active who were not before (new starters, returners): they are due the current card. */
  joinedIds: string[];
  /** People marked inactive by this sync (never deleted: proof refers to them). */
  departedIds: string[];
  /** Running campaigns' people marked as having left, and put back as returners (omitted when none). */
  campaigns?: { left: number; returned: number };
  /** True when this was an incremental (delta) read. */
  incremental: boolean;
}

/** True when the directory refused a kept sync token and only a full read can start again (Graph 410 or an expired delta link). */
export function isResyncRequired(err: unknown): boolean {
  return err instanceof DeliveryError && (err.code === 'DIRECTORY_RESYNC_REQUIRED' || err.details.status === 410);
}

/**
 * Brings the store's staff list up to date from the directory. A full read compares everyone with the stored list and
 * marks those absent as departed; an incremental read looks up and writes only the people it names, so its cost
 * follows what changed, not the size of the list. The delta link is kept for next time; one the directory refuses
 * (resync required) falls back to a full read. An aborted sync keeps the old link; it writes nothing unless it had
 * begun writing. Before the staff list is written, running campaigns take out those who left and put back those who
 * returned (campaignMembership.ts), so a sync stopped in between finds the same people changed next time.
 */
export async function syncStaffDirectory(
  source: StaffDirectorySource,
  store: Pick<AcknowledgementStore, 'getSyncState' | 'setSyncState' | 'listStaff' | 'getStaffByIds' | 'upsertStaff'> & CampaignMembershipStore,
  now: string,
  signal?: AbortSignal,
): Promise<StaffSyncResult> {
  const token = await store.getSyncState(STAFF_SYNC_TOKEN_KEY);
  let snapshot;
  try {
    snapshot = await source.readStaff(token, signal);
  } catch (err) {
    if (!(token && isResyncRequired(err))) throw err;
    snapshot = await source.readStaff(undefined, signal);
  }
  signal?.throwIfAborted();
  const known = snapshot.complete
    ? await store.listStaff()
    : await store.getStaffByIds([...new Set([...snapshot.members.map((m) => m.userId), ...snapshot.departedIds])]);
  const existing = new Map(known.map((m) => [m.userId, m]));
  await pause();
  const changed: StaffMember[] = [];
  const joinedIds: string[] = [];
  const returned: StaffMember[] = [];
  const departedIds: string[] = [];
  const present = new Set<string>();

  // A delta may name one person on more than one page: the last mention is the latest state.
  const members = new Map(snapshot.members.map((m) => [m.userId, m]));
  await pause();
  let looked = 0;
  for (const person of members.values()) {
    // A pause every few thousand people, so comparing a whole tenant does not hold up answers.
    if (++looked % COMPARE_SLICE === 0) await pause();
    present.add(person.userId);
    const before = existing.get(person.userId);
    const merged: StaffMember = {
      userId: person.userId,
      userPrincipalName: person.userPrincipalName ?? before?.userPrincipalName ?? '',
      displayName: person.displayName ?? before?.displayName ?? '',
      department: person.department ?? before?.department,
      school: person.school ?? before?.school,
      active: true,
      source: source.kind,
      updatedAt: now,
    };
    if (!before?.active) joinedIds.push(person.userId);
    if (before && !before.active) returned.push(merged);
    if (!before || !sameRecord(before, merged)) changed.push(merged);
  }
  // After a full read, one pass over the stored list (with pauses) finds the departed and counts who stays active.
  let activeElsewhere = 0;
  const departing: string[] = [];
  if (snapshot.complete) {
    let seen = 0;
    for (const m of existing.values()) {
      if (++seen % COMPARE_SLICE === 0) await pause();
      if (!m.active || present.has(m.userId)) continue;
      if (m.source === source.kind) departing.push(m.userId);
      else activeElsewhere++;
    }
  } else {
    for (const id of new Set(snapshot.departedIds)) if (existing.get(id)?.active && !present.has(id)) departing.push(id);
  }
  for (const id of departing) {
    const before = existing.get(id)!;
    changed.push({ ...before, active: false, updatedAt: now });
    departedIds.push(id);
  }
  signal?.throwIfAborted();
  const campaigns = await applyStaffChanges(store, { leftIds: departedIds, returned }, now);
  // Written in slices with a pause between, so a first sync of 50,000 people does not hold up answers for a second. The
  // link is kept only after the last slice: a sync stopped part-way is redone from the old link, rewriting the same rows.
  for (let i = 0; i < changed.length; i += WRITE_SLICE) {
    await pause();
    signal?.throwIfAborted();
    await store.upsertStaff(changed.slice(i, i + WRITE_SLICE));
  }
  signal?.throwIfAborted();
  if (snapshot.nextSyncToken) await store.setSyncState(STAFF_SYNC_TOKEN_KEY, snapshot.nextSyncToken);
  const result: StaffSyncResult = {
    changed: changed.length, joinedIds, departedIds, incremental: !snapshot.complete,
    ...(campaigns.left > 0 || campaigns.returned > 0 ? { campaigns } : {}),
  };
  if (snapshot.complete) result.active = present.size + activeElsewhere;
  return result;
}

function sameRecord(a: StaffMember, b: StaffMember): boolean {
  return a.active === b.active && a.displayName === b.displayName && a.userPrincipalName === b.userPrincipalName
    && a.department === b.department && a.school === b.school && a.source === b.source;
}

/** Lets the event loop turn (other people's messages) before the sync goes on. */
function pause(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
