import { PolicyDocument } from '../policyDocument';
import { sectionMoves } from '../publishing/policyDiff';
import { TeachingLinkStore } from './teachingLinks';

/**
 * What owners taught, carried to a new version as it is published. A link names a section by its ordinal in the version
 * it was taught on ("liverpool-model#7"); the new version may number the same section differently, and its own 7th
 * section may be another one altogether. Each link follows its section to where the new version has it (matched as the
 * publish card's diff matches sections). A link whose section the new version no longer has is pointed at no section
 * (SECTION_GONE): its question is answered by the model again, never from whatever now sits at that number, and
 * `taught` lists it as linked to "a section this version of the policy no longer has" with Remove. The owner is told both.
 */
export interface CarriedTeaching {
  /** Links moved to their section's new number. */
  moved: number;
  /** Links whose section is gone. */
  gone: number;
}

/** The section part of a link whose section a later version no longer has: matches no section of any version. */
export const SECTION_GONE = 'gone';

/** Who the store records as removing a link that publishing moved or released. */
export const PUBLISH_ACTOR = 'publish';

const SECTION_KEY = /^(.+)#(\d{1,5})$/;

/** Carries the links on `previous`'s sections to `next` (the same policy, now live). */
export async function carryTeaching(store: TeachingLinkStore, previous: PolicyDocument, next: PolicyDocument, at: string): Promise<CarriedTeaching> {
  const moves = sectionMoves(previous, next);
  const carried: CarriedTeaching = { moved: 0, gone: 0 };
  for (const link of await store.list()) {
    const key = SECTION_KEY.exec(link.section);
    // Another policy's link, "not covered by the policy", or the front page (which every version has).
    if (!key || key[1] !== previous.id || key[2] === '0') continue;
    const was = Number(key[2]);
    const now = moves.get(was);
    if (now === was) continue;
    // Removed (the store keeps it as removed by the publish), then added again where its section now is.
    if (!(await store.remove(link.id, PUBLISH_ACTOR, at))) continue;
    await store.add({ question: link.question, section: `${next.id}#${now ?? SECTION_GONE}`, taughtBy: link.taughtBy, taughtAt: link.taughtAt });
    if (now === undefined) carried.gone += 1;
    else carried.moved += 1;
  }
  return carried;
}
