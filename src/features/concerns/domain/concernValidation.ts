import { randomBytes } from 'node:crypto';
import { CONCERN_HOW_SOON, CONCERN_KINDS, ConcernDraft, ConcernHowSoon, ConcernKind } from './concernTypes';
import { namedInPlain, plainLetters } from './headteacherNames';

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

/** The fields the second step of the form asks for each kind, in order (the attached message is added when there is one). */
/** A field the form asks for: every text field but the reported message, which it shows as text. */
export type ConcernFormField = Exclude<ConcernTextField, 'attachedMessage'>;

const FIELDS_BY_KIND: Readonly<Record<ConcernKind, readonly ConcernFormField[]>> = {
  childSafety: ['whatHappened', 'whenHappened', 'where', 'peopleInvolved', 'link', 'evidence'],
  onlineAbuse: ['whatHappened', 'whenHappened', 'where', 'link', 'peopleInvolved', 'evidence'],
  colleagueConduct: ['whatHappened', 'whenHappened', 'where', 'peopleInvolved', 'link', 'evidence'],
  allegation: ['whatHappened', 'whenHappened', 'peopleInvolved', 'where', 'evidence'],
  other: ['whatHappened', 'whenHappened', 'where', 'link', 'peopleInvolved', 'evidence'],
};

/** Kinds where the report may be about the headteacher (it then goes to the chair of governors). */
export const KINDS_ABOUT_A_PERSON: ReadonlySet<ConcernKind> = new Set(['allegation', 'colleagueConduct']);

/** Where an urgent report's field was cut to its limit: the team is told there was more. */
export const CUT_NOTE = ' [cut here: the reporter wrote more than this field holds; ask them for the rest]';

/**
 * The headteacher by role, as staff write it: "headteacher", "the head", "our new head" (not "his head", a part of the
 * body; not "the head of year", "the head boy", "the deputy head", who are others).
 */
const NAMES_THE_HEAD = /\b(?:head ?teachers?|head ?masters?|head ?mistress(?:es)?|principal|executive head|head of school|(?:the|our|their|your) (?:(?:acting|new|interim|current|old|former) )?head\b(?!-| (?:of|boys?|girls?|prefects?|injury|injuries|lice|wound|first)\b))/i;

/**
 * What a child's safety or "something else" report says when it names the headteacher and the headteacher is on the
 * safeguarding team (in many schools the head is the DSL): such a report would reach them.
 */
export const HEADTEACHER_ON_TEAM_CHECK = 'This mentions the headteacher, who is on the safeguarding team and would see it. If it is about something the headteacher did, press Change kind, choose "An allegation that an adult has harmed or may harm a child" and tick "This is about the headteacher": it then goes to the chair of governors and never to them. If it is not about them, tick "It is not about the headteacher". Nothing has been sent yet.';

/**
 * The headteacher as staff abbreviate or capitalise them: "HT", "H.T.", "H/T", "the ht", "Head grabbed a pupil" (not
 * "Head of Year", "Head Boy").
 */
const HEAD_AS_WRITTEN = /\b(?:HT|Head)\b(?!-| (?:of|[Bb]oys?|[Gg]irls?|[Pp]refects?|injury|injuries|lice|wound|first)\b)|\bH(?:\.T\b\.?|\/T\b)|\b(?:[Tt]he|[Oo]ur|[Tt]heir|[Yy]our) [Hh](?:[Tt]|\.[Tt]|\/[Tt])\b/;

/** What the form says when the text names the headteacher and neither box is ticked. */
export const HEADTEACHER_CHECK = 'This mentions the headteacher. If it is about them, tick "This is about the headteacher" so it goes to the chair of governors and never to them; if it is not, tick "It is not about the headteacher". Nothing has been sent yet.';

/** The kind a report goes as when it is urgent and no kind was chosen: a child's safety, to the DSL. */
export const URGENT_DEFAULT_KIND: ConcernKind = 'childSafety';

/** True when the value is one of the kinds. */
export function isConcernKind(value: unknown): value is ConcernKind {
  return typeof value === 'string' && (CONCERN_KINDS as readonly string[]).includes(value);
}

/** The fields a report of this kind must have: what happened, when, and what the kind adds. */
export function requiredConcernFields(kind: ConcernKind): readonly ConcernTextField[] {
  return ['whatHappened', 'whenHappened', ...REQUIRED_BY_KIND[kind]];
}

/**
 * The fields the form shows for a kind, each marked required or not. A message reported from its ... menu is never one
 * of them: the form shows it as text and carries it as Teams gave it.
 */
export function concernFormFields(kind: ConcernKind): { field: ConcernFormField; required: boolean }[] {
  const required = requiredConcernFields(kind);
  return FIELDS_BY_KIND[kind].map((field) => ({ field, required: required.includes(field) }));
}

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
  /** The bot's seal on the attached message as Teams gave it (reportedMessageSeal.ts); empty when there is none. */
  attachedSeal: string;
  /**
   * The form's own id, drawn when it is first shown and carried through its steps: the same form sent twice with the
   * same words (Send pressed twice, or again after a slow answer) is one report. Empty on a form from before it.
   */
  formId: string;
  immediateDanger: boolean;
  aboutHeadteacher: boolean;
  /** Ticked on the form sent back when the text names the headteacher: the reporter says it is not about them. */
  notAboutHeadteacher: boolean;
  /** "today" or "routine" when chosen (how soon it needs looking at, if no one is in immediate danger); else empty. */
  howSoon: string;
}

/** True when the value is one of the "how soon" answers. */
export function isHowSoon(value: unknown): value is ConcernHowSoon {
  return typeof value === 'string' && (CONCERN_HOW_SOON as readonly string[]).includes(value);
}

/** A field that is missing or wrong, named as the form names it. */
export interface ConcernFieldProblem {
  field: ConcernTextField | 'kind' | 'aboutHeadteacher';
  message: string;
}

/** What the form is checked against beyond itself. */
export interface ConcernFormContext {
  /** The headteacher's name(s) as the staff directory holds them: a report naming them is asked about as "the headteacher" is. */
  headteacherNames?: readonly string[];
  /** The headteacher is on the safeguarding team: a child's safety or other report naming them is asked about too. */
  headteacherOnTeam?: boolean;
}

/** The outcome of validating a submitted form. */
export type ConcernFormResult =
  | { ok: true; values: ConcernFormValues; draft: ConcernDraft }
  | { ok: false; values: ConcernFormValues; problems: ConcernFieldProblem[] };

/** An empty form, optionally pre-filled (the message action attaches the message text). */
export function emptyConcernForm(prefill: Partial<ConcernFormValues> = {}): ConcernFormValues {
  return {
    kind: '', whatHappened: '', whenHappened: '', where: '', link: '', peopleInvolved: '', evidence: '',
    attachedMessage: '', attachedSeal: '', formId: '', immediateDanger: false, aboutHeadteacher: false, notAboutHeadteacher: false, howSoon: '', ...prefill,
  };
}

/** Reads card input values (strings, toggles as "true"/"false") into form values, keeping what was typed. */
export function readConcernForm(raw: unknown): ConcernFormValues {
  const data = withKeptText(raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {});
  const text = (name: string, limit: number): string => {
    const v = data[name];
    const s = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
    return s.length > limit * PRESERVE_FACTOR ? s.slice(0, limit * PRESERVE_FACTOR) : s;
  };
  const flag = (name: string): boolean => data[name] === true || data[name] === 'true';
  const howSoon = text('howSoon', 20);
  const values = emptyConcernForm({
    kind: text('kind', 40), immediateDanger: flag('immediateDanger'), aboutHeadteacher: flag('aboutHeadteacher'),
    notAboutHeadteacher: flag('notAboutHeadteacher'), howSoon: isHowSoon(howSoon) ? howSoon : '',
  });
  for (const f of CONCERN_TEXT_FIELDS) values[f] = text(f, CONCERN_FIELD_LIMITS[f]);
  values.attachedSeal = text('attachedSeal', 64);
  const formId = text('formId', 40);
  values.formId = FORM_ID.test(formId) ? formId : '';
  return values;
}

/** A form's id as the card draws it (newFormId): 32 hex digits. */
const FORM_ID = /^[0-9a-f]{32}$/;

/** A new form's id. */
export function newFormId(): string {
  return randomBytes(16).toString('hex');
}

/** Longest `kept` string read (the attached message is the largest field, at twice its limit). */
const MAX_KEPT_CHARS = 200_000;

/**
 * The two steps of the form carry text typed in the other step (or fields the second step does not show for the
 * chosen kind, such as a message action's link) as one JSON string, `kept`; inputs on the card win over it.
 */
function withKeptText(data: Record<string, unknown>): Record<string, unknown> {
  if (typeof data.kept !== 'string' || data.kept.length > MAX_KEPT_CHARS) return data;
  try {
    const kept: unknown = JSON.parse(data.kept);
    if (!kept || typeof kept !== 'object' || Array.isArray(kept)) return data;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(kept as Record<string, unknown>)) {
      if ((CONCERN_TEXT_FIELDS as readonly string[]).includes(k) || k === 'aboutHeadteacher' || k === 'howSoon' || k === 'attachedSeal' || k === 'formId') out[k] = v;
    }
    return { ...out, ...data };
  } catch {
    return data;
  }
}

/** The text a step carries to the other: every text field not shown on it, and the headteacher flag. */
export function keptConcernText(values: ConcernFormValues, shown: readonly string[]): string {
  const kept: Record<string, unknown> = {};
  for (const f of CONCERN_TEXT_FIELDS) if (values[f] && !shown.includes(f)) kept[f] = values[f];
  if (!shown.includes('aboutHeadteacher')) kept.aboutHeadteacher = values.aboutHeadteacher;
  if (!shown.includes('howSoon') && values.howSoon) kept.howSoon = values.howSoon;
  // The reported message's seal travels with it (reportedMessageSeal.ts), and the form's id with every step.
  if (values.attachedMessage && values.attachedSeal) kept.attachedSeal = values.attachedSeal;
  if (values.formId) kept.formId = values.formId;
  return JSON.stringify(kept);
}

const isWebAddress = (s: string) => /^https?:\/\/\S+$/i.test(s);

/**
 * Validates a submitted form: every missing or too-long field is named, and the values are kept. A report marked
 * immediate danger is never refused: it goes at once with what is there (as a child's safety concern when no kind
 * was chosen, text over a limit cut to it, a link that is not a web address kept as text with the evidence), and
 * the draft names what is missing so the reporter can be asked for it afterwards.
 */
export function validateConcernForm(raw: unknown, context: ConcernFormContext = {}): ConcernFormResult {
  const values = readConcernForm(raw);
  const urgent = values.immediateDanger;
  const problems: ConcernFieldProblem[] = [];
  const chosen = isConcernKind(values.kind) ? values.kind : undefined;
  if (!chosen && !urgent) problems.push({ field: 'kind', message: `${CONCERN_FIELD_LABELS.kind}: choose one` });
  const kind = chosen ?? URGENT_DEFAULT_KIND;

  const required = requiredConcernFields(kind);
  const missing: ConcernTextField[] = [];
  for (const f of CONCERN_TEXT_FIELDS) {
    const v = values[f].trim();
    if (required.includes(f) && v.length === 0) {
      missing.push(f);
      if (!urgent) problems.push({ field: f, message: `${CONCERN_FIELD_LABELS[f]}: please fill this in${f === 'peopleInvolved' ? ' (write "not known" if you do not know)' : ''}` });
    } else if (values[f].length > CONCERN_FIELD_LIMITS[f] && !urgent) {
      problems.push({
        field: f,
        message: `${CONCERN_FIELD_LABELS[f]}: ${values[f].length} characters, the limit is ${CONCERN_FIELD_LIMITS[f]}`,
      });
    }
  }
  // An allegation or a colleague's conduct that names the headteacher, without "This is about the headteacher" ticked,
  // would go to the headteacher: asked before it is sent; an urgent one (never held back) goes to the chair of governors.
  // Every field the reporter wrote or attached is read for the headteacher, by role or by name (headteacherNames.ts):
  // surely ("the head", "Mrs Robbins", "Lynne Robbins"), or maybe (a surname or first name alone, capitalised).
  const about = [values.peopleInvolved, values.whatHappened, values.where, values.evidence, values.attachedMessage].map((t) => t.slice(0, 20_000)).join('\n');
  const personKind = KINDS_ABOUT_A_PERSON.has(kind);
  // "This is about the headteacher" answers the question only on a form that has the box: carried from an earlier step
  // (Change kind) or forged onto a child's safety report, it answers nothing, and is read as the reporter's word below.
  const ticked = personKind && values.aboutHeadteacher;
  const unanswered = !ticked && !values.notAboutHeadteacher;
  // Read again with the near forms ("Mrs Robins", "Mrs H") only to ask: an urgent report is never held back, and is not
  // sent past the headteacher on so little.
  const named = unanswered && namesHeadteacher(about, context, { near: !urgent });
  // An allegation or a colleague's conduct naming the headteacher is asked about; urgent, it is never held back and goes
  // to the chair of governors: an allegation about the head must never reach them, and the chair passes on one that
  // was about someone else.
  const namesTheHead = personKind && named;
  if (namesTheHead && !urgent) problems.push({ field: 'aboutHeadteacher', message: HEADTEACHER_CHECK });
  // Any other report goes to the safeguarding team: asked about when the headteacher is on it and the report names them,
  // or the reporter ticked "about the headteacher" before changing its kind.
  const carried = !personKind && values.aboutHeadteacher && !values.notAboutHeadteacher;
  if (!personKind && context.headteacherOnTeam && (named || carried) && !urgent) {
    problems.push({ field: 'aboutHeadteacher', message: HEADTEACHER_ON_TEAM_CHECK });
  }
  const link = values.link.trim();
  if (link && !isWebAddress(link) && !urgent) {
    problems.push({ field: 'link', message: `${CONCERN_FIELD_LABELS.link}: paste a web address starting with http:// or https://` });
  }
  if (problems.length > 0) return { ok: false, values, problems };

  // An urgent report is never refused for its length: a field over its limit is cut at a word and says so, so the
  // safeguarding team knows there was more (a paste cut mid-word read as the whole report).
  const cut = (f: ConcernTextField, s: string) => {
    const text = s.trim();
    const limit = CONCERN_FIELD_LIMITS[f];
    if (text.length <= limit) return text;
    const room = limit - CUT_NOTE.length;
    const space = text.lastIndexOf(' ', room);
    return `${text.slice(0, space > room - 200 ? space : room).trimEnd()}${CUT_NOTE}`;
  };
  const optional = (f: ConcernTextField, s: string): string | undefined => (s.trim() ? cut(f, s) : undefined);
  const linkIsText = link.length > 0 && !isWebAddress(link);
  const evidence = [values.evidence.trim(), linkIsText ? `Link as given: ${link}` : ''].filter(Boolean).join('\n');
  return {
    ok: true,
    values,
    draft: {
      kind,
      immediateDanger: urgent,
      // An allegation or a colleague's conduct ticked or naming the headteacher is about them. A child's safety goes to
      // the safeguarding team whatever flag an earlier step or a forged card carried, except an urgent one the reporter
      // said was about the headteacher while the headteacher is on that team: then to the chair (the deputy DSL if the
      // chair cannot be reached), never to the head.
      aboutHeadteacher: personKind ? ticked || namesTheHead : urgent && carried && context.headteacherOnTeam === true,
      ...(!urgent && isHowSoon(values.howSoon) ? { howSoon: values.howSoon } : {}),
      ...(missing.length > 0 ? { missing } : {}),
      details: {
        whatHappened: cut('whatHappened', values.whatHappened),
        whenHappened: cut('whenHappened', values.whenHappened),
        where: cut('where', values.where),
        link: linkIsText ? undefined : optional('link', values.link),
        peopleInvolved: cut('peopleInvolved', values.peopleInvolved),
        evidence: optional('evidence', evidence),
        attachedMessage: optional('attachedMessage', values.attachedMessage),
      },
    },
  };
}

/**
 * Whether text a reporter wrote names the headteacher, by role ("the head", "HT") or by the name the staff list holds,
 * surely or maybe (headteacherNames.ts); with `near`, also a name one letter off or an initial after a title, which is
 * only ever asked about (never moves a report unasked). The caller caps the text (20,000 characters a field); every
 * pattern is linear.
 */
export function namesHeadteacher(about: string, context: ConcernFormContext, options: { near?: boolean } = {}): boolean {
  const plain = plainLetters(about);
  // Read plainly once, for the role words and every name alike.
  return NAMES_THE_HEAD.test(plain) || HEAD_AS_WRITTEN.test(plain) || namedInPlain(plain, context.headteacherNames ?? [], options);
}

/**
 * A report the person's report budget never holds back: an urgent one, or a child's safety that needs looking at today
 * (a teacher writing up several children after one lesson must not be told to come back in ten minutes). Both still
 * take one of the person's reports when there is one left.
 */
export function reportCannotWait(raw: unknown): boolean {
  const values = readConcernForm(raw);
  return values.immediateDanger || (values.kind === 'childSafety' && values.howSoon === 'today');
}

/** What a reporter added afterwards to an urgent report sent with fields missing: only those fields, within limits. */
export function readConcernAdditions(raw: unknown, missing: readonly ConcernTextField[]): { ok: true; added: Partial<Record<ConcernTextField, string>> } | { ok: false; message: string } {
  const values = readConcernForm(raw);
  const added: Partial<Record<ConcernTextField, string>> = {};
  for (const f of missing) {
    const v = values[f].trim();
    if (v.length > CONCERN_FIELD_LIMITS[f]) return { ok: false, message: `${CONCERN_FIELD_LABELS[f]}: ${v.length} characters, the limit is ${CONCERN_FIELD_LIMITS[f]}` };
    if (v) added[f] = v;
  }
  if (Object.keys(added).length === 0) return { ok: false, message: 'Nothing was added: fill in at least one of the fields.' };
  return { ok: true, added };
}
