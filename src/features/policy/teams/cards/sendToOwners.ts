import { AdaptiveCardJson } from '../../../../teams/cards';
import { Verbs } from '../../../../teams/verbs';

/**
 * Which reply a "Send to the policy owners" offer sits on, so the reply can be drawn again once it is sent: "the policy
 * doesn't cover that", an answer marked not helpful, "None of these", or a section chosen on a "not sure" reply.
 */
export type SendView = 'notCovered' | 'unhelpful' | 'none' | 'chosen';

/** What a press of Send carries back, besides the text in the box. */
export interface SendCarried {
  questionId: string;
  /** The send token of the person who asked (carriedQuestions.ts): only they may send. */
  token: string;
  /** The question as asked, sealed (carriedQuestions.ts), so the reply is drawn again from it. */
  carried: string;
  view: SendView;
  /** The chosen section's key, on a `chosen` reply. */
  section?: string;
  /** The AI phrasing the answer showed, sealed as its card carried it, so an answer marked not helpful is drawn again with it. */
  phrasing?: string;
}

/**
 * The part of a reply about sending the question to the policy owners (issue 69: nothing is kept unless its asker sends
 * it):
 * - `offer`: what is and is not kept, and "Send my question to the policy owners", which opens the question in a box to
 *   edit (filled in only in the person's own chat: a reply in a channel never repeats what was asked) and Send;
 * - `sent`: sent, with the text as the owners see it (names and other identifiers taken out); `sentQuietly`: sent, in a
 *   channel or group chat, where the card is everyone's and never shows it;
 * - `alreadySent`: the first send is the one kept;
 * - `refused`: not sent because it may be about a child or what happened to someone, with Report a concern first (its
 *   button carries the text only in the person's own chat); the offer comes again below, with their text, to edit.
 */
export type SendToOwners =
  | { offer: SendCarried & { prefill?: string; problem?: string } }
  | { sent: string }
  | { sentQuietly: true }
  | { alreadySent: true }
  | { refused: { whatHappened?: string }; offer: SendCarried & { prefill?: string } };

/** The most a question sent to the owners may hold, as the question log keeps a typed question. */
export const MAX_SENT_QUESTION_CHARS = 500;

export const SEND_OFFER_TEXT = 'I have not kept your question. If you send it, the policy owners will see it so they can improve my answers: '
  + 'not your name, and with names, addresses and phone numbers taken out. Leave out anything about a particular child: '
  + 'if a child told you or showed you something, report a concern instead.';
export const SENT_TEXT = 'Sent to the policy owners. They see:';
export const SENT_QUIETLY_TEXT = 'Sent to the policy owners, with names, addresses and phone numbers taken out.';
export const ALREADY_SENT_TEXT = 'You have sent this question to the policy owners already: the first one you sent is the one they see.';
export const SEND_REFUSED_TEXT = 'Not sent: this may be about a particular child, or about something that happened to someone, so it does not go '
  + 'to the policy owners, and I have not kept it. If a child told you or showed you something, report it now: Report a concern goes only '
  + 'to the safeguarding team.';

/**
 * The offer to send a question to the policy owners, on the reply to the person who asked (`carried`: the question
 * sealed as their card carries it, and their send token). The box holds their question only in their own chat
 * (`personal`): in a channel or group chat a reply never repeats what was asked (issue 48).
 */
export function sendOffer(carried: SendCarried, question: string, personal: boolean): SendToOwners {
  return { offer: { ...carried, ...(personal ? { prefill: question } : {}) } };
}

/** The reply with its send part added below what it already shows. */
export function withSendToOwners(card: AdaptiveCardJson, send: SendToOwners | undefined): AdaptiveCardJson {
  if (!send) return card;
  const body = Array.isArray(card.body) ? card.body : [];
  return { ...card, body: [...body, ...sendItems(send)] };
}

function sendItems(send: SendToOwners): object[] {
  if ('sent' in send) {
    return [container([
      small(SENT_TEXT),
      // What they typed, as the owners see it: a TextRun, never read as markdown.
      { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: send.sent, italic: true }] },
    ])];
  }
  if ('sentQuietly' in send) return [container([small(SENT_QUIETLY_TEXT)])];
  if ('alreadySent' in send) return [container([small(ALREADY_SENT_TEXT)])];
  if ('refused' in send) {
    const report = send.refused.whatHappened !== undefined
      ? { type: 'Action.Execute', title: 'Report a concern', style: 'positive', verb: Verbs.concernChooseKind, data: { changeKind: true, whatHappened: send.refused.whatHappened } }
      : { type: 'Action.Execute', title: 'Report a concern', style: 'positive', verb: Verbs.concernStart, data: {} };
    return [
      { type: 'Container', style: 'attention', separator: true, spacing: 'Medium', items: [
        { type: 'TextBlock', text: SEND_REFUSED_TEXT, wrap: true },
        { type: 'ActionSet', actions: [report] },
      ] },
      ...offerItems(send.offer, true),
    ];
  }
  return offerItems(send.offer);
}

function offerItems(offer: SendCarried & { prefill?: string; problem?: string }, inline = false): object[] {
  const data: Record<string, string> = { questionId: offer.questionId, t: offer.token, q: offer.carried, view: offer.view };
  if (offer.section) data.section = offer.section;
  if (offer.phrasing) data.p = offer.phrasing;
  const fields = [
    ...(offer.problem ? [{ type: 'TextBlock', text: offer.problem, color: 'Attention', weight: 'Bolder', wrap: true, size: 'Small' }] : []),
    {
      type: 'Input.Text', id: 'question', label: 'Your question, as the policy owners will see it', isMultiline: true,
      maxLength: MAX_SENT_QUESTION_CHARS, isRequired: true, errorMessage: 'Type your question to send it.',
      placeholder: 'Type the question as the policy owners should see it, without names', value: offer.prefill ?? '',
    },
  ];
  const send = { type: 'Action.Execute', title: 'Send', verb: Verbs.sendToOwners, data };
  // Shown again after a press (something missing, or not sent): the box is open, with the person's text in it.
  if (inline || offer.problem) return [container([small(SEND_OFFER_TEXT), ...fields, { type: 'ActionSet', actions: [send] }])];
  const form = { type: 'AdaptiveCard', body: fields, actions: [send] };
  return [container([small(SEND_OFFER_TEXT), { type: 'ActionSet', actions: [{ type: 'Action.ShowCard', title: 'Send my question to the policy owners', card: form }] }])];
}

const container = (items: object[]): object => ({ type: 'Container', separator: true, spacing: 'Medium', items });
const small = (text: string): object => ({ type: 'TextBlock', text, wrap: true, size: 'Small' });
