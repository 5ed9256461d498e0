import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import { PolicyWarning } from '../../policyDocument';
import { PolicyDiff } from '../../publishing/policyDiff';
import template from './templates/policyChangeCard.json';

/** The most sections one card lists (a card must stay well under the Teams size limit). */
const SHOWN_CHANGES = 12;
/** The most changed runs shown per section, and the most words per run. */
const SHOWN_RUNS = 3;
const RUN_WORDS = 14;

const KIND = { added: ['Added', 'Good'], removed: ['Removed', 'Attention'], reworded: ['Reworded', 'Accent'] } as const;

/** What the owner is shown about a version they sent: the changes, and whether it is still to be decided. */
export interface PolicyChangeView {
  title: string;
  fileName: string;
  diff: PolicyDiff;
  warnings: readonly PolicyWarning[];
  draftId: string;
  /** "pending" offers Publish / Discard; the others report what was done ("notPublished": another version won). */
  state: 'pending' | 'published' | 'discarded' | 'notPublished';
  /** What publishing means for acknowledgement, or what happened. */
  notice?: string;
  /** What is live instead, when this was not published: names a file and a title an owner gave, so shown as plain text. */
  liveLine?: string;
  /**
   * The school's first policy (nothing to compare with): the sections the bot read, as staff will see them, instead
   * of changes.
   */
  first?: { sections: readonly string[] };
  /**
   * Every section the version read, as staff will see their headings: listed behind a button while it is still to be
   * decided, so the owner checks how it was read before publishing (`contents` shows the live policy, not this one).
   */
  sections?: readonly string[];
}

/** The most headings the list of every section shows (a card stays well under the Teams size limit). */
const LISTED_SECTIONS = 120;

/** The list of every section read, behind its button, while the version is still to decide. */
function allSectionsData(view: PolicyChangeView, sections: readonly string[] | undefined): Record<string, unknown> {
  const shown = view.state === 'pending' && sections && sections.length > 0;
  return {
    hasAllSections: shown === true,
    allSectionsTitle: shown ? `All ${sections.length} section${sections.length === 1 ? '' : 's'} this version read` : '',
    allSections: shown ? sections.slice(0, LISTED_SECTIONS).map((label) => ({ label })) : [],
    allSectionsMore: shown && sections.length > LISTED_SECTIONS ? `\u2026 and ${sections.length - LISTED_SECTIONS} more.` : '',
  };
}

/** Still to decide or not done: it needs the owner's eye; published or discarded: done as they asked. */
const noticeColour = (state: PolicyChangeView['state']): string => (state === 'pending' || state === 'notPublished' ? 'Attention' : 'Good');

const clip = (s: string): string => {
  const words = s.split(/\s+/).filter(Boolean);
  return words.length === 0 ? '—' : words.length > RUN_WORDS ? `${words.slice(0, RUN_WORDS).join(' ')} …` : words.join(' ');
};

/**
 * Renders the section-by-section changes of a new version (or, for the school's first policy, the sections the bot
 * read), with Publish and Discard while it is pending.
 */
export function renderPolicyChangeCard(view: PolicyChangeView): AdaptiveCardJson {
  if (view.first) return renderFirstVersion(view, view.first.sections);
  const { diff } = view;
  const counts = (['added', 'removed', 'reworded'] as const).map((k) => [k, diff.changes.filter((c) => c.kind === k).length] as const).filter(([, n]) => n > 0);
  const summary = diff.changes.length === 0
    ? `No section changed${diff.frontPageChanged ? ' (only the front page: title, version or review date)' : ''}.`
    : `${counts.map(([k, n]) => `${n} ${k}`).join(', ')}; ${diff.unchanged} unchanged${diff.frontPageChanged ? '; the front page changed too' : ''}.`;
  const heading = view.state === 'published' ? `Published: ${view.title}` : view.state === 'discarded' ? `Discarded: new version of ${view.title}`
    : view.state === 'notPublished' ? `Not published: new version of ${view.title}` : `New version of ${view.title}`;
  return expandCardTemplate(template, {
    heading,
    fileLine: `From ${view.fileName}`,
    summary,
    notice: view.notice ?? '',
    noticeColour: noticeColour(view.state),
    liveLine: view.liveLine ?? '',
    warnings: view.state === 'pending' ? view.warnings.map((w) => ({ text: w.message })) : [],
    changes: diff.changes.slice(0, SHOWN_CHANGES).map((c) => ({
      kind: KIND[c.kind][0],
      colour: KIND[c.kind][1],
      label: c.label,
      words: c.changes.slice(0, SHOWN_RUNS).map((w) => ({ was: clip(w.was), now: clip(w.now) })),
    })),
    more: diff.changes.length > SHOWN_CHANGES ? `… and ${diff.changes.length - SHOWN_CHANGES} more changed sections.` : '',
    ...allSectionsData(view, view.sections),
    draftId: view.draftId,
    showActions: view.state === 'pending',
  });
}

/** The school's first policy: its title, the sections read (their headings as staff will see them) and any warnings. */
function renderFirstVersion(view: PolicyChangeView, sections: readonly string[]): AdaptiveCardJson {
  const heading = view.state === 'published' ? `Published: ${view.title}` : view.state === 'discarded' ? `Discarded: ${view.title}`
    : view.state === 'notPublished' ? `Not published: ${view.title}` : `The school's policy: ${view.title}`;
  return expandCardTemplate(template, {
    heading,
    fileLine: `From ${view.fileName}`,
    summary: view.state === 'pending'
      ? `I read ${sections.length} section${sections.length === 1 ? '' : 's'}. Check that the headings below are your policy's before publishing.`
      : `${sections.length} section${sections.length === 1 ? '' : 's'}.`,
    notice: view.notice ?? '',
    noticeColour: noticeColour(view.state),
    liveLine: view.liveLine ?? '',
    warnings: view.state === 'pending' ? view.warnings.map((w) => ({ text: w.message })) : [],
    changes: view.state === 'pending' ? sections.slice(0, SHOWN_CHANGES).map((label) => ({ kind: 'Section', colour: 'Default', label, words: [] })) : [],
    more: view.state === 'pending' && sections.length > SHOWN_CHANGES ? `… and ${sections.length - SHOWN_CHANGES} more sections.` : '',
    ...allSectionsData(view, sections.length > SHOWN_CHANGES ? sections : undefined),
    draftId: view.draftId,
    showActions: view.state === 'pending',
  });
}
