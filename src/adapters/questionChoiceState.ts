import { CHOSE_NONE, QuestionChoice } from '../features/policy/teaching/questionLog';

/**
 * How every question-log store keeps a choice pressed on a "not sure" reply (issue 50), the same on SQLite and Azure
 * Tables so the copy between them moves it as it is: the section's key sealed (field `chosenSection`), when, and a
 * state in the clear that the owners' lists filter on: 'none' (None of these: a failure, as "not covered" is),
 * 'suggested' (a section, shown to the owners), then 'accepted' or 'dismissed' once an owner settles it.
 */
export type ChoiceState = 'none' | 'suggested' | 'accepted' | 'dismissed';

const REVIEW_OF: Record<ChoiceState, QuestionChoice['review']> = { none: 'open', suggested: 'open', accepted: 'accepted', dismissed: 'dismissed' };

/** The stored state of a new choice. */
export function choiceStateFor(section: string): ChoiceState {
  return section === CHOSE_NONE ? 'none' : 'suggested';
}

/** The choice as the domain reads it, from its stored state and its opened section; null when nothing was pressed. */
export function choiceFrom(state: unknown, section: string | null, at: unknown): QuestionChoice | null {
  if (typeof state !== 'string' || !Object.hasOwn(REVIEW_OF, state) || section === null || typeof at !== 'string') return null;
  return { section, at, review: REVIEW_OF[state as ChoiceState] };
}
