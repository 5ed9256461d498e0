import { AdaptiveCardJson } from '../../../teams/cards';
import { ConcernRoutingTable } from '../domain/concernRouting';
import { DESTINATION_ROLE_LABELS } from '../domain/concernTypes';
import { isConcernKind } from '../domain/concernValidation';
import { inPersonContact, routeSetupFormWarning, waitingReporterText } from '../domain/routeSetup';
import { SubmitConcernResult } from '../domain/concernReporting';
import { ConcernFormCardInput, renderConcernFormCard, renderRefusedConcernForm } from './cards/concernFormCard';

/**
 * The report form as this school's routes make it: while a route is not configured (issue 44), every form (both steps,
 * the message-action dialog, a form sent back over the report limit) carries the warning at its top for the kinds it
 * may be: reports cannot be sent there yet, tell IT, go to the DSL in person.
 */
export interface ConcernForms {
  /** The form (first step, or the kind's step), with the warning that applies to it. */
  form(input?: ConcernFormCardInput): AdaptiveCardJson;
  /** A report refused over the person's limit, as the form they sent, with the warning that applies. */
  refused(data: unknown, notice: string, inTaskModule: boolean): AdaptiveCardJson;
  /** What the message-action dialog closes with once a report is filed: where it went, or that it waits and what to do. */
  filedText(result: Extract<SubmitConcernResult, { ok: true }>, rest: string): string;
}

/** Creates the forms for a routing table. */
export function createConcernForms(routing: ConcernRoutingTable): ConcernForms {
  const warningFor = (input: ConcernFormCardInput) => {
    const kind = input.values?.kind;
    return routeSetupFormWarning(routing, !input.chooseKind && isConcernKind(kind) ? kind : undefined);
  };
  return {
    form: (input = {}) => renderConcernFormCard({ ...input, routeWarning: warningFor(input) }),
    refused(data, notice, inTaskModule) {
      const kind = (data as { kind?: unknown } | undefined)?.kind;
      return renderRefusedConcernForm(data, notice, inTaskModule, routeSetupFormWarning(routing, isConcernKind(kind) ? kind : undefined));
    },
    filedText(result, rest) {
      const reference = result.report.reference;
      const repeated = result.repeated ? `You had already sent this report: it is the same report, ${reference}, and it has not been recorded or sent twice. ` : '';
      if (result.waiting && result.deliveredTo === undefined) {
        return `${repeated}Thank you. Your reference is ${reference}. ${waitingReporterText(reference, result.intendedFor, result.report.aboutHeadteacher, 'in your chat with me')}${rest}`;
      }
      const role = DESTINATION_ROLE_LABELS[result.deliveredTo ?? result.intendedFor];
      return `${result.urgent ? `If anyone is in immediate danger, call 999 or speak to ${inPersonContact(result.report.aboutHeadteacher)} in person now. ` : ''}`
        + `${repeated}Thank you. Your reference is ${reference}; it ${result.deliveredTo ? 'has gone' : 'is saved and being delivered'} to ${role}.${rest} `
        + 'You will be told in your chat with me when it is read and when it is closed.';
    },
  };
}
