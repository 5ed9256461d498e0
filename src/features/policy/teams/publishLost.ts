import { formatSchoolTime } from '../../../shared/schoolTime';
import { PublishedVersionSummary } from '../publishing/publishedPolicies';

/** What a lost publish knows: whether the draft was the school's first policy, what is live instead, who pressed Publish. */
export interface LostPublish {
  first: boolean;
  live: PublishedVersionSummary | undefined;
  /** The live version's title where this instance has read it. */
  liveTitle?: string;
  actor: string;
}

/** Who published the version that won, as the owner who lost reads it (never an id). */
function whoPublished(publishedBy: string, actor: string): string {
  if (publishedBy === actor) return 'You published another file';
  if (publishedBy.startsWith('cli:')) return 'IT published a file from the server (policy-bot publish)';
  return 'Another policy owner published a file';
}

/**
 * What an owner whose publish lost is told (issue 49): that another version went live first and theirs was not published,
 * what is live now, and what to do. The notice is the product's own words; the live line names an owner's file and
 * title, so the card shows it as plain text.
 */
export function notPublishedNotice(lost: LostPublish): { notice: string; liveLine: string } {
  const { live } = lost;
  const who = live ? whoPublished(live.publishedBy, lost.actor) : 'Another file was published';
  const notice = lost.first
    ? `${who} as the school's policy while this one waited, so this one was not published: the school has one policy, and staff are `
      + 'answered from it. If yours should replace it, send your file again: I will show what it changes against the live policy, and you can '
      + 'publish it as its next version. Otherwise there is nothing more to do.'
    : `${who} as a new version of this policy while this one waited, so this one was not published: its changes were worked out against a `
      + 'version that is no longer live. Send your file again to see what it changes against the live version, then publish it.';
  const named = live ? (lost.liveTitle ? `${lost.liveTitle} (${live.fileName})` : live.fileName) : '';
  return { notice, liveLine: live ? `Live now: ${named}, published ${formatSchoolTime(live.publishedAt)}.` : '' };
}
