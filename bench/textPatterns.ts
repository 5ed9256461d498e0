/**
 * Issue 69, item 1: every function that reads what a person typed (a question, a draft, a report's text) costs its
 * length once, however the text is made. Each is run on texts of the longest length the bot accepts (3,000 characters,
 * a draft's limit; questions are cut at 500) made to be hard for it (capitalised hyphenated words, one character over and
 * over, digits and colons, "at The The The...", brackets and quotes, words of a hundred letters, emoji), against the
 * same length of ordinary prose in the same run. A function whose hardest input costs many times its prose is a finding.
 * `--length 28000` runs them at the longest message Teams sends (a question's disclosure reading takes all of it).
 * Abbreviations the tagger never ends a sentence at ("St. St. St."), alone and with words that make the disclosure
 * signals read names, were an outside review's finding (12,000 characters froze the bot for 46 s).
 * Linear-time regular expressions are checked by tests/security/regexAudit.test.ts; this measures the functions whole,
 * loops and libraries included. Prints one JSON object: per function, the prose's median ms and each input's, and the
 * worst ratio.
 *
 *   npm run bench:patterns [-- --rounds 5]
 */
import { draftWindows } from '../src/features/policy/disclosure/disclosureDetector';
import { readDisclosureSignals } from '../src/features/policy/disclosure/disclosureSignals';
import { classesIn, draftSentences, namesIn, whereAndWhenIn } from '../src/features/policy/drafts/draftEvidence';
import { wordRoles } from '../src/features/policy/answer/questionAnalysis';
import { modelTokens } from '../src/features/policy/answer/modelText';
import { readConcernCue } from '../src/features/policy/reportOffer/concernCue';
import { redactNames } from '../src/features/policy/teaching/redactNames';
import { namesOrPlacesSomeone } from '../src/features/policy/teaching/keeping';

const lengthAt = process.argv.indexOf('--length');
const LENGTH = lengthAt >= 0 ? Number(process.argv[lengthAt + 1]) : 3000;
const fill = (unit: string): string => unit.repeat(Math.ceil(LENGTH / unit.length)).slice(0, LENGTH);

const INPUTS: Record<string, string> = {
  prose: fill('What a week it has been in Year 5, with the museum trip, the class assembly and the reading challenge all done. '),
  hyphenatedNames: fill('Ab-Cd-Ef '),
  oneLongName: `${'Ab-'.repeat(LENGTH / 3 - 1)}Ab`,
  capitalisedWords: fill('Amelia Okoro Fielding '),
  oneCharacter: 'a'.repeat(LENGTH),
  spaces: `a${' '.repeat(LENGTH - 2)}b`,
  digitsAndColons: fill('12:30 4B Y9 10R 8.15am '),
  atTheThe: fill('at The The The '),
  bracketsAndQuotes: fill('(["\'«»“”‘’ '),
  longWords: fill(`${'x'.repeat(100)} `),
  emoji: fill('😀🎉🙌 '),
  sentenceEnds: fill('. ! ? … '),
  toldShowedHome: fill('she told me he hit her at home today '),
  webAddresses: fill('[Ab](https://www.https://x.example/(Ab)www.'),
  abbreviations: fill('St. '),
  mixedAbbreviations: fill('Dr. St. Mr. No. i.e. '),
  abbreviationsWithHarm: fill('St. St. St. St. unwell Finn bruises told me '),
};

const FUNCTIONS: Record<string, (text: string) => unknown> = {
  namesIn, classesIn, whereAndWhenIn, draftSentences, draftWindows, readDisclosureSignals, readConcernCue, redactNames, namesOrPlacesSomeone, wordRoles, modelTokens,
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function time(fn: (text: string) => unknown, text: string, rounds: number): number {
  fn(text); // warm
  const runs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    fn(text);
    runs.push(performance.now() - t0);
  }
  return median(runs);
}

function main(): void {
  const i = process.argv.indexOf('--rounds');
  const rounds = i >= 0 ? Number(process.argv[i + 1]) : 5;
  const out: Record<string, unknown> = {};
  let worstRatio = 0;
  let worstAt = '';
  for (const [name, fn] of Object.entries(FUNCTIONS)) {
    const prose = time(fn, INPUTS.prose, rounds);
    const each: Record<string, number> = {};
    for (const [input, text] of Object.entries(INPUTS)) each[input] = Number(time(fn, text, rounds).toFixed(2));
    const hardest = Object.entries(each).reduce((a, b) => (b[1] > a[1] ? b : a));
    const ratio = hardest[1] / Math.max(prose, 0.05);
    if (ratio > worstRatio) { worstRatio = ratio; worstAt = `${name} on ${hardest[0]}`; }
    out[name] = { proseMs: Number(prose.toFixed(2)), hardest: hardest[0], hardestMs: hardest[1], ratio: Number(ratio.toFixed(1)), ms: each };
  }
  console.log(JSON.stringify({ characters: LENGTH, rounds, worst: { ratio: Number(worstRatio.toFixed(1)), at: worstAt }, functions: out }, null, 2));
}

main();
