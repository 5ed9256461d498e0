/**
 * Questions that ask for a time ("how soon do I have to tell the DSL?", "how long do we keep screenshots?",
 * "how often is it reviewed?") and policy text that states one. A policy often has the rule a question is about
 * but not the time it asks for; the answer then says so before quoting the nearest rule, rather than letting a
 * rule with no time in it read as the answer to "how soon".
 */

/** "how long", "how soon", "how quickly", "how fast", "how often", "how many days/weeks/...", "by when". */
const ASKS_FOR_TIME = /\bhow\s+(?:long|soon|quickly|quick|fast|often|frequently|many\s+(?:days|weeks|months|years|hours|minutes|terms))\b|\bby\s+when\b/i;

const NUMBER = String.raw`(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|twenty|thirty|forty-eight|seventy-two|a|an|a\s+few|several)`;
const UNIT = String.raw`(?:seconds?|minutes?|hours?|hrs?|days?|working\s+days?|school\s+days?|weeks?|months?|years?|terms?|academic\s+years?)`;

/**
 * A period, a moment or a frequency: "within 24 hours", "two working days", "immediately", "as soon as possible",
 * "without delay", "the same day", "annually", "each working day", "at the end of each half term", "regularly",
 * "until they leave", "once no longer needed", "at the earliest opportunity", "straight away", a month and year.
 * A word that reads as a time in another sense ("a year 6 class") only keeps the note away: it never adds one.
 */
const STATES_TIME = new RegExp([
  String.raw`\b${NUMBER}\s+${UNIT}\b`,
  String.raw`\b\d+\s*(?:hrs?|h|am|pm)\b`,
  String.raw`\b(?:immediately|promptly|annually|annual|termly|biannually|biennially|yearly|monthly|weekly|daily|fortnightly|quarterly)\b`,
  String.raw`\bas\s+soon\s+as\b`,
  String.raw`\bwithout\s+(?:undue\s+)?delay\b`,
  String.raw`\bstraight\s+away\b`,
  String.raw`\bat\s+once\b`,
  String.raw`\b(?:the\s+)?same\s+(?:day|working\s+day|school\s+day)\b`,
  String.raw`\b(?:every|each|per|a|once\s+a)\s+(?:working\s+|school\s+)?(?:day|week|fortnight|month|term|half[\s-]term|year|academic\s+year|school\s+year)\b`,
  String.raw`\bhalf[\s-]terms?\b`,
  String.raw`\b(?:regularly|periodically|routinely|whenever|until)\b`,
  String.raw`\bfrom\s+time\s+to\s+time\b`,
  String.raw`\bno\s+longer\s+(?:needed|required|necessary)\b`,
  String.raw`\bat\s+the\s+(?:end|start|beginning)\s+of\b`,
  String.raw`\bon\s+(?:their\s+|its\s+)?return\b`,
  String.raw`\b(?:by|before)\s+the\s+end\s+of\b`,
  String.raw`\bearliest\s+(?:possible\s+)?opportunity\b`,
  String.raw`\bin\s+a\s+timely\s+(?:manner|way|fashion)\b`,
  String.raw`\b(?:deadline|time\s*limit|timescales?|time\s*frames?)\b`,
  String.raw`\b(?:january|february|march|april|may|june|july|august|september|october|november|december)\s+\d{4}\b`,
].join('|'), 'i');

/** What kind of time a question asks for, in the words the answer uses: "how long", "how soon", "how often"; null for none. */
export function askedTime(question: string): 'how long' | 'how soon' | 'how often' | null {
  const m = ASKS_FOR_TIME.exec(question);
  if (!m) return null;
  const asked = m[0].toLowerCase();
  if (/often|frequently/.test(asked)) return 'how often';
  if (/long|many/.test(asked)) return 'how long';
  return 'how soon';
}

/**
 * The line an answer leads with when the question asks for a time and the cited section states none: the section
 * has the rule the question is about, but not the time it asks for.
 */
export function timeNotStatedNote(question: string, sectionText: string): string | null {
  const asked = askedTime(question);
  if (asked === null || statesTime(sectionText)) return null;
  return `The policy doesn't say ${asked} here. The nearest it says is:`;
}

/** Whether text states a period, a moment or a frequency. */
export function statesTime(text: string): boolean {
  return STATES_TIME.test(text);
}
