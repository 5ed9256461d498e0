/**
 * What a draft social media post may do that school social media policies rule on (issue 53). The list is what the
 * policies share (research/corpus/README.md, "Check my post", defines each); a school's own rule for each is found in its
 * policy by the answering stack, asked `queries`, so the check works on any school's policy without retraining.
 */
export const DRAFT_CONCERNS = [
  'pupils-identified', 'pupil-images', 'contact', 'confidential', 'criticism', 'political', 'offensive',
  'speaking-as-school', 'commercial', 'copyright', 'location-timing',
] as const;

/** One concern's id. */
export type DraftConcernId = (typeof DRAFT_CONCERNS)[number];

/** How serious a concern is when it is raised: `stop` makes the verdict "Don't post this", `think` "Think twice". */
export type ConcernWeight = 'stop' | 'think';

/** What the bot says of one concern, and how it finds the school's rule. */
export interface DraftConcernInfo {
  /** How the concern is named on the card. */
  label: string;
  /**
   * The questions asked of the school's policy to find its rule, in staff's words (never written from a real school's
   * policy): the section most of them are answered from holds the rule; none when most are not answered.
   */
  queries: readonly string[];
  /** What would fix it, in a few words. */
  fix: string;
  weight: ConcernWeight;
}

export const CONCERN_INFO: Readonly<Record<DraftConcernId, DraftConcernInfo>> = {
  'pupils-identified': {
    label: 'Identifies a pupil',
    queries: [
      'Can I name pupils or say which school or class they are in when I post on social media?',
      'Can I post information that identifies a pupil online?',
      'Can I mention a child by name in a post on my own account?',
    ],
    fix: 'Leave out names, classes and anything that shows which child it is.',
    weight: 'stop',
  },
  'pupil-images': {
    label: 'Photos or videos of pupils or colleagues',
    queries: [
      'Can I post photos or videos of pupils on social media?',
      'Can I put pictures of children from school on my personal account?',
      'Do I need consent before sharing images of pupils online?',
    ],
    fix: 'Post it from the school\'s account once consent is checked, or leave the photo out.',
    weight: 'stop',
  },
  contact: {
    label: 'Contact with pupils or parents',
    queries: [
      'Can I be friends with pupils or parents or give them my personal contact details on social media?',
      'Can I message pupils or parents from my personal account?',
      'Can I accept a friend request from a parent or a pupil?',
    ],
    fix: 'Keep contact with pupils and parents to the school\'s own channels.',
    weight: 'stop',
  },
  confidential: {
    label: 'Confidential information',
    queries: [
      'Can I share confidential information about pupils, colleagues or the school online?',
      'Can I post about a pupil\'s behaviour, needs or family on social media?',
      'Can I talk about school business or staffing matters online?',
    ],
    fix: 'Leave out anything about pupils, colleagues or school business that is not public.',
    weight: 'stop',
  },
  criticism: {
    label: 'Criticises the school or people in it',
    queries: [
      'Can I criticise the school, my colleagues, parents or pupils on social media?',
      'Can I complain about my job or my school online?',
      'Can I post negative comments about parents or colleagues?',
    ],
    fix: 'Raise it with your line manager instead of posting it.',
    weight: 'think',
  },
  political: {
    label: 'Political or campaigning content',
    queries: [
      'Can I post political views or campaign on social media?',
      'Can I share posts about a strike, a petition or a political party?',
      'Can I campaign online about an issue linked to the school?',
    ],
    fix: 'Keep it apart from the school: no mention of your job or the school.',
    weight: 'think',
  },
  offensive: {
    label: 'Offensive or inappropriate content',
    queries: [
      'Can I post offensive, inappropriate, sexual or drunken content on social media?',
      'What content is inappropriate for a member of staff to post online?',
      'Can I post something that could bring the school into disrepute?',
    ],
    fix: 'Leave it out: it is not acceptable for someone who works with children.',
    weight: 'stop',
  },
  'speaking-as-school': {
    label: 'Speaks for the school',
    queries: [
      'Can I use the school name or logo or speak on behalf of the school on my own social media?',
      'Who can post on behalf of the school or run a school account?',
      'Can I answer parents\' questions about the school on my own account?',
    ],
    fix: 'Leave school news and the logo to the school\'s own accounts.',
    weight: 'think',
  },
  commercial: {
    label: 'Selling or fundraising',
    queries: [
      'Can I use social media to sell things, promote a business or fundraise?',
      'Can I advertise my private business or tutoring to parents?',
      'Can I ask parents for donations or sponsorship online?',
    ],
    fix: 'Do not aim it at parents or pupils, and check with the school first.',
    weight: 'think',
  },
  copyright: {
    label: 'Someone else\'s work',
    queries: [
      'Can I post other people\'s photos, music or content that is protected by copyright?',
      'Can I use someone else\'s pictures or videos in my posts?',
      'Do I need permission to share content created by others?',
    ],
    fix: 'Use your own material, or credit it and check you may use it.',
    weight: 'think',
  },
  'location-timing': {
    label: 'Where pupils will be, and when',
    queries: [
      'Can I post where pupils will be and when, such as details of a school trip?',
      'Can I post live updates or check in while on a school trip?',
      'Can I share the time and place of a school event or fixture online?',
    ],
    fix: 'Post about it afterwards, without where or when pupils will be.',
    weight: 'stop',
  },
};

/** What the person says of the post on the card: what its photo or video shows, which account, who sees it. */
export interface DraftContext {
  media: 'pupils' | 'colleagues' | 'none';
  account: 'personal' | 'school';
  audience: 'public' | 'friends' | 'group';
}

/** When someone types `check: <draft>` without the card: no photo, their own account, seen by the public. */
export const DEFAULT_DRAFT_CONTEXT: DraftContext = Object.freeze({ media: 'none', account: 'personal', audience: 'public' });
