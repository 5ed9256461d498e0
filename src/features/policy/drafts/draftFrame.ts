import { DraftContext } from './draftConcerns';

/**
 * The text the draft model reads: what the person said of the post on the card, in a short line, then the draft. The
 * same photo of pupils is fine on the school's account with consent checked and not from a personal one, and only
 * the card says which: the model learnt from drafts framed this way (research/training/drafts/finetune.py writes the same line,
 * word for word; a change here is a change there, and a retraining).
 */
const MEDIA: Record<DraftContext['media'], string> = { pupils: 'a photo or video of pupils', colleagues: 'a photo or video of colleagues', none: 'no photo or video' };
const ACCOUNT: Record<DraftContext['account'], string> = { personal: 'my personal account', school: 'the school account' };
const AUDIENCE: Record<DraftContext['audience'], string> = { public: 'public', friends: 'friends only', group: 'a closed group' };

/** "[a photo or video of pupils; my personal account; public] <text>". */
export function framedDraft(text: string, context: DraftContext): string {
  return `[${MEDIA[context.media]}; ${ACCOUNT[context.account]}; ${AUDIENCE[context.audience]}] ${text}`;
}
