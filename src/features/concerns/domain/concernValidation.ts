import { CONCERN_KINDS, ConcernDraft, ConcernKind } from './concernTypes';

/** The text fields of the concern form, as named by the card's inputs. */
export const CONCERN_TEXT_FIELDS = ['whatHappened', 'whenHappened', 'where', 'link', 'peopleInvolved', 'evidence', 'attachedMessage'] as const;

/** One text field of the form. */
export type ConcernTextField = (typeof CONCERN_TEXT_FIELDS)[number];

/** Generous, enforced limits in characters (the card also sets them as maxLength). */
export const CONCERN_FIELD_LIMITS: Readonly<Record<ConcernTextField, number>> = {
  whatHappened: 8000,
  whenHappened: 300,
  where: 1000,
  link: 2000,
  peopleInvolved: 2000,
  evidence: 4000,
  attachedMessage: 8000,
};

/** How the form names each field in problems. */
export const CONCERN_FIELD_LABELS: Readonly<Record<ConcernTextField | 'kind', string>> = {
  kind: 'What kind of concern',
  whatHappened: 'What happened',
  whenHappened: 'When it happened',
  where: 'Where (platform or place)',
  link: 'Link',
  peopleInvolved: 'Who is involved',
  evidence: 'Evidence',
  attachedMessage: 'The message you are reporting',
};

/**
 * The fields each kind needs beyond "what happened" and "when". A child's safety asks no more, so that it can
 * be reported in seconds (the DSL follows up); an allegation or a colleague's conduct must say who it is about.
 */
const REQUIRED_BY_KIND: Readonly<Record<ConcernKind, readonly ConcernTextField[]>> = {
  childSafety: [],
  onlineAbuse: ['where'],
  colleagueConduct: ['where', 'peopleInvolved'],
  allegation: ['peopleInvolved'],
  other: [],
};

/** Over this many times the limit, kept text is cut so the returned card stays under the Teams size limit. */
const PRESERVE_FACTOR = 2;

/** Everything the person typed, normalised; this is what a returned form shows again. */
export interface ConcernFormValues {
  kind: string;
  whatHappened: string;
  whenHappened: string;
  where: string;
  link: string;
  peopleInvolved: string;
  evidence: string;
  attachedMessage: string;
  immediateDanger: boolean;
  aboutHeadteacher: boolean;
}

/** A field that is missing or wrong, named as the form names it. */
export interface ConcernFieldProblem {
  field: ConcernTextField | 'kind';
  message: string;
}

/** The outcome of validating a submitted form. */
export type ConcernFormResult =
  | { ok: true; values: ConcernFormValues; draft: ConcernDraft }
  | { ok: false; values: ConcernFormValues; problems: ConcernFieldProblem[] };

/** An empty form, optionally pre-filled (the message action attaches the message text). */
export function emptyConcernForm(prefill: Partial<ConcernFormValues> = {}): ConcernFormValues {
  return {
    kind: '', whatHappened: '', whenHappened: '', where: '', link: '', peopleInvolved: '', evidence: '',
    attachedMessage: '', immediateDanger: false, aboutHeadteacher: false, ...prefill,
  };
}

/** Reads card input values (strings, toggles as "true"/"false") into form values, keeping what was typed. */
export function readConcernForm(raw: unknown): ConcernFormValues {
  const data = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const text = (name: string, limit: number): string => {
    const v = data[name];
    const s = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
    return s.length > limit * PRESERVE_FACTOR ? s.slice(0, limit * PRESERVE_FACTOR) : s;
  };
  const flag = (name: string): boolean => data[name] === true || data[name] === 'true';
  const values = emptyConcernForm({ kind: text('kind', 40), immediateDanger: flag('immediateDanger'), aboutHeadteacher: flag('aboutHeadteacher') });
  for (const f of CONCERN_TEXT_FIELDS) values[f] = text(f, CONCERN_FIELD_LIMITS[f]);
  return values;
}

/** Validates a submitted form: every missing or too-long field is named, and the values are kept. */
export function validateConcernForm(raw: unknown): ConcernFormResult {
  const values = readConcernForm(raw);
  const problems: ConcernFieldProblem[] = [];
  const kind = (CONCERN_KINDS as readonly string[]).includes(values.kind) ? (values.kind as ConcernKind) : undefined;
  if (!kind) problems.push({ field: 'kind', message: `${CONCERN_FIELD_LABELS.kind}: choose one` });

  const required: ConcernTextField[] = ['whatHappened', 'whenHappened', ...(kind ? REQUIRED_BY_KIND[kind] : [])];
  for (const f of CONCERN_TEXT_FIELDS) {
    const v = values[f].trim();
    if (required.includes(f) && v.length === 0) {
      problems.push({ field: f, message: `${CONCERN_FIELD_LABELS[f]}: please fill this in${f === 'peopleInvolved' ? ' (write "not known" if you do not know)' : ''}` });
    } else if (values[f].length > CONCERN_FIELD_LIMITS[f]) {
      problems.push({
        field: f,
        message: `${CONCERN_FIELD_LABELS[f]}: ${values[f].length} characters, the limit is ${CONCERN_FIELD_LIMITS[f]}`,
      });
    }
  }
  if (values.link.trim() && !/^https?:\/\/\S+$/i.test(values.link.trim())) {
    problems.push({ field: 'link', message: `${CONCERN_FIELD_LABELS.link}: paste a web address starting with http:// or https://` });
  }
  if (problems.length > 0 || !kind) return { ok: false, values, problems };

  const optional = (s: string): string | undefined => (s.trim() ? s.trim() : undefined);
  return {
    ok: true,
    values,
    draft: {
      kind,
      immediateDanger: values.immediateDanger,
      aboutHeadteacher: values.aboutHeadteacher,
      details: {
        whatHappened: values.whatHappened.trim(),
        whenHappened: values.whenHappened.trim(),
        where: values.where.trim(),
        link: optional(values.link),
        peopleInvolved: values.peopleInvolved.trim(),
        evidence: optional(values.evidence),
        attachedMessage: optional(values.attachedMessage),
      },
    },
  };
}
