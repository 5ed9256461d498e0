import { DESTINATION_ROLE_LABELS, DestinationRole } from '../../domain/concernTypes';
import { CONCERN_FIELD_LABELS, CONCERN_FIELD_LIMITS, ConcernTextField } from '../../domain/concernValidation';
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
  /** Fields an urgent report went without: the card asks for them, with a button that adds them to the report. */
  missing?: readonly ConcernTextField[];
  /** What the reporter typed into those fields (kept when adding them failed). */
  typed?: Partial<Record<ConcernTextField, string>>;
  /** Why adding failed, shown above the fields. */
  problem?: string;
  /** Fields just added, for the confirmation line. */
  added?: readonly ConcernTextField[];
  /** True when urgent with no kind chosen, so it went as a child's safety concern. */
  kindAssumed?: boolean;
  /**
   * Later news, when the receipt is brought up to date: it had reached no one within two minutes (go to the DSL in
   * person), or it arrived after the reporter was told it had not.
   */
  arrival?: 'notArrived' | 'arrivedLate';
}

/** Renders the reporter's receipt; "call 999 or speak to the DSL" comes first when urgent. */
export function renderConcernReceiptCard(input: ConcernReceiptCardInput): AdaptiveCardJson {
  const role = input.deliveredTo ?? input.intendedFor;
  const missing = input.missing ?? [];
  const added = input.added ?? [];
  return expandCardTemplate(template, {
    reference: input.reference,
    urgent: input.urgent,
    delivered: input.deliveredTo !== undefined,
    notArrived: input.arrival === 'notArrived' && input.deliveredTo === undefined,
    arrivedLate: input.arrival === 'arrivedLate' && input.deliveredTo !== undefined,
    roleLabel: DESTINATION_ROLE_LABELS[role],
    kindAssumed: input.kindAssumed === true,
    hasMissing: missing.length > 0,
    missing: missing.map((f) => ({
      id: f,
      label: CONCERN_FIELD_LABELS[f],
      multiline: f !== 'whenHappened' && f !== 'where',
      maxLength: CONCERN_FIELD_LIMITS[f],
      value: input.typed?.[f] ?? '',
    })),
    hasProblem: Boolean(input.problem),
    problem: input.problem ?? '',
    hasAdded: added.length > 0,
    addedText: `Added to ${input.reference}: ${added.map((f) => CONCERN_FIELD_LABELS[f]).join(', ')}. Thank you.`,
  });
}
