import { Client, GraphError, PageCollection, PageIterator } from '@microsoft/microsoft-graph-client';
import { DeliveryError, DirectoryPerson, StaffDirectorySource, StaffSnapshot } from '../../features/acknowledgement/sending/sendingPorts';
import { graphStatus, toDeliveryError } from './graphErrors';
import { ManagerLookup } from '../../features/acknowledgement/domain/campaignPorts';

/** Options of the Graph staff directory. */
export interface GraphStaffDirectoryOptions {
  /** An Entra group whose transitive user members are the staff; absent: every user, by delta query. */
  groupId?: string;
  /** Page size asked of Graph (default 999, Graph's maximum for users). */
  pageSize?: number;
}

/** A user as Graph returns it with our $select. */
interface GraphUser {
  id: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
  department?: string | null;
  companyName?: string | null;
  officeLocation?: string | null;
  userType?: string | null;
  accountEnabled?: boolean | null;
  '@removed'?: unknown;
}

// $select lowers the directory's resource-unit cost and keeps personal data we do not need out of memory.
const SELECT = 'id,displayName,userPrincipalName,department,companyName,officeLocation,userType,accountEnabled';

/**
 * Staff from Microsoft Graph: the transitive user members of a group (a full read every time), or every
 * user through `/users/delta` (a full read, then only changes from the kept delta link). Guests and
 * disabled accounts are skipped (and, in a delta, reported as departed). Paging follows
 * `@odata.nextLink`; throttling is retried by the client honouring Retry-After.
 */
export function createGraphStaffDirectory(client: Client, options: GraphStaffDirectoryOptions = {}): StaffDirectorySource {
  const top = options.pageSize ?? 999;

  async function readAll(first: PageCollection, onUser: (u: GraphUser) => void, signal?: AbortSignal): Promise<string | undefined> {
    // Returning false stops the iterator before it asks for the next page: a shutdown does not wait out 50 pages.
    const iterator = new PageIterator(client, first, (item: GraphUser) => {
      if (signal?.aborted) return false;
      onUser(item);
      return true;
    });
    await iterator.iterate();
    signal?.throwIfAborted();
    return iterator.getDeltaLink();
  }

  return {
    kind: 'graph',
    async readStaff(syncToken?: string, signal?: AbortSignal): Promise<StaffSnapshot> {
      const members: DirectoryPerson[] = [];
      const departedIds: string[] = [];
      try {
        if (options.groupId) {
          const first = (await client
            .api(`/groups/${encodeURIComponent(options.groupId)}/transitiveMembers/microsoft.graph.user`)
            .select(SELECT)
            .top(top)
            .get()) as PageCollection;
          await readAll(first, (u) => {
            if (isStaff(u)) members.push(toPerson(u));
          }, signal);
          return { members, departedIds, complete: true };
        }
        const incremental = syncToken !== undefined;
        // The delta link carries the first request's $select and $top. Without `Prefer: return=minimal` Graph sends
        // every selected property of a changed user, so accountEnabled and userType are there to judge them by.
        const first = (await (incremental
          ? client.api(syncToken).get()
          : client.api('/users/delta').select(SELECT).top(top).get())) as PageCollection;
        // A user may appear more than once in one delta read; the last mention is the latest state.
        const kept = new Map<string, DirectoryPerson>();
        const left = new Set<string>();
        const deltaLink = await readAll(first, (u) => {
          // '@removed' (reason "changed": deleted, restorable for 30 days; "deleted": gone for good) is a leaver either way.
          if (u['@removed'] !== undefined || u.accountEnabled === false || u.userType === 'Guest') {
            kept.delete(u.id);
            left.add(u.id);
          } else {
            left.delete(u.id);
            kept.set(u.id, toPerson(u));
          }
        }, signal);
        return { members: [...kept.values()], departedIds: incremental ? [...left] : [], complete: !incremental, nextSyncToken: deltaLink };
      } catch (err) {
        if (signal?.aborted) throw err;
        if (syncToken !== undefined && !options.groupId && mustResync(err)) {
          throw new DeliveryError('DIRECTORY_RESYNC_REQUIRED', `The kept delta link was refused (HTTP ${graphStatus(err)}): a full read is needed`, {
            status: graphStatus(err),
          });
        }
        throw toDeliveryError(err, 'DIRECTORY_FAILED', 'Reading staff from Graph');
      }
    },
  };
}

/**
 * Whether Graph refused a delta link for good: 410 Gone (the service reset its change tracking), or 400
 * syncStateNotFound (a users delta link older than its 7-day lifetime). Either way only a new full read goes on.
 */
function mustResync(err: unknown): boolean {
  const status = graphStatus(err);
  const code = err instanceof GraphError ? err.code : (err as { code?: string })?.code;
  return status === 410 || (status === 400 && typeof code === 'string' && code.toLowerCase() === 'syncstatenotfound');
}

function isStaff(u: GraphUser): boolean {
  return u.userType !== 'Guest' && u.accountEnabled !== false;
}

function toPerson(u: GraphUser): DirectoryPerson {
  const person: DirectoryPerson = { userId: u.id };
  if (u.displayName) person.displayName = u.displayName;
  if (u.userPrincipalName) person.userPrincipalName = u.userPrincipalName;
  if (u.department) person.department = u.department;
  // Trusts usually record the school in companyName; single schools sometimes use officeLocation.
  const school = u.companyName ?? u.officeLocation;
  if (school) person.school = school;
  return person;
}

/**
 * Line managers from Microsoft Graph (`GET /users/{id}/manager`, User.Read.All): asked only for people a weekly
 * digest is about, and remembered for the run. 404 means none is recorded.
 */
export function createGraphManagerLookup(client: Client): ManagerLookup {
  return {
    async managerOf(userId) {
      try {
        const manager = (await client.api(`/users/${encodeURIComponent(userId)}/manager`).select('id').get()) as { id?: string } | undefined;
        return typeof manager?.id === 'string' && manager.id ? manager.id : undefined;
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return undefined;
        throw toDeliveryError(err, 'DIRECTORY_FAILED', 'manager lookup');
      }
    },
  };
}
