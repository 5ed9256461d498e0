import nlp from 'compromise';

/**
 * Whether a message typed to the bot as a question reads as a disclosure about a child: what a child told or showed a
 * member of staff, or what they saw on a child, that the DSL must know today. Such a message gets the "Report a
 * concern" offer before any policy answer, and its text is never kept (issue 40, hole 5).
 *
 * It reads kinds of words, not sentences a test asked: a person (a child, a class, a name, "her dad"), a concern (an
 * injury on a body, or harm: violence to someone, sexual harm, self-harm, neglect, grooming, exploitation), and
 * something that happened (told me, showed me, noticed, today); or, since harm is told in more words than any list
 * holds, a child's account of someone doing something to them ("she said her stepfather watches her"). A question
 * about what to do in general ("what if a pupil tells me...", "can I post photos of my class") has no event in it
 * and is left to the policy. Measured on research/eval/disclosure-set.jsonl and on every answer-quality set (research/eval/README.md).
 */
export interface DisclosureSignals {
  /** A child, or a person named or described by their family ("her dad"), or "she told me". */
  child: boolean;
  /** A particular child: named, a class or year ("in 3C", "Year 6"), "one of my pupils", "a boy in my class". */
  specific: boolean;
  /** An injury on a body: bruises, burns, marks, cuts, welts. */
  injury: boolean;
  /** Harm: violence to someone, sexual harm, self-harm, neglect, grooming, exploitation, threats, secrecy. */
  harm: boolean;
  /** A disclosure or an observation: told me, showed me, said, disclosed, noticed, found. */
  told: boolean;
  /** When it happened: today, last night, at break. */
  event: boolean;
  /** A child's account of someone doing something to them: "her stepfather watches her", "daddy pushed her". */
  acts: boolean;
  /** Asked in general ("what if a pupil tells me...") with nothing in it that happened. */
  hypothetical: boolean;
  disclosureLike: boolean;
}

const words = (s: string): ReadonlySet<string> => new Set(s.split(' '));

const CHILD_NOUNS = words('pupil pupils student students child children kid kids kiddo boy boys girl girls lad lads lass son daughter tutee tutees mentee toddler teen teenager teenagers youngster youngsters reception nursery eyfs ks1 ks2 ks3 ks4 sixth');
const CHILDLIKE = words('mummy daddy mommy');
const GROUP_NOUNS = words('class form group set tutee tutees pupils kids children students boys girls lot lads');
const RELATIONS = words('mum mummy mom mother dad daddy father stepdad stepmum step parent parents uncle aunt auntie brother sister cousin grandad grandpa grandma nan nana carer foster boyfriend girlfriend stepbrother stepsister family');
const THIRD_PERSON = words('his her their');
const PRONOUN_SUBJECTS = words('he she they');
const YEAR_WORDS = words('year yr yrs years');
const CLASS_PRECEDERS = words('in from of class form set');
const ORDINAL_ENDINGS = words('st nd rd th am pm k');

const STRONG_INJURIES = words('bruise bruises bruised bruising handprint handprints welt welts scar scars scarred injury injuries injured swollen swelling bleeding fracture fractured flinch flinched flinches flinching');
const BODY_INJURIES = words('mark marks cut cuts burn burns burnt burned scratch scratches scratched graze grazes grazed sore sores');
const BODY_PARTS = words('arm arms wrist wrists leg legs back neck face cheek cheeks hand hands finger fingers thigh thighs body head eye eyes lip lips bum bottom chest stomach tummy shoulder shoulders knee knees ear ears skin forearm forearms hip hips ankle ankles throat foot feet toes soles');
const INJURY_MODIFIERS = words('cigarette fresh bite finger red round strange nasty belt shaped');

const VIOLENCE = words('kill kills killed killing hit hits hitting punch punches punched punching kick kicks kicked kicking slap slaps slapped slapping smack smacks smacked smacking beat beats beating strangle strangles strangled strangling choke chokes choked choking grab grabs grabbed grabbing shake shakes shook shaking bite bites bit whip whips whipped throttle throttled push pushes pushed shove shoved hurt hurts hurting burnt burned squeeze squeezes squeezed touch touches touched touching lock locks locked starve starves starved threaten threatens threatened attack attacks attacked assault assaults assaulted abuse abuses abused abusing rape rapes raped molest molested');
const VICTIMS = words('him them himself herself themselves mum mummy other others');
/** After "her", "his", "their": a person or a body ("punches his mum", "hits her with"), not a thing ("burnt his cake"). */
const AFTER_POSSESSIVE_VICTIM = words('with if when and at in on every because for so again up out badly until or but to about');
const PASSIVE = words('being been was were got gets get getting is');
const DONE_TO = words('hit beaten punched kicked slapped smacked hurt abused groomed touched assaulted raped strangled attacked threatened blackmailed exploited neglected starved burnt burned forced molested locked');
const HARM_WORDS = words('abuse abused abuser neglect neglected grooming groomed sexting sexted sext nude nudes naked sexual sexually sex rape raped molested suicide suicidal fgm exploitation exploited blackmail blackmailed blackmailing porn pornography paedophile pedophile stab stabbed selfharm inappropriately hungry starving filthy unsafe');
/**
 * Harm said in more than one word, by the kinds safeguarding training names (Keeping Children Safe in Education):
 * `|` separates the words a place may hold.
 */
const HARM_PHRASES: readonly string[][] = [
  // Physical and emotional abuse
  'throws|threw|throwing things|stuff at', 'calls|called|calling him|her|them worthless|stupid|names', 'shouts|screams|yells at him|her|them',
  "doesn't|does|don't|not feel safe", 'not safe at home', 'scared|afraid|frightened to go home', "doesn't|don't|not want to go home",
  // Sexual abuse and online sexual harm
  'private parts|area|bits', 'clothes off', 'under his|her|their clothes', 'intimate pictures|photos|images|videos|pics', 'in his|her|their underwear',
  'in the bath', 'money for pictures|photos|pics|videos|nudes', 'asking|asked|asks him|her|them for photos|pictures|pics|nudes|images',
  'send|sending pics|pictures|photos|nudes', 'threatening to post|share|send',
  // Grooming: secrecy, older people, being asked to meet
  'keep it secret', 'keep it a secret', 'keep secrets', 'our secret', 'secret game', 'not to tell', 'not tell', "don't tell", 'older man|men', 'adult man|men',
  'asking|asked|asks|wants|wanted|trying|tried|told him|her|them to meet|come|visit', 'get in the|his|a car', 'offered them|him|her sweets|money',
  // Self-harm and suicide
  'self harm', 'self harming', 'self harms', 'cutting himself|herself|themselves', 'cuts himself|herself|themselves|her|his',
  'end|ending|take|taking his|her|their life|own', 'kill|killing himself|herself|themselves', 'want|wants|wanted to die', 'makes|made himself|herself sick',
  // Neglect
  'no food', "hasn't eaten", 'not eaten', 'not been fed', 'alone all', 'home alone', 'left alone', 'dirty clothes', 'head lice', 'no bed',
  'no one is home', 'nobody is home', 'never home', 'on the floor', 'look|looks|looking after his|her|their little|baby|younger',
  // Forced marriage, FGM, criminal exploitation
  'forced to marry', 'forced marriage', 'to get married', 'to be married', 'to be cut', 'carrying packages|drugs', 'county lines', 'in a gang',
  'sell|sells|selling|deliver|delivers|delivering it|drugs|weed', 'give|gives|gave him|her|them weed|drugs|alcohol|vodka',
].map((p) => p.split(' '));

/** People who may do something to a child: family, partners, adults; a child noun only when "older". */
const ACTORS = words('mum mummy mom mother dad daddy father stepdad stepfather stepmum stepmother uncle aunt aunts auntie aunties brother brothers sister sisters cousin cousins grandad grandpa grandma nan nanny nana boyfriend girlfriend partner fella stepbrother man men adult adults someone somebody stranger friend friends mates coach babysitter neighbour lodger');
const OLDER = words('older elder');
/** The one typing, or the school: what comes after them is their own doing ("can I follow her"). */
const SPEAKERS = words('i we you');
const CHILD_OBJECTS = words('him her himself herself');

const TOLD = words('told tells tell showed shows show said says saying disclosed discloses confided confides admitted admits whispered mentioned drew wrote begged noticed spotted found saw seen rang phoned');
const TOLD_TO = words('me us');
const PAST_TOLD = words('told showed said disclosed confided admitted whispered mentioned drew wrote begged noticed spotted found saw rang phoned');
const TOLD_PHRASES: readonly string[][] = ['came to me', 'came to the', 'come to me', 'let slip', 'opened up', 'came in with', 'come in with', 'turned up with', 'keeps saying', 'has got', 'has had', 'have got', 'comes|came|keeps|keep coming in'].map((p) => p.split(' '));
const EVENT_WORDS = words('today tonight yesterday earlier again weekend monday tuesday wednesday thursday friday saturday sunday');
const EVENT_PHRASES: readonly string[][] = ['this morning|afternoon|lunchtime', 'last night|week|weekend|term', 'at break|lunch|lunchtime|playtime|breakfast', 'half term', 'just told|showed|said|had|now|found|noticed|seen'].map((p) => p.split(' '));
const OPENERS = words('what whats how who whos when where which why can could may might should shall is are am do does did would will if suppose say whether as any');
const PREAMBLE = words('hi hello hey quick question sorry please help urgent ok okay so um');
const CONDITIONALS = words('if suppose whether ever');

/** The words of a message, lower-case, with possessive 's dropped and hyphenated words split. */
function tokensOf(text: string): string[] {
  return text.toLowerCase().replace(/[\u2018\u2019`]/g, "'").split(/[^a-z0-9']+/)
    .map((t) => trimQuotes(trimQuotes(t).replace(/'s$/, '')))
    .filter((t) => t.length > 0);
}

/** The word without quote marks at either end (a loop: an end-anchored pattern would be quadratic on "''''..."). */
function trimQuotes(t: string): string {
  let start = 0;
  let end = t.length;
  while (start < end && t[start] === "'") start++;
  while (end > start && t[end - 1] === "'") end--;
  return t.slice(start, end);
}

/** Whether the phrase (each place a word or a|b|c choice) occurs in the tokens. */
function hasPhrase(tokens: readonly string[], phrase: readonly string[]): boolean {
  outer: for (let i = 0; i + phrase.length <= tokens.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (!phrase[j].split('|').includes(tokens[i + j])) continue outer;
    return true;
  }
  return false;
}

/** Whether any token at a position satisfies the test, given its neighbours. */
function anyAt(tokens: readonly string[], test: (t: string, i: number) => boolean): boolean {
  return tokens.some((t, i) => test(t, i));
}

const near = (tokens: readonly string[], i: number, span: number, set: ReadonlySet<string>): boolean =>
  tokens.slice(Math.max(0, i - span), i + span + 1).some((t) => set.has(t));

/** "in 3C", "(8C)", "from 10R": a class code after a word that introduces one. */
function isClassCode(tokens: readonly string[], i: number, raw: string): boolean {
  const m = /^(\d{1,2})([a-z]{1,2})$/.exec(tokens[i]);
  if (!m || ORDINAL_ENDINGS.has(m[2]) || Number(m[1]) > 13) return false;
  return (i > 0 && CLASS_PRECEDERS.has(tokens[i - 1])) || raw.toLowerCase().includes(`(${tokens[i]})`);
}

/** "Year 6", "yr 9s", "y5", "a 15 year old": a year group or a child's age. */
function isYearGroup(tokens: readonly string[], i: number): boolean {
  const t = tokens[i];
  if (/^(y|yr)\d{1,2}s?$/.test(t)) return true;
  const next = tokens[i + 1] ?? '';
  if (YEAR_WORDS.has(t) && /^\d{1,2}s?$/.test(next) && parseInt(next, 10) <= 13) return true;
  // "a 15 yr old": an age under 18.
  return YEAR_WORDS.has(t) && tokens[i + 1] === 'old' && /^\d{1,2}$/.test(tokens[i - 1] ?? '') && Number(tokens[i - 1]) < 18;
}

function childSignals(tokens: readonly string[], raw: string): { child: boolean; specific: boolean } {
  const classOrYear = anyAt(tokens, (_t, i) => isClassCode(tokens, i, raw) || isYearGroup(tokens, i));
  const mine = anyAt(tokens, (t, i) => (/^(my|our)$/.test(t) && GROUP_NOUNS.has(tokens[i + 1] ?? ''))
    || (t === 'one' && tokens[i + 1] === 'of' && /^(my|our|the)$/.test(tokens[i + 2] ?? '')));
  const specific = classOrYear || mine || hasPhrase(tokens, ['called|named']);
  const relation = anyAt(tokens, (t, i) => THIRD_PERSON.has(t) && RELATIONS.has(tokens[i + 1] ?? ''));
  const pronounTold = anyAt(tokens, (t, i) => PRONOUN_SUBJECTS.has(t) && TOLD.has(tokens[i + 1] ?? ''));
  const child = specific || relation || pronounTold || tokens.some((t) => CHILD_NOUNS.has(t) || CHILDLIKE.has(t));
  return { child, specific };
}

function injurySignal(tokens: readonly string[]): boolean {
  if (tokens.some((t) => STRONG_INJURIES.has(t)) || hasPhrase(tokens, ['black', 'eye']) || hasPhrase(tokens, ['bite', 'marks'])) return true;
  // "marks", "cuts", "burns" are injuries only on a body: "burns on his arm", "cigarette burns", not "exam marks".
  return anyAt(tokens, (t, i) => BODY_INJURIES.has(t)
    && (near(tokens, i, 4, BODY_PARTS) || INJURY_MODIFIERS.has(tokens[i - 1] ?? '') || (tokens[i + 1] === 'on' && THIRD_PERSON.has(tokens[i + 2] ?? ''))));
}

/** Whether the word at i is someone harmed: "him", "his mum", "her" (not "her cake"). */
function isVictim(tokens: readonly string[], i: number): boolean {
  const t = tokens[i] ?? '';
  if (VICTIMS.has(t)) return true;
  if (!THIRD_PERSON.has(t)) return false;
  const next = tokens[i + 1];
  return RELATIONS.has(next ?? '') || BODY_PARTS.has(next ?? '') || (t === 'her' && (next === undefined || AFTER_POSSESSIVE_VICTIM.has(next)));
}

function harmSignal(tokens: readonly string[]): boolean {
  if (tokens.some((t) => HARM_WORDS.has(t))) return true;
  if (anyAt(tokens, (t, i) => VIOLENCE.has(t) && isVictim(tokens, i + 1))) return true;
  // "was hit hard by the results" is how something felt, not a blow.
  if (anyAt(tokens, (t, i) => PASSIVE.has(t) && DONE_TO.has(tokens[i + 1] ?? '') && tokens[i + 2] !== 'hard')) return true;
  return HARM_PHRASES.some((p) => hasPhrase(tokens, p));
}

function toldSignals(tokens: readonly string[]): { told: boolean; pastTold: boolean } {
  // "tell"/"show" only to the one typing ("tell me"); "seen as" is how something looks, not something seen.
  const toldMe = anyAt(tokens, (t, i) => TOLD.has(t) && (TOLD_TO.has(tokens[i + 1] ?? '') || (!/^(tell|show)$/.test(t) && !(t === 'seen' && /^(as|to)$/.test(tokens[i + 1] ?? '')))));
  const told = toldMe || TOLD_PHRASES.some((p) => hasPhrase(tokens, p));
  const pastTold = tokens.some((t) => PAST_TOLD.has(t)) || TOLD_PHRASES.some((p) => hasPhrase(tokens, p));
  return { told, pastTold };
}

/** "a 24 year old": an adult by age. */
const isAdultAge = (tokens: readonly string[], i: number): boolean =>
  YEAR_WORDS.has(tokens[i]) && tokens[i + 1] === 'old' && /^\d{2}$/.test(tokens[i - 1] ?? '') && Number(tokens[i - 1]) >= 18;

/**
 * Someone else doing something to the child, in one clause: "daddy pushed her", "a man who lives with them shows
 * him videos", "her stepfather watches her". Harm is described in too many words for any list; who does what to whom
 * is steadier. A clause where the one typing acts ("his mum is an influencer, can I follow her") does not count.
 */
function someoneActsOnChild(text: string): boolean {
  return text.toLowerCase().split(/[.,;:!?\n]+/).some((clause) => {
    const tokens = tokensOf(clause);
    return anyAt(tokens, (t, i) => {
      if (!(ACTORS.has(t) || (OLDER.has(tokens[i - 1] ?? '') && CHILD_NOUNS.has(t)) || isAdultAge(tokens, i))) return false;
      for (let j = i + 1; j < Math.min(tokens.length, i + 9); j++) {
        if (SPEAKERS.has(tokens[j])) return false;
        if (CHILD_OBJECTS.has(tokens[j])) return true;
      }
      return false;
    });
  });
}

/** A name in the message ("Finn Ashworth", "Mia"), by the part-of-speech tagger; read only when the rest needs it. */
function namesAPerson(text: string): boolean {
  // A name has a capitalised word: "Finn", "Mia Kowalski"; the tagger also takes "PSHE lesson" for a person.
  return (nlp(text).people().out('array') as string[]).some((name) => /(^|\s)[A-Z][a-z]/.test(name));
}

/** Reads the kinds of words that make a message disclosure-like; the words themselves are never returned. */
export function readDisclosureSignals(text: string): DisclosureSignals {
  const tokens = tokensOf(text);
  const injury = injurySignal(tokens);
  const harm = harmSignal(tokens);
  const people = childSignals(tokens, text);
  const { told, pastTold } = toldSignals(tokens);
  const event = tokens.some((t) => EVENT_WORDS.has(t)) || EVENT_PHRASES.some((p) => hasPhrase(tokens, p));
  const acts = told && someoneActsOnChild(text);
  // Only a message with a concern in it is worth the tagger's time.
  const named = (injury || harm || acts) && namesAPerson(text);
  const first = tokens.find((t) => !PREAMBLE.has(t)) ?? '';
  const asksInGeneral = OPENERS.has(first) || tokens.some((t) => CONDITIONALS.has(t)) || hasPhrase(tokens, ['in', 'case']);
  const hypothetical = asksInGeneral && !(pastTold || event || named);
  const child = people.child || named;
  const specific = people.specific || named;
  // A concern with a child and something that happened; or a child's account of what someone does to them.
  const disclosureLike = !hypothetical && child && (((injury || harm) && (told || specific || event)) || (acts && (specific || event)));
  return { child, specific, injury, harm, told, event, acts, hypothetical, disclosureLike };
}

/** True when a message reads as a disclosure about a child, so the bot offers "Report a concern" first and keeps nothing of it. */
export function isDisclosureLike(text: string): boolean {
  return readDisclosureSignals(text).disclosureLike;
}
