import stem from 'wink-porter2-stemmer';

/**
 * Words that carry no meaning for matching a question to a policy: function words, question framing
 * ("can I", "am I allowed") and conversational filler staff type on phones.
 */
const STOPWORDS = new Set(`
a about above after again against all also am an and any are aren't as at be because been before being below
between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each few
for from further had hadn't has hasn't have haven't having he her here hers herself him himself his how i i'd i'm
i've if in into is isn't it it's its itself let's me more most my myself no nor not of off on once only or other
ought our ours ourselves out over own same she should shouldn't so some such than that that's the their theirs them
themselves then there there's these they they're this those through to too under until up very was wasn't we we're
were weren't what what's when where which while who whom why with won't would wouldn't you you're your yours
yourself yourselves ok okay allowed allow alright fine really actually just like get got go going want wanted wanna
gonna need needs please thanks thank hi hello hey someone anyone something anything thing things still ever even
much many lot lots bit quite pretty whether else etc e.g i.e eg ie may might must shall will say says said tell
know think mean happen happens happened yes yeah guess sure okay-ish
`.trim().split(/\s+/));

/** Lower-cases and splits text into word tokens, keeping internal apostrophes and hyphens. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().replace(/[\u2018\u2019]/g, "'").match(/[a-z0-9]+(?:['-][a-z0-9]+)*/g) ?? [];
}

/** Whether a token is a stopword. */
export function isStopword(token: string): boolean {
  return STOPWORDS.has(token);
}

const stemCache = new Map<string, string>();

/** Porter2 stem of a token, with possessive and hyphen forms folded ("pupils'" -> "pupil", "e-mail" -> "email"). */
export function stemToken(token: string): string {
  const cached = stemCache.get(token);
  if (cached !== undefined) return cached;
  const folded = token.replace(/'s$|'$/, '').replace(/-/g, '');
  const result = stem(folded);
  stemCache.set(token, result);
  return result;
}

/** Tokens minus stopwords, stemmed: the terms both the index and questions use. */
export function analyze(text: string): string[] {
  return tokenize(text).filter((t) => !isStopword(t)).map(stemToken).filter((t) => t.length > 1 || /\d/.test(t));
}
