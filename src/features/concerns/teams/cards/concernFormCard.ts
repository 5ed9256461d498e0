import { CONCERN_KINDS, CONCERN_KIND_LABELS, ConcernKind } from '../../domain/concernTypes';
import {
  CONCERN_FIELD_LABELS, CONCERN_FIELD_LIMITS, ConcernFieldProblem, ConcernFormValues,
  ConcernFormField, concernFormFields, emptyConcernForm, isConcernKind, keptConcernText, KINDS_ABOUT_A_PERSON, newFormId, readConcernForm, URGENT_DEFAULT_KIND,
} from '../../domain/concernValidation';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import kindTemplate from './templates/concernKind.json';
import formTemplate from './templates/concernForm.json';

/** What the concern form shows. */
export interface ConcernFormCardInput {
  /** What the person typed so far (kept when the form comes back with problems or the kind is changed). */
  values?: ConcernFormValues;
  /** What is missing or wrong, named. */
  problems?: ConcernFieldProblem[];
  /** True in a task module (message action), where the form submits with Action.Submit. */
  inTaskModule?: boolean;
  /** Where the form was opened from, carried to the submit. */
  source?: 'chat' | 'messageAction';
  /** Show the first step (what kind) even when a kind is already chosen: the person asked to change it. */
  chooseKind?: boolean;
  /** True when the kind was not chosen but assumed (urgent, no kind): the second step says so. */
  kindAssumed?: boolean;
  /** Why the form came back although nothing in it is wrong (the person's report limit), shown above the fields. */
  notice?: string;
  /**
   * While the route is not configured (issue 44): the warning at the top that reports cannot be sent yet, to tell IT and
   * go to the DSL in person (routeSetupFormWarning). Absent once they can be sent.
   */
  routeWarning?: string;
}

/** How each field is asked for in the second step. */
const FIELD_PROMPTS: Readonly<Record<ConcernFormField, { placeholder: string; multiline: boolean; style: 'text' | 'url' }>> = {
  whatHappened: { placeholder: 'What you saw, heard or were told, in the words used', multiline: true, style: 'text' },
  whenHappened: { placeholder: 'Date and time, as exactly as you can', multiline: false, style: 'text' },
  where: { placeholder: 'For example Instagram, a class chat, the playground', multiline: false, style: 'text' },
  link: { placeholder: 'https://...', multiline: false, style: 'url' },
  peopleInvolved: { placeholder: 'Names or descriptions; write "not known" if you do not know', multiline: true, style: 'text' },
  evidence: { placeholder: 'Screenshots kept (with time, date and address), who else saw it. Do not forward images of children.', multiline: true, style: 'text' },
};

/** What the second step says when "Someone is in immediate danger" was ticked on the first: nothing has been sent. */
export const URGENT_NOT_SENT_YET = 'Not sent yet. Press Send report now: it is sent at once with whatever you have written, and you can add the rest afterwards. If a child is in danger right now, call 999 or go to the DSL in person as well.';

/**
 * Renders the concern form in two steps. Without a kind (or when asked to change it) the first step asks what the
 * concern is about, carrying anything already typed; with a kind the second step shows that kind's fields, each
 * required one marked, and every problem named with the person's text kept.
 */
export function renderConcernFormCard(input: ConcernFormCardInput = {}): AdaptiveCardJson {
  // A form shown for the first time draws its id; every step after carries it (in `kept`).
  const given = input.values ?? emptyConcernForm();
  const values = given.formId ? given : { ...given, formId: newFormId() };
  const problems = input.problems ?? [];
  const common = {
    values,
    immediateDanger: values.immediateDanger ? 'true' : 'false',
    aboutHeadteacher: values.aboutHeadteacher ? 'true' : 'false',
    notAboutHeadteacher: values.notAboutHeadteacher ? 'true' : 'false',
    // The second box shows once the form has asked (the text names the headteacher), and stays once ticked.
    askNotAboutHeadteacher: values.notAboutHeadteacher || problems.some((p) => p.field === 'aboutHeadteacher'),
    problems: problems.map((p) => ({ message: p.message })),
    hasProblems: problems.length > 0,
    notice: input.notice ?? '',
    hasNotice: Boolean(input.notice),
    routeWarning: input.routeWarning ?? '',
    hasRouteWarning: Boolean(input.routeWarning),
    useSubmit: input.inTaskModule === true,
    source: input.source ?? (input.inTaskModule ? 'messageAction' : 'chat'),
  };
  if (input.chooseKind || !isConcernKind(values.kind)) {
    return expandCardTemplate(kindTemplate, {
      ...common,
      kinds: CONCERN_KINDS.map((k) => ({ title: CONCERN_KIND_LABELS[k], value: k })),
      hasAttachedMessage: values.attachedMessage.length > 0,
      kept: keptConcernText(values, []),
    });
  }
  const kind: ConcernKind = values.kind;
  // Ticked on the first step, nothing has gone yet: the second says so, and how to send it at once.
  const urgentNotSent = values.immediateDanger && !input.notice && problems.length === 0 ? URGENT_NOT_SENT_YET : '';
  // The message reported is shown as Teams gave it, not as a box to edit: the colleague's words are not the reporter's
  // to change. It travels with the form's kept text.
  const fields = concernFormFields(kind);
  const shown = [...fields.map((f) => f.field), ...(KINDS_ABOUT_A_PERSON.has(kind) ? ['aboutHeadteacher'] : [])];
  return expandCardTemplate(formTemplate, {
    kept: keptConcernText(values, shown),
    ...common,
    ...(urgentNotSent ? { notice: urgentNotSent, hasNotice: true } : {}),
    kind,
    kindLabel: CONCERN_KIND_LABELS[kind],
    kindAssumed: input.kindAssumed === true,
    askAboutHeadteacher: KINDS_ABOUT_A_PERSON.has(kind),
    attachedMessage: values.attachedMessage,
    showAttachedMessage: values.attachedMessage.length > 0,
    fields: fields.map(({ field, required }) => ({
      id: field,
      label: `${CONCERN_FIELD_LABELS[field]}${required ? ' (required)' : ''}`,
      placeholder: FIELD_PROMPTS[field].placeholder,
      multiline: FIELD_PROMPTS[field].multiline,
      style: FIELD_PROMPTS[field].style,
      maxLength: CONCERN_FIELD_LIMITS[field],
      value: values[field],
    })),
  });
}

/**
 * Reads a "Next" or "Change kind" press (the text carried from the other step comes with it, see readConcernForm).
 * Returns the values and which step to show: the form once a kind is chosen, or at once when it is urgent.
 */
export function readConcernStep(raw: unknown): { values: ConcernFormValues; next: 'form' | 'kind'; kindAssumed: boolean; problems: ConcernFieldProblem[] } {
  const data = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  if (data.changeKind === true || data.changeKind === 'true') {
    return { values: readConcernForm({ ...data, kind: data.keepKind }), next: 'kind', kindAssumed: false, problems: [] };
  }
  const values = readConcernForm(data);
  if (isConcernKind(values.kind)) return { values, next: 'form', kindAssumed: false, problems: [] };
  if (values.immediateDanger) return { values: { ...values, kind: URGENT_DEFAULT_KIND }, next: 'form', kindAssumed: true, problems: [] };
  return { values, next: 'kind', kindAssumed: false, problems: [{ field: 'kind', message: `${CONCERN_FIELD_LABELS.kind}: choose one` }] };
}

/**
 * A submitted report that was not filed (the person is over their report limit): the form they sent, their text kept, with
 * why (and, while the route is not configured, its warning).
 */
export function renderRefusedConcernForm(data: unknown, notice: string, inTaskModule: boolean, routeWarning?: string): AdaptiveCardJson {
  return renderConcernFormCard({ values: readConcernForm(data), notice, inTaskModule, routeWarning });
}
