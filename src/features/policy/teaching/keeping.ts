import { DisclosureDetector, DisclosureReading } from '../disclosure/disclosureDetector';
import { hasPhrase, readDisclosureSignals, saysSomethingHappened, tokensOf } from '../disclosure/disclosureSignals';
import { readNames } from './redactNames';
import { readWordLists } from '../wordLists/readWordLists';
import keepingWords from '../wordLists/keepingWords.json';

const { words, phrases } = readWordLists(keepingWords, 'wordLists/keepingWords.json', { words: ['happenedMore'], phrases: ['happenedMorePhrases'] });
const MORE_WORDS = words.happenedMore;
const MORE_PHRASES = phrases.happenedMorePhrases;

/** The more words and phrases of wordLists/keepingWords.json: something happened to someone, in words a list of harms names. */
function saysMoreHappened(text: string): boolean {
  const tokens = tokensOf(text);
  return tokens.some((t) => MORE_WORDS.has(t)) || MORE_PHRASES.some((p) => hasPhrase(tokens, p));
}

/**
 * Whether a question may be kept for the policy owners (issue 69). A question that says something happened to someone
 * (their health, a hospital, care or fostering, the police, an absence or running away, an injury, a death) is never
 * kept, whoever it names and however: names that are also words or typed in lower case ("amber", "joy"), "the boy in my
 * tutor group" and "the kids at number 14" defeat any list of who counts as a particular child, and what happened is
 * what must not reach an owner (the disclosure signals' "happened" and the further words of wordLists/keepingWords.json).
 * It is answered as usual, without "Was this helpful?", and only its day is counted.
 * Of the team's own ordinary questions about 1 in 60 says such a thing ("do I get paid if I'm off sick?"): the owners
 * lose those to teach from, which is the price of never reading about a child's crisis.
 */
export function mayKeepQuestion(text: string): boolean {
  return !saysSomethingHappened(text) && !saysMoreHappened(text);
}

/**
 * Whether the question names or places someone: a class or year code, an address or other identifier, "one of my
 * pupils", or a name in any form the redaction finds (the signals of disclosureSignals.ts and redactNames.ts).
 */
export function namesOrPlacesSomeone(text: string): boolean {
  const s = readDisclosureSignals(text);
  if (s.identified || s.specific) return true;
  const names = readNames(text);
  return names.inContext.length > 0 || names.spans.length > 0;
}

/**
 * Whether a question, as the disclosure detector read it, may be kept for the policy owners: not held back, saying
 * nothing happened to anyone (mayKeepQuestion), and not naming or placing someone while its disclosure logit reaches
 * the head's lower bar for such questions (`nearHoldBack`; design PH, research/DECISIONS.md 2026-11-28). Where a
 * particular person is in a question, a reading just under the hold-back bar is enough to keep it from the owners: on
 * questions written apart from the code this halved the child-tied questions kept (8 of 320 on four sets, from 16),
 * for about one ordinary question in nine more that the owners do not see (136 of 320 not kept, from 99).
 */
export function mayKeepReading(text: string, reading: DisclosureReading): boolean {
  return !reading.holdBack && mayKeepQuestion(text) && !namedNearTheBar(text, reading);
}

/** Whether the question names or places someone and its reading reaches the lower bar for such questions (design PH). */
export function namedNearTheBar(text: string, reading: DisclosureReading): boolean {
  return reading.nearHoldBack === true && namesOrPlacesSomeone(text);
}

/**
 * The detector as the owners' views read kept questions again: a question that may not be kept (kept by an earlier
 * release) reads as held back, so it is deleted, never shown, like one that may be about a child.
 */
export function keepingReader(detector: DisclosureDetector): DisclosureDetector {
  const kept = (text: string, reading: DisclosureReading): DisclosureReading =>
    (mayKeepReading(text, reading) || reading.holdBack ? reading : { ...reading, holdBack: true });
  return {
    read: async (text) => kept(text, await detector.read(text)),
    readAll: async (texts) => (await detector.readAll(texts)).map((reading, i) => kept(texts[i], reading)),
    ...(detector.readDraft ? { readDraft: detector.readDraft.bind(detector) } : {}),
  };
}
