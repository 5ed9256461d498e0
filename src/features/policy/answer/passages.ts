import { FRONT_PAGE_TITLE, PolicyDocument, PolicySection } from '../policyDocument';

/** The smallest quotable piece of a policy: a sentence, or a bullet with the line that introduces it. */
export interface Passage {
  id: number;
  doc: PolicyDocument;
  section: PolicySection;
  /** Position of the passage within its section, for quoting neighbours in reading order. */
  position: number;
  text: string;
  /**
   * The lead-in a bullet completes ("Individuals should not upload any content ... that:"), or the sentence
   * a sentence refers back to ("In these cases ..."); indexed and quoted with the passage.
   */
  leadIn: string | null;
}

/** A section ranked for a question, with the passages that matched it. */
export interface SectionMatch {
  doc: PolicyDocument;
  section: PolicySection;
  score: number;
  /**
   * Share (0..1) of the question's weight covered by the ideas of the best passage (its text, lead-in and
   * section title): each idea weighs its importance (see QuestionIdea), unknown topics included; an idea the
   * passage matches only through a WordNet alternative counts in part (see coverageCredit).
   */
  coverage: number;
  passages: { passage: Passage; score: number; concepts: Set<string> }[];
}

/** Front-page facts (review dates, owners, version) are searchable, cited as the document's front page. */
export function frontPageSection(doc: PolicyDocument): PolicySection {
  return { ordinal: 0, number: null, title: FRONT_PAGE_TITLE, level: 1, parent: null, text: doc.frontPage.join('\n\n') };
}

/** Openings of a sentence that only makes sense with the sentence before it. */
const REFERS_BACK = /^(this|these|those|such|they|it|in (these|this|such) cases?|as such|therefore|however)\b/i;

/** Whether a sentence opens by referring back to the one before it ("In these cases ...", "They should ..."). */
export function refersBack(sentence: string): boolean {
  return REFERS_BACK.test(sentence);
}

/** Lead-ins of bullets of at most this many words (a heading written as a lead-in has up to 8) are not passages. */
const SHORT_LEAD_IN_WORDS = 8;

const BULLET_RE = /^(\s*)- (.*)$/;

const ABBREVIATIONS = /\b(e\.g|i\.e|etc|ie|eg|mr|mrs|ms|dr|no|vs|cf)\.$/i;

/** Splits a section's text into quotable passages: sentences of paragraphs, and bullets with their lead-in. */
export function splitPassages(text: string): { text: string; leadIn: string | null }[] {
  const out: { text: string; leadIn: string | null }[] = [];
  let leadIn: string | null = null;
  const parents: string[] = [];
  const lines = joinBrokenParagraphs(text.split('\n'));
  lines.forEach((rawLine, lineIndex) => {
    if (rawLine.trim() === '') return;
    const bullet = BULLET_RE.exec(rawLine);
    if (bullet) {
      const depth = bullet[1].length / 2;
      parents.length = depth;
      const context = [leadIn, ...parents].filter((x): x is string => !!x).join(' ');
      out.push({ text: bullet[2], leadIn: context || null });
      parents[depth] = bullet[2];
      return;
    }
    parents.length = 0;
    const sentences = splitSentences(rawLine.trim());
    // A line ending in a colon introduces the bullets that follow it; so does one ending in ":-" or a semicolon
    // ("... you must not;"), shapes Word documents keep, so a "must not" item is never quoted as if it were allowed.
    const introduces = /[:;\-]$/.test(rawLine.trim());
    // A short lead-in of bullets ("Individuals should:", "Staff must not:", a heading written as one) says nothing
    // until a bullet completes it: it is read with each bullet, never quoted alone.
    const short = sentences.length === 1 && sentences[0].split(/\s+/).length <= SHORT_LEAD_IN_WORDS;
    if (introduces && short && BULLET_RE.test(lines[lineIndex + 1] ?? '')) { leadIn = sentences[0]; return; }
    // A sentence that refers back ("In these cases ...", "Such contact ...") is read with the one before it.
    sentences.forEach((s, i) => out.push({ text: s, leadIn: i > 0 && refersBack(s) ? sentences[i - 1] : null }));
    leadIn = introduces ? sentences[sentences.length - 1] ?? null : null;
  });
  return out;
}

/**
 * Rejoins a paragraph that a page or line break split in the source ("... In addition" / "there are some
 * cases ..."): a line that ends without punctuation, followed by one that starts in lower case.
 */
function joinBrokenParagraphs(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    const prev = out[out.length - 1];
    const isBullet = /^\s*- /.test(line);
    if (prev !== undefined && !isBullet && !/^\s*- /.test(prev) && !/[.!?:;,)"'\u2019\u201d*]\s*$/.test(prev) && /^[a-z]/.test(line.trim())) {
      out[out.length - 1] = `${prev.trimEnd()} ${line.trim()}`;
    } else out.push(line);
  }
  return out;
}

/**
 * A long quotation that ends without a full stop and is followed by the policy's own next sentence
 * ('... both in and outside school" These principles apply ...'): the sentence ends at the closing quote. A short
 * quoted name ('the "Prevent" Duty') is not a sentence.
 */
const QUOTATION_END = /(["\u201c])[^"\u201c\u201d]{40,}?[a-z0-9)]["\u201d](?=\s+[A-Z][a-z])/g;

/** Splits a paragraph into sentences without breaking at "e.g." or "i.e.". */
export function splitSentences(paragraph: string): string[] {
  const pieces: string[] = [];
  let from = 0;
  for (const m of paragraph.matchAll(QUOTATION_END)) {
    const end = (m.index ?? 0) + m[0].length;
    pieces.push(paragraph.slice(from, end));
    from = end;
  }
  pieces.push(paragraph.slice(from));
  return pieces.flatMap((p) => splitPlainSentences(p.trim()));
}

function splitPlainSentences(paragraph: string): string[] {
  const parts: string[] = [];
  let start = 0;
  const re = /[.!?]["')]*\s+(?=["'(]?[A-Z0-9])/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(paragraph)) !== null) {
    const candidate = paragraph.slice(start, m.index + 1);
    if (ABBREVIATIONS.test(candidate)) continue;
    parts.push(paragraph.slice(start, m.index + m[0].trimEnd().length).trim());
    start = m.index + m[0].length;
  }
  const rest = paragraph.slice(start).trim();
  if (rest) parts.push(rest);
  return parts;
}
