import { DESTINATION_ROLE_LABELS, DestinationRole } from '../../domain/concernTypes';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import template from './templates/concernReceipt.json';

/** What the reporter is told after submitting: reference, the role it went to, never the people. */
export interface ConcernReceiptCardInput {
  reference: string;
  urgent: boolean;
  /** The role it reached; undefined while it is still being delivered. */
  deliveredTo?: DestinationRole;
  /** The role it is meant for. */
  intendedFor: DestinationRole;
}

/** Renders the reporter's receipt; "call 999 or speak to the DSL" comes first when urgent. */
export function renderConcernReceiptCard(input: ConcernReceiptCardInput): AdaptiveCardJson {
  const role = input.deliveredTo ?? input.intendedFor;
  return expandCardTemplate(template, {
    reference: input.reference,
    urgent: input.urgent,
    delivered: input.deliveredTo !== undefined,
    roleLabel: DESTINATION_ROLE_LABELS[role],
  });
}
