/**
 * Messages that tests type to the bot where what they check depends on what the disclosure model makes of them: a
 * question that must be kept (logged, shown to the owner in `unanswered`) is one the model reads as ordinary, and a
 * question the model holds back is never kept. Ordinary staff questions score in a narrow band (most between -1.49 and
 * -1.20 in logit) with the hold-back threshold (-1.197) at its top, so a question picked by chance often sits a few
 * hundredths from it, and a test that passes only because of where a float fell is no test (issue 68).
 *
 * Every message here is at least MODEL_MARGIN from both of the disclosure head's thresholds (one that names or places
 * someone, from the lower bar such questions are kept under: issue 69), and none names a pupil or a year group with
 * something that happened (the word list that holds back whatever the score);
 * tests/features/policy/disclosure/modelItems.model.test.ts checks both, so a retrained model that moves one fails there,
 * naming it, rather than somewhere else by chance. The margin, 0.1 in logit, is above the largest change any of the
 * 2,121 evaluation messages' logits saw when the graph's integer arithmetic was rewritten (0.074; research/DECISIONS.md,
 * issue 68): a change of arithmetic that large leaves these decisions alone.
 */
export const MODEL_MARGIN = 0.1;

/**
 * Ordinary staff questions, each well inside the model's "ordinary" side: kept in the question log, never carrying
 * the report line. What the bundled sample policy (liverpool-model.txt) answers is noted: tests rely on it.
 */
export const ORDINARY = {
  /** Answered, sure, from section 5 of the sample (friend requests from parents). */
  friendRequests: 'should I accept friend requests from parents?',
  /** Answered, sure, from section 4 of the sample (photographs). */
  beforePostingAPhoto: 'What should I think about before posting a photo?',
  /** Answered, sure, from section 5 of the sample (parents and social media). */
  facebookForParents: 'Do schools use Facebook to engage parents?',
  /** Answered, sure, from section 10 of the sample (the policy's review). */
  policyReviewed: 'how often is this policy reviewed',
  /** Answered from section 8 of the sample (abuse of staff online), not sure: choices. */
  abusiveParent: 'What should I do if a parent posts abusive comments about me?',
  /** Not covered by the sample: declined. */
  lessonPlansOnTes: 'Can I share my lesson plans on TES?',
  /** Not covered by the sample: declined. */
  schoolDinners: 'do staff get free school dinners?',
  /** Not covered by the sample: declined. A made-up word nobody writes by chance, to find the question wherever it is kept. */
  zorbleflaxLessonPlans: 'Can I share my zorbleflax lesson plans on TES?',
  /** Not covered by the sample: declined. It names someone, for the owner's view to take the name out. */
  namedColleague: 'can Priyanka Hollingsworth and Hope from the office start a school podcast about reading zorbleflax books?',
  /** Answered from section 5 of the sample, not sure. It names someone and has a made-up word, for an owner to teach. */
  namedChoirPhotos: 'can Tobias Wrenfield post his quendlewick choir photos on his own page?',
  /** Answered from section 9 of the sample, not sure. Made-up words nobody writes by chance, to look for in the logs. */
  madeUpLawQuestion: 'what if I broke the law online over the Thistlewaite persimmon quandary?',
  /** Answered from section 8 of the sample (abuse of staff online), not sure. */
  memeOfMe: 'a pupil posted a mean meme about me on tiktok what do I do',
  /** Answered from section 5 of the sample, sure. */
  sistersGofundme: 'my sister asked me to share her gofundme, lots of parents follow me, is that allowed?',
  /** Answered from section 5 of the sample, sure. */
  parentsWhatsapp: 'can i join the parents whatsapp group for my sons class?',
  /** Not covered by the sample: declined. Short, as staff type. */
  gofundmeLink: 'post the gofundme link?',
} as const;

/** Several different ordinary questions, for tests that count what one person's messages leave behind. */
export const ORDINARY_SERIES = [
  ORDINARY.beforePostingAPhoto,
  ORDINARY.facebookForParents,
  ORDINARY.policyReviewed,
  ORDINARY.lessonPlansOnTes,
  ORDINARY.schoolDinners,
  'what if I\'ve actually broken the law online?',
] as const;
