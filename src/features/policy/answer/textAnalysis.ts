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
who's how's where's when's why's what'll it'd it'll i'll we'll you'll they'll we've you've they've we'd you'd they'd
she's he's here's ain't y'all u ur im ive id dont cant wont isnt doesnt didnt wouldnt shouldnt couldnt aint
wanna gonna gotta kinda sorta lol omg tbh btw idk imo pls plz cos coz tho though basically literally honestly
totally definitely probably maybe perhaps anyway anyways stuff right around across along away back rather instead
wonder wondering wondered curious
`.trim().split(/\s+/));

/**
 * Words that frame a question rather than name its topic: everyday verbs of asking, telling and doing; vague
 * nouns for people and situations ("who do I ask", "is that a problem", "does X count"); generic adjectives
 * ("new", "separate"); and the policy itself ("does this policy cover ...": every passage is part of it).
 * The index gives them no weight (see policyIndex): a policy that never uses one is not thereby failing to
 * answer the question, as it is when the question names a topic the policy never mentions ("pension").
 */
const FRAMING_WORDS = new Set(`
ask asks asked asking tell tells telling told let lets letting put puts putting give gives gave given giving
go goes went gone come comes came coming make makes made making take takes took taken taking see sees saw seen
seeing look looks looked looking find finds found finding keep keeps kept keeping want wants wish hope try tries
tried trying help helps helped helping feel feels felt seem seems start starts started starting stop stops
stopped turn turns turned call calls called care cares cared check checks checked checking decide decides
decided deciding mention mentions mentioned count counts counted matter matters mattered bother bothered send
sends sent sending stay stays stayed write writes wrote written writing read reads reading happen face faces
faced facing live lives living lived spend spends spending spent use uses used using
thing stuff problem problems issue issues situation situations question questions way ways kind kinds sort sorts
type types part parts point bit case cases rule rules idea ideas example
someone somebody anyone anybody everyone everybody nobody people folk folks guy guys one ones
well also again already yet soon never always sometimes anymore whole due based
new old different separate other same local
policy policies procedure document
`.trim().split(/\s+/));

/** Whether a token (or its stem) only frames a question; see FRAMING_WORDS. Numbers (ages, years) count too. */
export function isFramingWord(token: string): boolean {
  return FRAMING_WORDS.has(token) || FRAMING_STEMS.has(token) || /^\d+$/.test(token);
}

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

const FRAMING_STEMS = new Set([...FRAMING_WORDS].map(stemToken));
