import { splitSentences, type PolicyDocument, type PolicySection } from '../../policy';
import { trimEndMatching } from '../../../shared/linearTrim';

/**
 * The key points a campaign card proposes: the policy's own sentences that tell staff what to do about what most often
 * goes wrong (befriending pupils or parents, posting about pupils or the school, private contact, reporting concerns),
 * rather than its general statements ("must comply with UK law", "use discretion and common sense"). The owner edits,
 * removes, reorders or adds to them in the campaign preview; these are only the proposal and what is offered.
 */

/** What staff most need, each with the words that say a sentence is about it. */
const TOPICS: { name: string; weight: number; test: (s: string) => boolean }[] = [
  {
    name: 'befriending', weight: 7,
    test: (s) => /\b(friend(s|ship)?|friend requests?|follow(ing|ers?)?|connect(ions?)?)\b/i.test(s) && /\b(pupils?|child(ren)?|students?|parents?|carers?|ex-pupils?|former pupils?)\b/i.test(s),
  },
  {
    name: 'posting', weight: 6,
    test: (s) => /\b(post(s|ed|ing)?|upload(ed|ing)?|shar(e|ed|ing)|publish(ed|ing)?|comment(s|ing)?)\b/i.test(s)
      && /\b(photo(graph)?s?|images?|videos?|pupils?|child(ren)?|students?|school|colleagues?|information|names?)\b/i.test(s),
  },
  {
    name: 'reporting', weight: 6,
    test: (s) => /\b(report(ed|ing)?|tell|inform|raise[sd]?|refer(red)?)\b/i.test(s)
      && /\b(concerns?|safeguarding|designated|dsl|headteacher|head teacher|manager|abuse|harassment|bullying|incidents?)\b/i.test(s),
  },
  {
    name: 'private contact', weight: 5,
    test: (s) => /\b(personal (mobile|phone|number|email|e-mail|contact|details|information)|private(ly)? messag|direct messag|mobile numbers?)\b/i.test(s)
      || (/\b(contact|meet|messag\w*|correspond)\b/i.test(s) && /\b(pupils?|child(ren)?|students?)\b/i.test(s)),
  },
  { name: 'privacy', weight: 2, test: (s) => /\b(privacy settings?|security settings?|profiles? private)\b/i.test(s) },
  { name: 'working time', weight: 1, test: (s) => /\b(work(ing)? (time|hours)|lesson time)\b/i.test(s) },
];

/** A rule for staff: said with must / must not / never / should not and the like. */
const RULE_WORDS: [RegExp, number][] = [
  [/\b(must not|must never|never|do not|don't|not permitted|are not allowed|is not allowed|will not|prohibited)\b/i, 3],
  [/\bmust\b/i, 2],
  [/\b(should not|should never)\b/i, 2],
  [/\b(should|always|only|ensure)\b/i, 1],
];
/** General statements, background and what others do: not what a member of staff does tomorrow. */
const GENERAL = /\b(comply with|uk law|the law|legislation|discretion|common sense|be aware|aware that|recognises?|embraces?|encouraged?|benefits|reasonable|note that|scope of|this policy|read alongside|purpose of)\b/i;
const NOT_STAFF = /^(the (school|trust|employer|governing|senior|headteacher|head teacher|manager|local authority|council)|schools?\b|senior manag|checks will|managers?\b|it would|they will|he or she|leadership)/i;
const LIST_MARKER = /^\(?(?:[ivx]{1,4}|[a-z]|\d{1,2})[.)]\s+/i;
const BACKGROUND_START = /^(difficulties|it is|there is|there are|this|these|such|should it be|with regard to)\b/i;
const CONSEQUENCE = /\b(could lead to|disciplinary|dismissal)\b/i;
const MIN_POINT = 30;
/** Longer sentences are read, tightened, and kept only if they come down to this. */
const MAX_READ = 400;
const MAX_POINT = 240;

/**
 * The rule without its preamble, in the policy's own words: "Individuals should be aware of both professional and social
 * boundaries and should not therefore accept ..." reads "Individuals should not accept ...".
 */
export function tighten(text: string): string {
  return text
    .replace(/^(.{0,60}?)\b(should|must) be aware of [^.;]{0,160}? and (should|must) (not |never )?(therefore )?/i, (_m, who: string, _a, modal: string, neg: string | undefined) => `${who}${modal} ${neg ?? ''}`)
    .replace(/\b(should|must) (not |never )?therefore /gi, (_m, modal: string, neg: string | undefined) => `${modal} ${neg ?? ''}`);
}

/** A sentence of the policy with how well it serves as a key point. */
interface Candidate { text: string; score: number; topics: string[]; order: number }

function sentencesOf(sections: readonly PolicySection[]): { text: string; order: number }[] {
  const out: { text: string; order: number }[] = [];
  let order = 0;
  for (const section of sections) {
    for (const para of section.text.split(/\n+/)) {
      for (const raw of splitSentences(para)) {
        order += 1;
        const text = tighten(raw.replace(/^-\s+/, '').replace(LIST_MARKER, '').replace(/\s+/g, ' ').trim());
        if (raw.length <= MAX_READ && text.length >= MIN_POINT && text.length <= MAX_POINT) out.push({ text, order });
      }
    }
  }
  return out;
}

function finishSentence(text: string): string {
  const trimmed = trimEndMatching(text, /[;:,\s-]/);
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** Every sentence worth offering, best first: rules for staff, on the topics above, not general statements. */
function candidates(sections: readonly PolicySection[]): Candidate[] {
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const { text, order } of sentencesOf(sections)) {
    // Placeholders, cross-references and cut sentences make poor points.
    if (/\[[^\][]*\]|\bsee (section|appendix|paragraph)\b|\b(in|under) (section|appendix|paragraph) \d|\.\.\.|…|:-?$/i.test(text)) continue;
    // A bullet that finishes its lead-in ("...advised as follows:-" then "That they familiarise themselves...") is half a
    // sentence alone on a card.
    if (/^that\b/i.test(text)) continue;
    // A lead-in whose bullets follow ("... you must not.") says nothing alone.
    if (/\b(must|should) not[.;:]?$|\b(following|that|to)[.;:]?$/i.test(text)) continue;
    const rule = RULE_WORDS.reduce((sum, [re, w]) => sum + (re.test(text) ? w : 0), 0);
    if (rule === 0) continue;
    const topics = TOPICS.filter((t) => t.test(text));
    let score = rule + topics.reduce((sum, t) => sum + t.weight, 0);
    if (GENERAL.test(text)) score -= topics.length > 0 ? 2 : 5;
    if (NOT_STAFF.test(text)) score -= 6;
    if (BACKGROUND_START.test(text)) score -= 4;
    if (CONSEQUENCE.test(text)) score -= 4;
    if (text.length > 200) score -= 1;
    const finished = finishSentence(text);
    const k = finished.toLowerCase();
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ text: finished, score, topics: topics.map((t) => t.name), order });
  }
  return out.sort((a, b) => b.score - a.score || a.order - b.order);
}

const MODALS = new Set(['should', 'must', 'will']);

/**
 * A bullet read with the lead-in it finishes, as a point: "This means that adults should:" then "- not seek to
 * communicate ..." reads "Adults should not seek to communicate ...". Undefined when `bullet` is not a bullet of
 * `sectionText` under a lead-in that ends "<who> should|must|will:", or the result is not a point's length.
 */
export function bulletWithLeadIn(sectionText: string, bullet: string): string | undefined {
  const lines = sectionText.split('\n');
  const want = bullet.replace(/\s+/g, ' ').trim();
  const at = lines.findIndex((l) => l.startsWith('- ') && l.slice(2).replace(/\s+/g, ' ').trim() === want);
  if (at < 0) return undefined;
  let lead = at - 1;
  while (lead >= 0 && (lines[lead].startsWith('- ') || lines[lead].trim() === '')) lead--;
  if (lead < 0) return undefined;
  // Its last words, as whitespace-separated tokens: "... adults should:" gives ["adults", "should"].
  const words = trimEndMatching(lines[lead], /[:\s-]/).split(/\s+/).slice(-2);
  if (!lines[lead].trimEnd().match(/:-?$/) || words.length < 2 || !MODALS.has(words[1].toLowerCase())) return undefined;
  const text = tighten(`${words[0]} ${words[1].toLowerCase()} ${want}`);
  return text.length >= MIN_POINT && text.length <= MAX_POINT ? finishSentence(text) : undefined;
}

/** The rule sentences of some sections as points, best first (what a changed section offers a later round). */
export function ruleCandidates(sections: readonly PolicySection[]): string[] {
  return candidates(sections).map((c) => c.text);
}

/** What the preview starts from: the proposed points, and the policy's other sentences the owner may add instead. */
export interface KeyPointProposal {
  proposed: string[];
  offered: string[];
}

/**
 * Proposes up to `max` key points: the best sentence on each topic staff most need (befriending, posting, reporting,
 * private contact, ...), then the best of the rest, in the policy's own order; `offered` holds the next best sentences
 * (up to `offer`), for the owner to add.
 */
export function proposeKeyPoints(doc: PolicyDocument, max = 5, offer = 25): KeyPointProposal {
  const all = candidates(doc.sections).filter((c) => c.score > 0);
  const picked: Candidate[] = [];
  for (const topic of TOPICS) {
    if (picked.length >= max) break;
    const best = all.find((c) => c.topics.includes(topic.name) && !picked.includes(c));
    if (best && best.score >= Math.max(topic.weight, 5)) picked.push(best);
  }
  // The rest by score, a topic already covered counting less, so five points are not three ways of saying "report".
  const covered = (c: Candidate) => c.topics.filter((t) => picked.some((p) => p.topics.includes(t))).length;
  const rest = all.filter((c) => !picked.includes(c)).map((c) => ({ c, s: c.score - 4 * covered(c) })).sort((a, b) => b.s - a.s || a.c.order - b.c.order);
  for (const { c, s: score } of rest) {
    if (picked.length >= max) break;
    if (score >= 4) picked.push(c);
  }
  const proposed = picked.sort((a, b) => a.order - b.order).map((c) => c.text);
  const offered = all.filter((c) => !picked.includes(c)).slice(0, offer).map((c) => c.text);
  return { proposed, offered };
}
