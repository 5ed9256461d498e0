import { ConcernCueKind } from '../../reportOffer/concernCue';

/**
 * Report a concern offered beside the reply to a question about something that happened to the person or about a
 * colleague's conduct (issue 52): the form opens at that kind, carrying what they typed in their own chat. An answer
 * carries it, and so does "The policy doesn't cover that": what happened needs reporting whether or not the policy
 * speaks to it.
 */
export interface ConcernOffer {
  kind: ConcernCueKind;
  /** What the person typed, carried into the report's "What happened" in their 1:1 chat; absent elsewhere. */
  whatHappened?: string;
}

const CONCERN_OFFER_TEXT: Record<ConcernCueKind, string> = {
  onlineAbuse: 'If this happened to you, you can report it as online abuse or harassment: it goes to the person the school has named for it, not to the people involved.',
  colleagueConduct: 'If this is about something a colleague did, you can report it as a concern about a colleague\'s conduct: it goes to the person the school has named for it, not to the colleague.',
};

/** The template data of the offer (hasConcernOffer, its text, kind and carried words); nothing shown without one. */
export function concernOfferData(offer: ConcernOffer | undefined): {
  hasConcernOffer: boolean; concernOfferText: string; concernOfferKind: string; concernOfferPersonal: boolean; concernOfferWhatHappened: string;
} {
  return {
    hasConcernOffer: offer !== undefined,
    concernOfferText: offer ? CONCERN_OFFER_TEXT[offer.kind] : '',
    concernOfferKind: offer?.kind ?? '',
    concernOfferPersonal: offer?.whatHappened !== undefined,
    concernOfferWhatHappened: offer?.whatHappened ?? '',
  };
}
