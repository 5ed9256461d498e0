import nlp from 'compromise';
import { TAGGER_WINDOW, textWindows } from '../../../shared/textWindows';
import { readWordLists } from '../wordLists/readWordLists';
import concernWords from '../wordLists/concernCue.json';

/**
 * Whether a question staff ask is about something that happened to them, or about what a colleague did: then Report a
 * concern of that kind is offered beside the answer (issue 52). "A year 9 kid posted something nasty about me on
 * tiktok" is online abuse of the person asking; "my colleague posted something really inappropriate" is a colleague's
 * conduct. Both are policy questions too, so the answer is given as always; the offer is a button beside it.
 *
 * It reads who did what to whom, not sentences a test asked: an event (a verb in the past tense, or one going on: "has
 * been posting", "keeps messaging") whose doer is someone other than the person asking; then either the person asking
 * is on the receiving end (me, my, myself after the verb) and the act publishes or harms ("posted", "filmed", "nasty",
 * "threatening", "fake"), or the doer is a colleague (a member of staff by role) and the act publishes, harms, or
 * reaches a child ("messaged a pupil"). A question put in general ("what if a parent posts...", "can I report a
 * colleague who...") has no such event. This is not the disclosure detector (disclosure/): a child at risk is read
 * there, first, and its offer comes before any answer.
 */
export type ConcernCueKind = 'onlineAbuse' | 'colleagueConduct';

const words = (s: string): ReadonlySet<string> => new Set(s.split(' '));

/** The vocabulary, each list written once in base forms in the data file (wordLists/ says how). */
const { words: lists } = readWordLists(concernWords, 'wordLists/concernCue.json', {
  words: ['colleagues', 'staffAfter', 'publishes', 'harms', 'contacts', 'children', 'supposing', 'ongoing', 'ownPeople', 'reporting'],
});

/** The person asking: an event they did is not something that happened to them. */
const ASKER = words('i we i\'ve i\'d');
/** Members of staff, by role: a colleague's conduct is reported as such. */
const COLLEAGUES = lists.colleagues;
/** Two-word roles: "member of staff" reads as its last word, so the role is known from the word before. */
const STAFF_AFTER = lists.staffAfter;
/** Acts that put something about a person where others see it. */
const PUBLISHES = lists.publishes;
/** What makes an act harmful or out of place, whoever it is done to. */
const HARMS = lists.harms;
/** Reaching a child directly: a colleague messaging or befriending a pupil is conduct to report. */
const CONTACTS = lists.contacts;
const CHILDREN = lists.children;
/** A clause put as a supposition or a general question: nothing has happened. */
const SUPPOSING = lists.supposing;
/** Verbs that carry an ongoing event into the next word ("has been posting", "keeps sending"). */
const ONGOING = lists.ongoing;
const TO_ME = words('me my myself mine');
/** The asker's own people: a friend tagging them is not abuse unless the act harms. */
const OWN_PEOPLE = lists.ownPeople;
/** Verbs that report what someone said: the event is in what follows, read as its own clause. */
const REPORTING = lists.reporting;

interface Term { word: string; tags: ReadonlySet<string> }

/** The tagger's sentences, read window by window as redactNames reads them (its cost grows faster than the length). */
function sentencesOf(text: string): Term[][] {
  return textWindows(text, TAGGER_WINDOW).flatMap(([start, end]) => (nlp(text.slice(start, end)).json() as { terms: { normal?: string; text: string; tags: string[] }[] }[]))
    .map((s) => s.terms
      .map((t) => ({ word: (t.normal ?? t.text).toLowerCase().replace(/[^a-z0-9'-]/g, ''), tags: new Set(t.tags) }))
      .filter((t) => t.word !== ''));
}

/** The doer of the verb at `at`: the nearest noun or pronoun before it, past adverbs and helping verbs. */
function doerBefore(terms: readonly Term[], at: number): number {
  for (let i = at - 1; i >= 0 && i >= at - 5; i -= 1) {
    const t = terms[i];
    if (t.tags.has('Adverb') || ONGOING.has(t.word) || t.tags.has('Auxiliary') || t.tags.has('Negative')) continue;
    return t.tags.has('Noun') || t.tags.has('Pronoun') || t.tags.has('Value') ? i : -1;
  }
  return -1;
}

const isEvent = (terms: readonly Term[], i: number): boolean => terms[i].tags.has('PastTense')
  || (terms[i].tags.has('Gerund') && i > 0 && ONGOING.has(terms[i - 1].word));

/** Reads a question for a concern that happened: the kind of report to offer beside the answer, or undefined. */
export function readConcernCue(text: string): ConcernCueKind | undefined {
  let found: ConcernCueKind | undefined;
  for (const terms of sentencesOf(text)) {
    const harms = terms.some((t) => HARMS.has(t.word));
    for (let i = 1; i < terms.length; i += 1) {
      if (!isEvent(terms, i) || REPORTING.has(terms[i].word)) continue;
      const doer = doerBefore(terms, i);
      if (doer < 0 || ASKER.has(terms[doer].word)) continue;
      if (terms.slice(0, doer).some((t) => SUPPOSING.has(t.word))) continue;
      const after = terms.slice(i + 1);
      const publishes = PUBLISHES.has(terms[i].word);
      // "my partner", "my friends", or "mates" alone: the asker's own people, not someone abusing them.
      const ownPerson = (OWN_PEOPLE.has(terms[doer].word) && doer > 0 && terms[doer - 1].word === 'my') || /^mates?$/.test(terms[doer].word);
      if (after.some((t) => TO_ME.has(t.word)) && ((publishes && !ownPerson) || harms)) return 'onlineAbuse';
      const colleague = COLLEAGUES.has(terms[doer].word) || (STAFF_AFTER.has(terms[doer].word) && doer > 0 && /^(of|teaching|line|senior|middle|support|staff|member)$/.test(terms[doer - 1].word));
      const reachesChild = CONTACTS.has(terms[i].word) && after.some((t) => CHILDREN.has(t.word));
      if (colleague && (publishes || harms || reachesChild)) found = found ?? 'colleagueConduct';
    }
  }
  return found;
}
