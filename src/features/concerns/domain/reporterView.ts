import { ConcernCase, ConcernReport } from './concernTypes';

/**
 * A case as its reporter may know it. One the team marked as about the headteacher (the reporter is never told) is, to
 * them, the report as they sent it (`hidden`): no notice names where it went since (the chair, or the chair's
 * fallback), only "the person dealing with it", and their receipt is not redrawn as about the headteacher. One the
 * reporter's own added details moved is as their receipt told them.
 */
export function asReporterKnows(c: ConcernCase): { report: ConcernReport; hidden: boolean } {
  const marks = c.events.filter((e) => e.type === 'markedAboutHeadteacher');
  const hidden = marks.length > 0 && !marks.some((e) => e.data.cause === 'reporterDetails');
  return { report: hidden ? { ...c.report, aboutHeadteacher: false } : c.report, hidden };
}
