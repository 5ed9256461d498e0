import { CONCERN_KINDS, CONCERN_KIND_LABELS } from '../../domain/concernTypes';
import { CONCERN_FIELD_LIMITS, ConcernFieldProblem, ConcernFormValues, emptyConcernForm } from '../../domain/concernValidation';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import template from './templates/concernForm.json';

/** What the concern form shows. */
export interface ConcernFormCardInput {
  /** What the person typed so far (kept when the form comes back with problems). */
  values?: ConcernFormValues;
  /** What is missing or wrong, named. */
  problems?: ConcernFieldProblem[];
  /** True in a task module (message action), where the form submits with Action.Submit. */
  inTaskModule?: boolean;
  /** Where the form was opened from, carried to the submit. */
  source?: 'chat' | 'messageAction';
}

/** Renders the concern form, pre-filled with what the person typed and naming every problem. */
export function renderConcernFormCard(input: ConcernFormCardInput = {}): AdaptiveCardJson {
  const values = input.values ?? emptyConcernForm();
  const problems = input.problems ?? [];
  return expandCardTemplate(template, {
    values,
    immediateDanger: values.immediateDanger ? 'true' : 'false',
    aboutHeadteacher: values.aboutHeadteacher ? 'true' : 'false',
    kinds: CONCERN_KINDS.map((k) => ({ title: CONCERN_KIND_LABELS[k], value: k })),
    problems: problems.map((p) => ({ message: p.message })),
    hasProblems: problems.length > 0,
    hasAttachedMessage: values.attachedMessage.length > 0,
    limits: CONCERN_FIELD_LIMITS,
    useSubmit: input.inTaskModule === true,
    source: input.source ?? (input.inTaskModule ? 'messageAction' : 'chat'),
  });
}
