import { DisclosureDetector, DisclosureReading } from '../disclosure/disclosureDetector';
import { readDisclosureSignals } from '../disclosure/disclosureSignals';

/**
 * Whether a question may be kept for the policy owners (issue 69). A question that says something happened to someone
 * (their health, a hospital, care or fostering, the police, an absence or running away, an injury, a death) is never
 * kept, whoever it names and however: names that are also words or typed in lower case ("amber", "joy"), "the boy in my
 * tutor group" and "the kids at number 14" defeat any list of who counts as a particular child, and what happened is
 * what must not reach an owner. It is answered as usual, without "Was this helpful?", and only its day is counted.
 * Of the team's own ordinary questions about 1 in 80 says such a thing ("do I get paid if I'm off sick?"): the owners
 * lose those to teach from, which is the price of never reading about a child's crisis.
 */
export function mayKeepQuestion(text: string): boolean {
  return !readDisclosureSignals(text).happened;
}

/**
 * The detector as the owners' views read kept questions again: a question that may not be kept (kept by an earlier
 * release) reads as held back, so it is deleted, never shown, like one that may be about a child.
 */
export function keepingReader(detector: DisclosureDetector): DisclosureDetector {
  const kept = (text: string, reading: DisclosureReading): DisclosureReading =>
    (reading.holdBack || mayKeepQuestion(text) ? reading : { ...reading, holdBack: true });
  return {
    read: async (text) => kept(text, await detector.read(text)),
    readAll: async (texts) => (await detector.readAll(texts)).map((reading, i) => kept(texts[i], reading)),
    ...(detector.readDraft ? { readDraft: detector.readDraft.bind(detector) } : {}),
  };
}
