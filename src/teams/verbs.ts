/**
 * Every Action.Execute verb and Action.Submit `verb` the product's cards carry. Templates reference these
 * through their data (`${verbs.x}`) and handlers register with the same constants; a test checks both agree.
 */
export const Verbs = {
  // Policy questions (issue 2)
  readSection: 'policy.readSection',
  feedback: 'policy.feedback',
  showContents: 'policy.contents',
  showHelp: 'policy.help',
  teachAnswer: 'policy.teach',
  /** Another page of the owners' `unanswered` list. */
  unansweredPage: 'policy.unansweredPage',
  removeTeaching: 'policy.unteach',
  publishVersion: 'policy.publish',
  discardVersion: 'policy.discard',
  // A "not sure" reply's choices, and the owners' answer to what staff chose (issue 50)
  chooseSection: 'policy.chooseSection',
  /** The person who asked sends their question to the policy owners (issue 69: nothing is kept unless they do). */
  sendToOwners: 'policy.sendToOwners',
  acceptSuggestion: 'policy.acceptSuggestion',
  dismissSuggestion: 'policy.dismissSuggestion',
  // Checking a draft post (issue 53)
  checkPostStart: 'policy.checkPostStart',
  checkPost: 'policy.checkPost',
  // The school's rules for checking a draft, which owners confirm, change or remove (issue 71)
  rulesShow: 'policy.rulesShow',
  rulesDecide: 'policy.rulesDecide',
  // Acknowledgement (issue 3)
  acknowledge: 'ack.acknowledge',
  readPolicy: 'ack.readPolicy',
  askQuestion: 'ack.askQuestion',
  campaignStart: 'ack.campaignStart',
  campaignCancel: 'ack.campaignCancel',
  campaignStatus: 'ack.campaignStatus',
  campaignRemind: 'ack.campaignRemind',
  campaignExport: 'ack.campaignExport',
  // Acknowledgement (issue 43): reading the policy in Teams, editing a campaign's preview, the owner's lists of people
  readPage: 'ack.readPage',
  campaignEdit: 'ack.campaignEdit',
  campaignPeople: 'ack.campaignPeople',
  // Acknowledgement (issue 54): a new version's round the owner chooses not to ask (a change that does not need it)
  campaignSkipRound: 'ack.campaignSkipRound',
  // Concerns (issue 4)
  concernStart: 'concern.start',
  concernChooseKind: 'concern.chooseKind',
  concernSubmit: 'concern.submit',
  concernAddDetails: 'concern.addDetails',
  concernAcknowledge: 'concern.acknowledge',
  concernAssign: 'concern.assign',
  concernAddNote: 'concern.addNote',
  concernRecordAction: 'concern.recordAction',
  concernClose: 'concern.close',
  concernAboutHeadteacher: 'concern.aboutHeadteacher',
  concernOpen: 'concern.open',
} as const;

export type Verb = (typeof Verbs)[keyof typeof Verbs];
