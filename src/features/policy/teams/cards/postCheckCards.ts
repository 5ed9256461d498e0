import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import { DraftCheckResult, DraftVerdict } from '../../drafts/draftChecker';
import { DraftContext } from '../../drafts/draftConcerns';
import formTemplate from './templates/checkPostForm.json';
import verdictTemplate from './templates/postVerdict.json';
import { ReportLine, reportLineData } from './reportLine';

/** What the form shows again when it comes back: what they typed and chose, and what is missing. */
export interface CheckPostFormState { draft?: string; context?: Partial<DraftContext>; missing?: string }

/** Renders "Check my post": the draft (multiline), whether a photo shows pupils or colleagues, which account, who sees it. */
export function renderCheckPostForm(state: CheckPostFormState = {}): AdaptiveCardJson {
  return expandCardTemplate(formTemplate, {
    draft: state.draft ?? '',
    media: state.context?.media ?? 'none',
    account: state.context?.account ?? 'personal',
    audience: state.context?.audience ?? 'public',
    hasMissing: state.missing !== undefined,
    missing: state.missing ?? '',
  });
}

const VERDICTS: Record<DraftVerdict, { title: string; line: string; style: string }> = {
  fine: { title: 'Nothing in your school\'s policy stops this', line: 'I found nothing in it that your school\'s social media policy rules on.', style: 'good' },
  think: { title: 'Think twice', line: 'Some of it may go against your school\'s policy, or is something policies warn about:', style: 'warning' },
  stop: { title: 'Don\'t post this', line: 'As it stands it goes against your school\'s policy:', style: 'attention' },
};

/**
 * A draft that may tell of something a child said or showed (its card leads with the report line) is never told it is
 * fine, even where no concern of the policy's was found in it: what a child discloses goes to the DSL, never online.
 */
const CHILDS_WORDS = {
  title: 'Don\'t post this if it is about a child',
  line: 'If it tells of something a child said or showed you, it goes to the DSL (report it above), never on social media. Otherwise I found nothing in it that your school\'s social media policy rules on.',
  style: 'warning',
};

/**
 * Renders the verdict on a draft: the plain-words verdict, then each concern with what in the draft raised it (the
 * draft's own words, shown as text), the school's rule quoted with its section (or that the policy has none), and
 * what would fix it.
 */
export function renderPostVerdictCard(result: DraftCheckResult, context: DraftContext, reportLine?: ReportLine): AdaptiveCardJson {
  const v = reportLine !== undefined && result.verdict === 'fine' ? CHILDS_WORDS : VERDICTS[result.verdict];
  return expandCardTemplate(verdictTemplate, {
    // A draft that may tell of something a child said or showed leads with the report line, as a question does (issue 69).
    ...reportLineData(reportLine),
    verdictTitle: v.title, verdictLine: v.line, verdictStyle: v.style,
    hasMedia: context.media !== 'none',
    hasPhotoRule: Boolean(result.photoRule),
    photoCitation: result.photoRule ? `${result.photoRule.citation}, ${result.photoRule.documentTitle}` : '',
    photoQuote: result.photoRule?.quote ?? '',
    concerns: result.concerns.map((c) => ({
      label: c.label,
      evidence: c.evidence.map((line) => ({ line })),
      hasRule: c.rule !== null,
      citation: c.rule ? `${c.rule.citation}, ${c.rule.documentTitle}` : '',
      quote: c.rule?.quote ?? '',
      fix: c.fix,
    })),
  });
}
