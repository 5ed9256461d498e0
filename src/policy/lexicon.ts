import { analyze, stemToken, tokenize } from './textAnalysis';

/**
 * How staff talk versus how school policies are written. Each group is one idea: a question that uses any
 * form also searches for the others. The groups describe school social media policies in general (UK
 * usage); none is keyed to a particular document or question.
 */
export const LEXICON_GROUPS: readonly (readonly string[])[] = [
  ['pupil', 'student', 'child', 'children', 'kid', 'kids', 'learner', 'young person', 'young people', 'youngster', 'teenager', 'minor', 'my class', 'sixth former'],
  ['former pupil', 'ex-pupil', 'ex pupil', 'ex-student', 'ex student', 'old student', 'old pupil', 'past pupil', 'alumni', 'leaver', 'leavers'],
  ['parent', 'carer', 'mum', 'dad', 'mother', 'father', 'guardian', 'parents/carers'],
  ['family', 'relative', 'related', 'cousin', 'niece', 'nephew', 'sister', 'brother', 'aunt', 'uncle'],
  ['friend', 'friend request', 'follow', 'follower', 'followers', 'add me', 'connect', 'connection', 'friendship', 'befriend', 'invite'],
  ['post', 'upload', 'share', 'publish', 'put up', 'put online', 'stick up', 'tweet', 'repost', 'retweet'],
  ['comment', 'reply', 'remark', 'status'],
  ['photo', 'photograph', 'picture', 'pic', 'pics', 'image', 'selfie', 'snap', 'video', 'footage', 'clip', 'filming', 'filmed', 'photographed'],
  ['dismiss', 'dismissal', 'sack', 'sacked', 'fire', 'fired', 'lose my job', 'gross misconduct'],
  ['disciplinary', 'discipline', 'trouble', 'punished', 'punishment', 'sanction', 'consequences', 'formal action', 'misconduct'],
  ['abuse', 'abusive', 'nasty', 'offensive', 'harass', 'harassment', 'harassing', 'troll', 'trolled', 'trolling', 'bully', 'bullying', 'bullied', 'cyberbullying', 'threatening', 'threat', 'intimidating', 'inflammatory', 'hateful', 'insult', 'insulting', 'horrible', 'vile'],
  ['lewd', 'rude', 'explicit', 'sexual', 'sexually', 'smutty', 'dirty', 'obscene', 'naked', 'nude', 'nudes', 'sexting', 'racy', 'x-rated'],
  ['inappropriate', 'unacceptable', 'unprofessional', 'offensive', 'dodgy'],
  ['colleague', 'coworker', 'co-worker', 'workmate', 'member of staff', 'fellow teacher', 'other staff'],
  ['employee', 'staff', 'teacher', 'teaching assistant', 'ta', 'support staff', 'employees'],
  ['manager', 'boss', 'line manager', 'senior manager', 'senior leader', 'slt', 'leadership team', 'senior management'],
  ['headteacher', 'head teacher', 'head', 'principal', 'the head'],
  ['phone', 'mobile', 'device', 'smartphone', 'tablet', 'laptop', 'iphone'],
  ['account', 'profile', 'page', 'handle'],
  ['message', 'dm', 'dms', 'direct message', 'inbox', 'text', 'texting', 'chat', 'contact', 'communicate', 'communication', 'talk', 'speak', 'correspond', 'email', 'e-mail'],
  ['social media', 'social networking', 'social network', 'socials', 'online'],
  ['website', 'site', 'platform', 'app', 'web', 'internet'],
  ['facebook', 'fb'],
  ['instagram', 'insta', 'ig'],
  ['twitter', 'tweet', 'tweets'],
  ['tiktok', 'tik tok'],
  ['youtube', 'you tube'],
  ['whatsapp', 'whats app', "what's app", 'group chat', 'messaging group', 'closed group', 'staff group'],
  ['blog', 'blogs', 'weblog', 'vlog', 'blogging', 'forum', 'web-forum'],
  ['delete', 'remove', 'removal', 'take down', 'taken down', 'amend', 'amended', 'get rid'],
  ['police', 'crime', 'criminal', 'illegal', 'unlawful', 'against the law'],
  ['report', 'reported', 'reporting', 'inform', 'notify', 'raise a concern', 'whistle', 'log'],
  ['privacy', 'private', 'security settings', 'privacy settings', 'lock down', 'locked', 'settings', 'visible', 'public'],
  ['anonymous', 'anonymously', 'fake name', 'without my name', 'pseudonym', 'declare who'],
  ['impersonate', 'pretend', 'pretending', 'pose as', 'posing as', 'fake account', 'fake profile', 'catfish'],
  ['copyright', "someone else's", 'other peoples', "other people's", 'materials', 'author', 'credit'],
  ['permission', 'consent', 'agreement', 'opt out'],
  ['screenshot', 'screen print', 'screen prints', 'screengrab', 'screen grab', 'evidence', 'records', 'keep a copy'],
  ['monitor', 'monitoring', 'monitored', 'watch', 'watching', 'spy', 'spying', 'track', 'keep an eye'],
  ['working hours', 'work time', 'at work', 'during lessons', 'school day', 'in school', 'break time', 'lunchtime', 'lunch break', 'free period', 'on duty'],
  ['confidential', 'confidentiality', 'secret', 'sensitive', 'private information'],
  ['reputation', 'disrepute', 'bad light', 'embarrass', 'embarrassing', 'look bad', 'image of the school', 'damage'],
  ['journalist', 'press', 'newspaper', 'reporter', 'news', 'media enquiry'],
  ['tag', 'tagging', 'tagged', 'tags'],
  ['grooming', 'groom', 'exploitation', 'exploit', 'predator', 'stalking', 'stalk'],
  ['safeguarding', 'safeguard', 'child protection', 'dsl', 'designated safeguarding lead', 'safeguarding lead', 'lead safeguarding officer', 'safeguarding team', 'cpoms'],
  ['review', 'reviewed', 'revise', 'revised', 'updated', 'renewed', 'next review'],
  ['leave', 'leaves', 'left', 'quit', 'quits', 'resign', 'resigns', 'departs', 'moves on'],
  ['run', 'runs', 'manage', 'administer', 'administrator', 'admin', 'moderator', 'moderate', 'in charge of', 'look after'],
  ['governor', 'governors', 'volunteer', 'volunteers', 'agency', 'agency workers', 'supply', 'supply teacher', 'unpaid', 'contractor', 'temp'],
  ['logo', 'branding', 'badge', 'trademark', 'trademarks', 'crest'],
  ['joke', 'jokes', 'banter', 'meme', 'memes', 'funny'],
  ['defamatory', 'defame', 'slander', 'libel', 'false', 'untrue', 'lies', 'disparage', 'misleading'],
  ['complain', 'complaint', 'complaints', 'moan', 'moaning', 'grievance', 'grievances', 'criticise', 'criticize', 'slag off', 'rant', 'vent'],
  ['recruitment', 'recruit', 'candidate', 'candidates', 'applicant', 'applicants', 'interview', 'hiring', 'vet', 'vetting', 'shortlisted', 'prospective employees', 'job applicants'],
  ['personal details', 'personal information', 'phone number', 'mobile number', 'home address', 'contact details', 'personal email', 'personal contact details'],
  ['isp', 'internet service provider', 'broadband provider'],
  ['purpose', 'aim', 'aims', 'objective'],
  ['gaming', 'online gaming', 'game', 'games', 'minecraft', 'fortnite', 'xbox', 'playstation', 'roblox'],
  ['legislation', 'law', 'laws', 'act', 'acts', 'legal', 'gdpr', 'data protection'],
  ['training', 'trained', 'course', 'induction'],
  ['time', 'excessive', 'too much', 'hours', 'addicted', 'scrolling'],
  ['opinion', 'opinions', 'views', 'political', 'politics'],
  ['apply', 'applies', 'cover', 'covers', 'scope'],
];

/** A question term and the alternative terms it also searches for. */
export interface ExpandedTerm {
  /** Stemmed term as the question used it (or a stem from a phrase it used). */
  term: string;
  /** Index of the idea this term belongs to: terms of one idea count once for coverage. */
  concept: string;
  /** 1 for the question's own words, lower for lexicon alternatives. */
  weight: number;
}

interface CompiledGroup {
  phrases: string[][];
  stems: Set<string>;
}

const compiled: CompiledGroup[] = LEXICON_GROUPS.map((group) => {
  const phrases = group.map((form) => tokenize(form).map(stemToken));
  return { phrases, stems: new Set(group.flatMap((form) => analyze(form))) };
});

const ALTERNATIVE_WEIGHT = 0.6;

/**
 * Expands a question into weighted search terms grouped by concept. Multi-word forms ("friend request",
 * "put up") are matched as phrases before single words, so "add me" means befriending, not arithmetic.
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

  compiled.forEach((group, gi) => {
    for (const phrase of group.phrases) {
      if (phrase.length < 2) continue;
      for (let i = 0; i + phrase.length <= stemmed.length; i++) {
        if (phrase.every((p, j) => stemmed[i + j] === p)) {
          const concept = `g${gi}`;
          for (let j = 0; j < phrase.length; j++) consumed[i + j] = true;
          for (const s of group.stems) add(s, concept, ALTERNATIVE_WEIGHT);
          for (const p of analyze(rawTokens.slice(i, i + phrase.length).join(' '))) add(p, concept, 1);
        }
      }
    }
  });

  rawTokens.forEach((tok, i) => {
    if (consumed[i]) return;
    const analyzed = analyze(tok);
    if (analyzed.length === 0) return;
    const s = analyzed[0];
    const groups = compiled.map((g, gi) => ({ g, gi })).filter(({ g }) => g.phrases.some((p) => p.length === 1 && p[0] === s));
    const concept = groups.length > 0 ? `g${groups[0].gi}` : `w:${s}`;
    add(s, concept, 1);
    for (const { g } of groups) for (const alt of g.stems) add(alt, concept, ALTERNATIVE_WEIGHT);
  });
  return [...terms.values()];
}
