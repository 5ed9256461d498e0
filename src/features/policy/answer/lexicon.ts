import { analyze, stemToken, tokenize } from './textAnalysis';

/**
 * How staff talk versus how school policies are written. Each group is one idea: a question that uses any
 * form also searches for the others. The groups describe school social media policies in general (UK
 * usage); none is keyed to a particular document or question.
 */
export const LEXICON_GROUPS: readonly (readonly string[])[] = [
  ['pupil', 'student', 'child', 'children', 'kid', 'kids', 'learner', 'young person', 'young people', 'youngster', 'teenager', 'minor', 'my class', 'sixth former'],
  ['former pupil', 'ex-pupil', 'ex pupil', 'ex-student', 'ex student', 'old student', 'old pupil', 'past pupil', 'alumni', 'leaver', 'leavers'],
  ['parent', 'carer', 'mum', 'dad', 'mother', 'father', 'guardian', 'parents/carers', 'pta', 'parent association'],
  ['family', 'relative', 'related', 'cousin', 'niece', 'nephew', 'sister', 'brother', 'aunt', 'uncle', 'son', 'daughter', 'my child', 'my kid', 'grandchild', 'stepchild'],
  ['friend', 'friend request', 'follow', 'follower', 'followers', 'add me', 'connect', 'connection', 'friendship', 'befriend', 'invite', 'mate', 'mates', 'pal', 'pals', 'added me', 'adding me'],
  ['post', 'upload', 'share', 'publish', 'put up', 'put online', 'stick up', 'tweet', 'repost', 'retweet', 'submit', 'submitted', 'posting'],
  ['comment', 'remark', 'status'],
  ['reply', 'replies', 'respond', 'responded', 'response', 'responding', 'answer', 'get back to', 'write back'],
  ['photo', 'photograph', 'picture', 'pic', 'pics', 'image', 'selfie', 'snap', 'video', 'footage', 'clip', 'filming', 'filmed', 'photographed'],
  ['dismiss', 'dismissal', 'sack', 'sacked', 'fire', 'fired', 'lose my job', 'gross misconduct'],
  ['disciplinary', 'discipline', 'trouble', 'punished', 'punishment', 'sanction', 'consequences', 'formal action', 'misconduct'],
  ['abuse', 'abusive', 'nasty', 'offensive', 'harass', 'harassment', 'harassing', 'troll', 'trolled', 'trolling', 'bully', 'bullying', 'bullied', 'cyberbullying', 'threatening', 'threat', 'intimidating', 'inflammatory', 'hateful', 'insult', 'insulting', 'horrible', 'vile', 'have a go at', 'having a go at', 'had a go at', 'pick on', 'picking on'],
  ['lewd', 'rude', 'explicit', 'sexual', 'sexually', 'smutty', 'dirty', 'obscene', 'naked', 'nude', 'nudes', 'sexting', 'racy', 'x-rated'],
  ['inappropriate', 'unacceptable', 'unprofessional', 'offensive', 'dodgy', 'rude', 'improper'],
  ['employee', 'staff', 'teacher', 'teaching assistant', 'ta', 'support staff', 'employees'],
  ['colleague', 'coworker', 'co-worker', 'workmate', 'member of staff', 'fellow teacher', 'other staff', 'other employees', 'fellow employees', 'employees', 'staff members'],
  ['manager', 'boss', 'line manager', 'senior manager', 'senior leader', 'slt', 'leadership team', 'senior management'],
  ['headteacher', 'head teacher', 'head', 'principal', 'the head'],
  ['phone', 'mobile', 'device', 'smartphone', 'tablet', 'laptop', 'iphone', 'ipad', 'android', 'computer', 'pc', 'chromebook', 'equipment', 'hardware'],
  ['account', 'profile', 'page', 'handle', 'bio', 'profile pic', 'username'],
  ['message', 'dm', 'dms', 'direct message', 'inbox', 'text', 'texting', 'chat', 'contact', 'communicate', 'communication', 'talk', 'speak', 'correspond', 'email', 'e-mail', 'stay in touch', 'keep in touch', 'in touch', 'gmail', 'hotmail', 'outlook'],
  // Platforms are instances of social media: in a social media policy naming one says little about which rule
  // applies, so they share the idea (and its modest weight) while the named platform still matches best.
  // Policies that have named the sites once go on to say "these sites".
  ['social media', 'social networking', 'social network', 'socials', 'online', 'facebook', 'fb', 'instagram', 'insta', 'ig',
    'twitter', 'tiktok', 'tik tok', 'youtube', 'you tube', 'snapchat', 'linkedin', 'threads', 'bluesky', 'reddit',
    'these sites', 'such sites'],
  ['website', 'site', 'platform', 'app', 'web', 'internet'],
  ['whatsapp', 'whats app', "what's app", 'group chat', 'messaging group', 'closed group', 'staff group'],
  ['blog', 'blogs', 'weblog', 'vlog', 'blogging', 'forum', 'web-forum'],
  ['delete', 'remove', 'removal', 'take down', 'taken down', 'get rid', 'shut down', 'close down', 'closed down'],
  ['change', 'changes', 'amend', 'amended', 'amendment', 'alter', 'modify', 'edit'],
  ['police', 'crime', 'criminal', 'illegal', 'unlawful', 'against the law', 'broken the law', 'break the law', 'breaking the law', 'broke the law'],
  ['report', 'reported', 'reporting', 'inform', 'notify', 'raise a concern', 'whistle', 'log', 'who do i tell', 'who should i tell', 'who do we tell', 'tell someone'],
  ['concern', 'concerns', 'concerned', 'worry', 'worried', 'worrying', 'worries', 'uneasy'],
  // Not 'settings' alone: Porter2 stems it to 'set', as in 'set up'.
  ['privacy settings', 'security settings', 'account settings', 'lock down', 'locked down', 'private account', 'privacy controls'],
  ['privacy', 'private', 'public', 'publicly', 'visible'],
  ['personal', 'personally', 'my own', 'your own', 'their own', 'non-school', 'non-work'],
  ['anonymous', 'anonymously', 'fake name', 'without my name', 'pseudonym', 'declare who'],
  ['impersonate', 'pretend', 'pretending', 'pose as', 'posing as', 'fake account', 'fake profile', 'catfish'],
  ['copyright', "someone else's", 'other peoples', "other people's", 'materials', 'author', 'credit'],
  ['permission', 'consent', 'agreement', 'opt out', 'without asking', 'without permission', 'ask first', 'authorised', 'authorisation',
    "doesn't want", 'does not want', "don't want", 'do not want', 'wishes', 'object to', 'objects to', 'refuse', 'refuses', 'refused'],
  ['screenshot', 'screen print', 'screen prints', 'screengrab', 'screen grab', 'evidence', 'records', 'keep a copy'],
  ['monitor', 'monitoring', 'monitored', 'watch', 'watching', 'spy', 'spying', 'track', 'keep an eye', 'read my messages', 'read my emails', 'look at my', 'go through my'],
  ['locate', 'look up', 'track down', 'find out where', 'where they live', 'where he lives', 'where she lives'],
  ['working hours', 'work time', 'at work', 'during lessons', 'school day', 'in school', 'break time', 'lunchtime', 'lunch break', 'free period', 'on duty', 'at lunch', 'lunch', 'breaktime'],
  ['confidential', 'confidentiality', 'secret', 'sensitive', 'private information'],
  ['reputation', 'disrepute', 'bad light', 'embarrass', 'embarrassing', 'look bad', 'image of the school', 'damage', 'perception', 'perceived', 'come across', 'comes across', 'seen as', 'see me', 'view me', 'think of me'],
  ['journalist', 'press', 'newspaper', 'news', 'media enquiry'],
  ['tag', 'tagging', 'tagged', 'tags', 'identify', 'identifying', 'identified'],
  ['grooming', 'groom', 'exploitation', 'exploit', 'predator', 'stalking', 'stalk'],
  ['safeguarding', 'safeguard', 'child protection', 'dsl', 'designated safeguarding lead', 'safeguarding lead', 'lead safeguarding officer', 'safeguarding team', 'cpoms'],
  ['review', 'reviewed', 'revise', 'revised', 'updated', 'renewed', 'next review', 'looked at again', 'look at again', 'revisit', 'revisited', 'brought up to date', 'kept up to date'],
  ['leave', 'leaves', 'left', 'quit', 'quits', 'resign', 'resigns', 'departs', 'moves on'],
  ['run', 'runs', 'manage', 'administer', 'administrator', 'admin', 'moderator', 'moderate', 'in charge of', 'look after'],
  ['governor', 'governors', 'volunteer', 'volunteers', 'agency', 'agency workers', 'supply', 'supply teacher', 'unpaid', 'contractor', 'temp', 'helper', 'helpers', 'parent helper'],
  ['logo', 'branding', 'badge', 'trademark', 'trademarks', 'crest'],
  ['joke', 'jokes', 'banter', 'meme', 'memes', 'funny'],
  ['defamatory', 'defame', 'slander', 'libel', 'false', 'untrue', 'lies', 'disparage', 'misleading', 'slag off', 'slagging off', 'slagged off'],
  ['complain', 'complaint', 'complaints', 'moan', 'moaning', 'grievance', 'grievances', 'criticise', 'criticize', 'slag off', 'rant', 'vent'],
  ['recruitment', 'recruit', 'candidate', 'candidates', 'applicant', 'applicants', 'interview', 'hiring', 'vet', 'vetting', 'shortlisted', 'prospective employees', 'job applicants', 'apply for a job', 'job application', 'applying for a job'],
  ['personal details', 'personal information', 'phone number', 'mobile number', 'home address', 'contact details', 'personal email', 'personal contact details'],
  ['isp', 'internet service provider', 'broadband provider'],
  ['purpose', 'aim', 'aims', 'objective', 'point of', 'what is it for', "what's it for", 'actually for', 'why do we have', 'why have', 'reason for'],
  ['gaming', 'online gaming', 'game', 'games', 'minecraft', 'fortnite', 'xbox', 'playstation', 'roblox'],
  ['legislation', 'law', 'laws', 'act', 'acts', 'legal', 'gdpr', 'data protection'],
  ['training', 'trained', 'course', 'induction', 'new staff', 'new starter', 'new starters', 'new members of staff', 'inducting', 'induct', 'onboarding'],
  ['excessive', 'excessively', 'too much', 'addicted', 'all the time', 'constantly', 'obsessed', 'a lot of time', 'lots of time', 'hours on'],
  ['access', 'accessed', 'accessing', 'go on', 'going on', 'scroll', 'scrolling', 'browse', 'browsing', 'log on', 'log in', 'be on'],
  ['benefit', 'benefits', 'upside', 'upsides', 'advantage', 'advantages', 'pros', 'positives', 'good things', 'opportunities', 'plus side'],
  ['opinion', 'opinions', 'views', 'political', 'politics'],
  ['apply', 'applies', 'cover', 'covers', 'scope', 'have to follow', 'has to follow', 'need to follow', 'follow this', 'comply', 'comply with', 'abide by', 'bound by', 'apply to me', 'include me'],
  ['read alongside', 'in conjunction with', 'related policies', 'other policies', 'linked policies', 'associated policies', 'go with', 'goes with', 'see also'],
  ['outside work', 'outside of work', 'outside school', 'outside of school', 'outside school hours', 'at home', 'evening', 'evenings', 'weekend', 'weekends', 'after school', 'in my own time', 'own time', 'private life', 'personal life', 'personal time', 'off duty', 'holidays', 'saturday', 'sunday'],
  ['quickly', 'quick', 'urgent', 'urgently', 'asap', 'straight away', 'immediately', 'promptly', 'prompt', 'swiftly', 'as soon as', 'how fast', 'how soon', 'how long', 'timescale', 'time frame', '24 hours', 'urgency'],
  ['sue', 'sued', 'suing', 'legal action', 'legal proceedings', 'lawsuit', 'court', 'take me to court'],
  ['misread', 'misunderstood', 'misunderstand', 'misinterpret', 'misinterpreted', 'misconstrued', 'misconstrue', 'taken the wrong way', 'interpreted'],
  ['accidentally', 'accident', 'by accident', 'by mistake', 'mistake', 'mistakes', 'inadvertently', 'unintentionally'],
  ['incident', 'incidents', 'goes wrong', 'gone wrong', 'went wrong', 'go wrong'],
  ['how often', 'annually', 'regularly', 'every year', 'each year', 'yearly', 'frequency', 'frequently'],
  ['risk', 'risks', 'danger', 'dangers', 'dangerous', 'hazard', 'hazards', 'harm', 'harmful', 'unsafe'],
  ['breach', 'breaches', 'breached', 'breaching', 'break the rules', 'broken the rules', 'against the rules', 'contrary to', 'violate', 'violation'],
  ['discuss', 'discussing', 'discussion', 'gossip', 'gossiping', 'talk about', 'chat about', 'chatting about'],
  ['homework', 'coursework', 'classwork', 'schoolwork', 'school work', 'teaching and learning', 'learning'],
  ['ban', 'banned', 'forbidden', 'prohibited', 'not permitted', 'not allowed', 'barred'],
  ['department', 'departmental', 'subject', 'faculty', 'year group', 'key stage'],
  ['restructure', 'restructuring', 'reorganisation', 'proposal', 'proposals', 'draft'],
  ['create', 'creating', 'creation', 'set up', 'setting up', 'sets up', 'open an account', 'make an account', 'start an account', 'new account'],
  ['disappear', 'disappears', 'disappearing', 'self-destruct', 'vanish', 'temporary', 'ephemeral'],
  ['exception', 'exceptions', 'except', 'unless', 'apart from', 'other than', 'exempt'],
  ['job', 'jobs', 'employment', 'career', 'livelihood'],
];

/** A question term and the alternative terms it also searches for. */
export interface ExpandedTerm {
  /**
   * Index term: a stem ("photograph"), or for a multi-word form of a group the stems joined by
   * PHRASE_JOINER ("social_media"), which the index records wherever the phrase occurs in a passage.
   */
  term: string;
  /** The idea this term belongs to: terms of one idea count once for scoring and coverage. */
  concept: string;
  /** 1 for the question's own words, lower for lexicon alternatives. */
  weight: number;
}

/** Joins the stems of a multi-word form into one index term; never produced by the tokenizer. */
export const PHRASE_JOINER = '_';

/** Prefix of the concept of a word that is in no group: the word is an idea of its own. */
export const WORD_CONCEPT = 'w:';

/** Lexicon alternatives weigh less than the words the question used. */
export const ALTERNATIVE_WEIGHT = 0.75;

interface CompiledForm {
  /** Stems of every token, stopwords included ("lose my job" -> lose, my, job). */
  stems: string[];
  /** The index term this form is searched as. */
  key: string;
}

interface CompiledGroup {
  concept: string;
  forms: CompiledForm[];
}

function compileForm(form: string): CompiledForm | null {
  const stems = tokenize(form).map(stemToken);
  if (stems.length === 0) return null;
  if (stems.length === 1) {
    const analyzed = analyze(form);
    return analyzed.length === 1 ? { stems, key: analyzed[0] } : null;
  }
  return { stems, key: stems.join(PHRASE_JOINER) };
}

const compiled: CompiledGroup[] = LEXICON_GROUPS.map((group, gi) => ({
  concept: `g${gi}`,
  forms: group.map(compileForm).filter((f): f is CompiledForm => f !== null),
}));

/** Multi-word forms by their first stem, longest first, so the longest phrase at a position wins. */
const phrasesByFirst = new Map<string, { form: CompiledForm; groups: CompiledGroup[] }[]>();
/** Groups each single-word form belongs to. */
const groupsByWord = new Map<string, CompiledGroup[]>();
for (const group of compiled) {
  for (const form of group.forms) {
    if (form.stems.length > 1) {
      const list = phrasesByFirst.get(form.stems[0]) ?? [];
      const same = list.find((x) => x.form.key === form.key);
      if (same) {
        if (!same.groups.includes(group)) same.groups.push(group);
      } else list.push({ form, groups: [group] });
      phrasesByFirst.set(form.stems[0], list);
    } else {
      const list = groupsByWord.get(form.key) ?? [];
      if (!list.includes(group)) list.push(group);
      groupsByWord.set(form.key, list);
    }
  }
}
for (const list of phrasesByFirst.values()) list.sort((a, b) => b.form.stems.length - a.form.stems.length);

interface PhraseHit { start: number; length: number; form: CompiledForm; groups: CompiledGroup[] }

/** Lexicon phrases in a stemmed token sequence, longest first at each position, not overlapping. */
function findPhrases(stems: readonly string[]): PhraseHit[] {
  const hits: PhraseHit[] = [];
  for (let i = 0; i < stems.length; i++) {
    const candidates = phrasesByFirst.get(stems[i]);
    if (!candidates) continue;
    for (const c of candidates) {
      const n = c.form.stems.length;
      if (i + n <= stems.length && c.form.stems.every((s, j) => stems[i + j] === s)) {
        hits.push({ start: i, length: n, form: c.form, groups: c.groups });
        i += n - 1;
        break;
      }
    }
  }
  return hits;
}

/**
 * The terms a passage is indexed under: its content stems, plus one joined term for each lexicon phrase it
 * contains, so that "working hours" in a question matches "during working hours" as a phrase rather than
 * as any passage that mentions work somewhere and hours somewhere else.
 */
export function indexTerms(text: string): string[] {
  const tokens = tokenize(text);
  const out = analyze(text);
  for (const hit of findPhrases(tokens.map(stemToken))) out.push(hit.form.key);
  return out;
}

/**
 * Expands a question into weighted search terms grouped by idea. Multi-word forms ("friend request",
 * "put up") are matched as phrases before single words, so "add me" means befriending, not arithmetic.
 * A word in no group is an idea of its own, searched as itself.
 */
export function expandQuestion(question: string): ExpandedTerm[] {
  const rawTokens = tokenize(question);
  const stemmed = rawTokens.map(stemToken);
  const consumed = new Array<boolean>(rawTokens.length).fill(false);
  const terms = new Map<string, ExpandedTerm>();
  const add = (term: string, concept: string, weight: number): void => {
    const existing = terms.get(term);
    if (!existing || existing.weight < weight) terms.set(term, { term, concept, weight });
  };
  const addGroup = (group: CompiledGroup, concept: string): void => {
    for (const f of group.forms) add(f.key, concept, ALTERNATIVE_WEIGHT);
  };

  for (const hit of findPhrases(stemmed)) {
    for (let j = 0; j < hit.length; j++) consumed[hit.start + j] = true;
    const concept = hit.groups[0].concept;
    for (const g of hit.groups) addGroup(g, concept);
    add(hit.form.key, concept, 1);
  }

  rawTokens.forEach((tok, i) => {
    if (consumed[i]) return;
    const analyzed = analyze(tok);
    if (analyzed.length === 0) return;
    const s = analyzed[0];
    const groups = groupsByWord.get(s) ?? [];
    const concept = groups.length > 0 ? groups[0].concept : `${WORD_CONCEPT}${s}`;
    for (const g of groups) addGroup(g, concept);
    add(s, concept, 1);
  });
  return [...terms.values()];
}
