// What a corpus question line may say, shared by checkCorpus.mjs and checkIncoming.mjs.

/** Who is asking. */
export const VOICES = new Set(['teacher', 'ta', 'supply', 'office', 'site', 'governor', 'slt', 'ect', 'volunteer', 'coach', 'lunchtime', 'senco', 'dsl', 'trainee', 'agency', 'hr']);

/**
 * Kinds of question a policy does not answer: an online matter it leaves out, a detail it does not settle on a topic
 * it covers, or not a social media matter at all.
 */
export const UNCOVERED_TOPICS = ['social-media', 'near-miss', 'other'];

/** The problem with an uncovered line's topic, or null when it is one of UNCOVERED_TOPICS. */
export function topicProblem(topic) {
  const names = UNCOVERED_TOPICS.map((t) => `"${t}"`);
  return UNCOVERED_TOPICS.includes(topic) ? null : `uncovered question needs topic ${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/** Text compared word for word: lower case, straight quotes and hyphens, single spaces. */
export const norm = (s) => s.toLowerCase().replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"').replace(/[\u2013\u2014]/g, '-').replace(/\s+/g, ' ').trim();
