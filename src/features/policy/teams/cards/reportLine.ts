/**
 * The line at the top of an answer to a question that may be about a particular child (issue 48): "If this is about
 * something a child told you or showed you, report it now", with Report a concern carrying what they typed when the
 * chat is their own. In a channel or group chat the button starts the report privately and carries nothing.
 */
export interface ReportLine {
  /** What the person typed, carried into the report's "What happened" in their 1:1 chat; absent elsewhere. */
  whatHappened?: string;
}

/** The template data of the report line (hasReportLine, reportPersonal, reportWhatHappened); nothing shown without one. */
export function reportLineData(line: ReportLine | undefined): { hasReportLine: boolean; reportPersonal: boolean; reportWhatHappened: string } {
  return { hasReportLine: line !== undefined, reportPersonal: line?.whatHappened !== undefined, reportWhatHappened: line?.whatHappened ?? '' };
}
