import { StaffMember } from '../domain/acknowledgementTypes';
import { AcknowledgementStore } from '../domain/acknowledgementStore';
import { DeliveryError, StaffDirectorySource } from './sendingPorts';

/** The sync-state key holding the directory's next sync token (the Graph delta link). */
export const STAFF_SYNC_TOKEN_KEY = 'staffDirectory.syncToken';

/** What one sync changed. */
export interface StaffSyncResult {
  /** Active staff after the sync. */
  active: number;
  /** People now active who were not before (new starters, returners): they are due the current card. */
  joinedIds: string[];
  /** People marked inactive by this sync (never deleted: proof refers to them). */
  departedIds: string[];
  /** True when this was an incremental (delta) read. */
  incremental: boolean;
}

/**
 * Brings the store's staff list up to date from the directory: a full read marks everyone absent as
 * departed; an incremental read merges only the changes. The delta link is kept for next time; an expired
 * one (Graph 410) falls back to a full read.
 */
export async function syncStaffDirectory(
  source: StaffDirectorySource,
  store: Pick<AcknowledgementStore, 'getSyncState' | 'setSyncState' | 'listStaff' | 'upsertStaff'>,
  now: string,
): Promise<StaffSyncResult> {
  const token = await store.getSyncState(STAFF_SYNC_TOKEN_KEY);
  let snapshot;
  try {
    snapshot = await source.readStaff(token);
  } catch (err) {
    if (!(token && err instanceof DeliveryError && err.details.status === 410)) throw err;
    snapshot = await source.readStaff(undefined);
  }
  const existing = new Map((await store.listStaff()).map((m) => [m.userId, m]));
  const changed: StaffMember[] = [];
  const joinedIds: string[] = [];
  const departedIds: string[] = [];
  const present = new Set<string>();

  for (const person of snapshot.members) {
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
    if (!before || !sameRecord(before, merged)) changed.push(merged);
  }
  const departing = snapshot.complete
    ? [...existing.values()].filter((m) => m.active && m.source === source.kind && !present.has(m.userId)).map((m) => m.userId)
    : snapshot.departedIds.filter((id) => existing.get(id)?.active);
  for (const id of departing) {
    const before = existing.get(id)!;
    changed.push({ ...before, active: false, updatedAt: now });
    departedIds.push(id);
  }
  if (changed.length > 0) await store.upsertStaff(changed);
  if (snapshot.nextSyncToken) await store.setSyncState(STAFF_SYNC_TOKEN_KEY, snapshot.nextSyncToken);
  const gone = new Set(departedIds);
  const active = [...existing.values()].filter((m) => m.active && !gone.has(m.userId) && !present.has(m.userId)).length
    + present.size;
  return { active, joinedIds, departedIds, incremental: !snapshot.complete };
}

function sameRecord(a: StaffMember, b: StaffMember): boolean {
  return a.active === b.active && a.displayName === b.displayName && a.userPrincipalName === b.userPrincipalName
    && a.department === b.department && a.school === b.school && a.source === b.source;
}
