import { DESTINATION_ROLE_LABELS, DestinationRole } from '../../domain/concernTypes';
import { CONCERN_FIELD_LABELS, CONCERN_FIELD_LIMITS, ConcernTextField } from '../../domain/concernValidation';
import { inPersonContact, waitingReceiptText } from '../../domain/routeSetup';
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
  /**
   * True while the report waits because its route is not set up (issue 44): it has NOT been sent, and the reporter must go
   * to the DSL in person with the reference.
   */
  waiting?: boolean;
  /** The report is about the headteacher: who to go to in person (everywhere on the card) is then a deputy DSL or the chair of governors. */
  aboutHeadteacher?: boolean;
  /** What the reporter just added names the headteacher, so the report now goes to the chair of governors instead. */
  movedToChair?: boolean;
  /** The same urgent report sent again unchanged: this is the earlier one, not recorded or sent twice. */
  repeated?: boolean;
}

/** Renders the reporter's receipt; "call 999 or speak to the DSL or a deputy" (inPersonContact) comes first when urgent. */
export function renderConcernReceiptCard(input: ConcernReceiptCardInput): AdaptiveCardJson {
  const role = input.deliveredTo ?? input.intendedFor;
  const missing = input.missing ?? [];
  const added = input.added ?? [];
  const waiting = input.waiting === true && input.deliveredTo === undefined;
  return expandCardTemplate(template, {
    reference: input.reference,
    urgent: input.urgent,
    repeated: input.repeated === true,
    delivered: input.deliveredTo !== undefined,
    waiting,
    waitingText: waiting ? waitingReceiptText(input.reference, role, input.aboutHeadteacher === true) : '',
    // Who to go to in person (urgent, cannot wait, not arrived): for a report about the headteacher never "the DSL", who may be the head.
    inPerson: inPersonContact(input.aboutHeadteacher === true),
    roleFactTitle: waiting ? 'For' : 'Sent to',
    notArrived: input.arrival === 'notArrived' && input.deliveredTo === undefined && !waiting,
    arrivedLate: input.arrival === 'arrivedLate' && input.deliveredTo !== undefined,
    roleLabel: DESTINATION_ROLE_LABELS[role],
    kindAssumed: input.kindAssumed === true,
    kindAssumedText: waiting
      ? 'No kind was chosen, so it is for the DSL, as a concern about a child\'s safety.'
      : 'No kind was chosen, so it went to the DSL as a concern about a child\'s safety.',
    missingIntro: waiting
      ? 'It was recorded at once because someone is in immediate danger. When you can, add what it is missing:'
      : 'It went at once because someone is in immediate danger. When you can, add what it went without:',
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
    addedText: `Added to ${input.reference}: ${added.map((f) => CONCERN_FIELD_LABELS[f]).join(', ')}. Thank you.`
      + (input.movedToChair ? ' What you added names the headteacher, so the report now goes to the chair of governors instead, and the headteacher can no longer see it.' : ''),
  });
}
