/** A question someone asked, as kept for the policy owner (never logged to the application log). */
export interface AskedQuestion {
  id: string;
  question: string;
  answered: boolean;
  /** "liverpool-model#7" for the cited section, or null when not covered. */
  citedSection: string | null;
  askedAt: string;
  helpful: boolean | null;
  /**
   * The AI phrasing the answer card showed, with the key of the section it cited ("liverpool-model#7"), so
   * the card can be redrawn as it was; null when the answer was extractive only.
   */
  phrasing: { text: string; section: string } | null;
  /** Whether the reply was one answer (sure) or choices ("not sure", issue 50); true for questions kept before choices. */
  sure: boolean;
  /** What a person pressed on a "not sure" reply, kept sealed like the question and deleted with it; null when nothing was. */
  choice: QuestionChoice | null;
}

/** What a person pressed on a "not sure" reply: one of its sections, or "None of these". */
export interface QuestionChoice {
  /** The chosen section's key ("liverpool-model#7"), or "none" for None of these. */
  section: string;
  at: string;
  /** A chosen section is suggested to the owners in `unanswered` until one accepts it (a teaching link made) or dismisses it. */
  review: 'open' | 'accepted' | 'dismissed';
}

/** The key a "None of these" press is kept as (the same key a teaching link names "not covered" by). */
export const CHOSE_NONE = 'none';

/** The text of a question nobody has sent to the owners: answered, counted, never kept (issue 69). */
export const UNSENT = '';

/** Whether a kept question counts among the failures the owners see: not covered, marked not helpful, or "None of these". */
export function isFailedQuestion(q: Pick<AskedQuestion, 'answered' | 'helpful' | 'choice'>): boolean {
  return !q.answered || q.helpful === false || q.choice?.section === CHOSE_NONE;
}

/** Port: where questions and "Was this helpful?" replies are kept. Asynchronous, so any store can implement it. */
export interface QuestionLog {
  /**
   * Records a question and the outcome; returns its id for the feedback buttons. Its text is '' (UNSENT) until the
   * person who asked sends it to the owners (shareQuestion): a question is answered without being kept (issue 69).
   */
  recordQuestion(entry: Omit<AskedQuestion, 'id' | 'helpful' | 'phrasing' | 'sure' | 'choice'> & { phrasing?: AskedQuestion['phrasing']; sure?: boolean }): Promise<string>;
  /** Looks a question up by id. */
  getQuestion(id: string): Promise<AskedQuestion | null>;
  /** Records whether the answer helped; the latest reply counts. Returns false for an unknown id. */
  recordFeedback(id: string, helpful: boolean, at: string): Promise<boolean>;
  /**
   * Questions the policy failed: not covered, answered but marked unhelpful, or "None of these" pressed. Newest first.
   * Only questions with text: sent by the person who asked, or kept by a release before sending.
   */
  listFailed(limit: number): Promise<AskedQuestion[]>;
  /**
   * Keeps what a person pressed on a "not sure" reply (a section's key, or CHOSE_NONE), sealed like the question. The
   * first press is kept: a second one, or one on an old card, changes nothing. Returns the choice kept, or null when
   * there is no such question (deleted, or never kept).
   */
  recordChoice(id: string, section: string, at: string): Promise<QuestionChoice | null>;
  /** Questions where a person chose a section the owners have neither accepted nor dismissed yet: suggestions. Newest first. Only questions with text, as listFailed. */
  listSuggested(limit: number): Promise<AskedQuestion[]>;
  /**
   * The text the person who asked chose to send to the policy owners, put on their question (recorded UNSENT), sealed
   * like any question. The first send is kept: false when the question is gone, already has text, or `question` is ''.
   */
  shareQuestion(id: string, question: string, at: string): Promise<boolean>;
  /**
   * Settles a suggestion, accepted (the owner made its teaching link) or dismissed; the question stays as it was kept.
   * False when the question has no open suggestion (settled already, "None of these", or gone): one press settles it.
   */
  settleSuggestion(id: string, review: 'accepted' | 'dismissed'): Promise<boolean>;
  /**
   * Notes that a question read as a disclosure about a child (`offered`: "Report a concern" came first) or may be about
   * a particular child (`heldBack`: the answer carried the report line). Only the day of `askedAt` is kept: never the
   * text, never who asked, and it never appears among the failures.
   */
  recordDisclosureLike(askedAt: string, reading?: DisclosureLikeReading): Promise<void>;
  /**
   * Deletes a question kept before it read as possibly about a child (by an earlier release or an earlier model), with
   * its "Was this helpful?" replies, leaving only its day as a held-back count. False when there is no such question.
   */
  forgetQuestion(id: string): Promise<boolean>;
  /**
   * Notes that a draft post was checked (issue 53) and which concerns it raised, by the day of `at` only: never the
   * draft, never who checked it.
   */
  recordDraftCheck(at: string, concerns: readonly string[]): Promise<void>;
  /**
   * Deletes every question asked before `cutoff` (an ISO time) with its "Was this helpful?" replies, after adding
   * them to the day counts that are kept without text, and appends the deletion to the retention record. Returns how
   * many questions were deleted.
   */
  deleteAskedBefore(cutoff: string, at: string): Promise<number>;
  /** What staff asked since `fromDay` (YYYY-MM-DD), deleted questions included through their day counts: no text. */
  countsSince(fromDay: string): Promise<QuestionCounts>;
}

/** How a question that is not kept read: a disclosure (offered Report a concern first), or possibly about a child (held back). */
export type DisclosureLikeReading = 'offered' | 'heldBack';

/** Counts of questions, kept when their text is deleted: the owners' view of how the policy is doing. */
export interface QuestionCounts {
  asked: number;
  /** Not covered by the policy. */
  declined: number;
  /** Answered, then marked "not helpful" (the latest reply). */
  unhelpful: number;
  /** Read as a disclosure about a child and offered "Report a concern" (never kept as text). */
  disclosureLike: number;
  /** Held back from the owners as possibly about a particular child: answered with the report line, never kept as text. */
  heldBack: number;
  /** Draft posts checked (never kept), and how often each concern came up in them. */
  draftsChecked: number;
  draftConcerns: Readonly<Record<string, number>>;
}

/** Adds two sets of counts. */
export function addCounts(a: QuestionCounts, b: QuestionCounts): QuestionCounts {
  const draftConcerns: Record<string, number> = { ...a.draftConcerns };
  for (const [k, n] of Object.entries(b.draftConcerns)) draftConcerns[k] = (draftConcerns[k] ?? 0) + n;
  return {
    asked: a.asked + b.asked, declined: a.declined + b.declined, unhelpful: a.unhelpful + b.unhelpful,
    disclosureLike: a.disclosureLike + b.disclosureLike, heldBack: a.heldBack + b.heldBack,
    draftsChecked: a.draftsChecked + b.draftsChecked, draftConcerns,
  };
}

/** No questions. */
export const NO_QUESTIONS: QuestionCounts = Object.freeze({ asked: 0, declined: 0, unhelpful: 0, disclosureLike: 0, heldBack: 0, draftsChecked: 0, draftConcerns: Object.freeze({}) });

/** The counts of draft checks: how many, and each concern's tally. */
export function draftCounts(checks: readonly (readonly string[])[]): Pick<QuestionCounts, 'draftsChecked' | 'draftConcerns'> {
  const draftConcerns: Record<string, number> = {};
  for (const concerns of checks) for (const c of concerns) draftConcerns[c] = (draftConcerns[c] ?? 0) + 1;
  return { draftsChecked: checks.length, draftConcerns };
}

/** What one question adds to the counts. */
export function countOf(q: Pick<AskedQuestion, 'answered' | 'helpful'>): QuestionCounts {
  return { ...NO_QUESTIONS, asked: 1, declined: q.answered ? 0 : 1, unhelpful: q.answered && q.helpful === false ? 1 : 0 };
}

/** In-memory question log, for tests and the CLI; `disclosureLikeDays` shows what was noted of disclosure-like questions. */
export function createInMemoryQuestionLog(): QuestionLog & { disclosureLikeDays: { day: string; reading: DisclosureLikeReading }[] } {
  const rows = new Map<string, AskedQuestion>();
  const disclosureLikeDays: { day: string; reading: DisclosureLikeReading }[] = [];
  const draftChecks: { day: string; concerns: string[] }[] = [];
  const days = new Map<string, QuestionCounts>();
  let next = 1;
  return {
    async recordQuestion(entry) {
      const id = `q${next++}`;
      rows.set(id, { ...entry, phrasing: entry.phrasing ?? null, sure: entry.sure ?? true, choice: null, id, helpful: null });
      return id;
    },
    getQuestion: async (id) => rows.get(id) ?? null,
    async recordFeedback(id, helpful) {
      const row = rows.get(id);
      if (!row) return false;
      // The latest reply counts; the row is replaced, never edited in place, so earlier reads keep what they saw.
      rows.set(id, { ...row, helpful });
      return true;
    },
    listFailed: async (limit) => [...rows.values()].filter((r) => r.question !== UNSENT && isFailedQuestion(r)).reverse().slice(0, limit),
    async recordChoice(id, section, at) {
      const row = rows.get(id);
      if (!row) return null;
      if (!row.choice) rows.set(id, { ...row, choice: { section, at, review: 'open' } });
      return rows.get(id)!.choice;
    },
    async shareQuestion(id, question) {
      const row = rows.get(id);
      if (!row || row.question !== UNSENT || question === UNSENT) return false;
      rows.set(id, { ...row, question });
      return true;
    },
    listSuggested: async (limit) => [...rows.values()].filter((r) => r.question !== UNSENT && r.choice && r.choice.section !== CHOSE_NONE && r.choice.review === 'open').reverse().slice(0, limit),
    async settleSuggestion(id, review) {
      const row = rows.get(id);
      if (!row?.choice || row.choice.section === CHOSE_NONE || row.choice.review !== 'open') return false;
      rows.set(id, { ...row, choice: { ...row.choice, review } });
      return true;
    },
    async recordDisclosureLike(askedAt, reading = 'offered') {
      disclosureLikeDays.push({ day: askedAt.slice(0, 10), reading });
    },
    async recordDraftCheck(at, concerns) {
      draftChecks.push({ day: at.slice(0, 10), concerns: [...concerns] });
    },
    async forgetQuestion(id) {
      const row = rows.get(id);
      if (!row) return false;
      rows.delete(id);
      disclosureLikeDays.push({ day: row.askedAt.slice(0, 10), reading: 'heldBack' });
      return true;
    },
    async deleteAskedBefore(cutoff) {
      const old = [...rows.values()].filter((r) => r.askedAt < cutoff);
      for (const r of old) {
        const day = r.askedAt.slice(0, 10);
        days.set(day, addCounts(days.get(day) ?? NO_QUESTIONS, countOf(r)));
        rows.delete(r.id);
      }
      return old.length;
    },
    async countsSince(fromDay) {
      let total = [...days].filter(([day]) => day >= fromDay).reduce((sum, [, c]) => addCounts(sum, c), NO_QUESTIONS);
      for (const r of rows.values()) if (r.askedAt.slice(0, 10) >= fromDay) total = addCounts(total, countOf(r));
      const since = disclosureLikeDays.filter((d) => d.day >= fromDay);
      return {
        ...total,
        disclosureLike: total.disclosureLike + since.filter((d) => d.reading === 'offered').length,
        heldBack: total.heldBack + since.filter((d) => d.reading === 'heldBack').length,
        ...draftCounts(draftChecks.filter((d) => d.day >= fromDay).map((d) => d.concerns)),
      };
    },
    disclosureLikeDays,
  };
}
