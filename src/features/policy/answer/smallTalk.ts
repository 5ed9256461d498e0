/**
 * Messages that are not questions: a greeting, thanks, an acknowledgement ("ok", "got it") or a reaction with no words
 * (an emoji, "?"). Answering them from the policy gave "The policy doesn't cover that" to "hello", put "If this is about
 * something a child told you..." on a thumbs-up, and counted them in the owners' unanswered figures. They get a short
 * reply of their own instead. Only a whole, short message is read this way: anything with more in it is a question.
 */
export type SmallTalk = 'greeting' | 'thanks' | 'noted' | 'noWords';

/** Longer than this, a message is read as a question whatever it starts with. */
const MOST = 40;

const GREETING = /^(hi|hiya|hello|hey|heya|hey there|hi there|hello there|good (morning|afternoon|evening)|morning|afternoon|yo)( (bot|there|all|everyone))?$/;
const THANKS = /^(thanks|thank you|thankyou|thx|ty|ta|cheers|many thanks|thanks a lot|thank you so much|thanks so much|brilliant thanks|great thanks|perfect thanks|ok thanks|okay thanks)$/;
const NOTED = /^(ok|okay|k|kk|ok cool|cool|great|perfect|brilliant|lovely|nice|fab|got it|understood|noted|sure|right|fine|ok great|will do|bye|goodbye|see you|yes|no|yep|nope|yeah)$/;

/** What kind of small talk a message is, or undefined for a question (or anything else). */
export function smallTalkOf(text: string): SmallTalk | undefined {
  if (text.length > MOST) return undefined;
  // No letter or digit in any script: an emoji, punctuation, a reaction.
  if (!/[\p{L}\p{N}]/u.test(text)) return 'noWords';
  // Lower case, punctuation and emoji dropped, spaces single: "Thanks!! 👍" reads "thanks".
  const words = text.toLowerCase().replace(/[^\p{L}\p{N}\s']/gu, ' ').replace(/'/g, '').trim().split(/\s+/).join(' ');
  if (GREETING.test(words)) return 'greeting';
  if (THANKS.test(words)) return 'thanks';
  if (NOTED.test(words)) return 'noted';
  return undefined;
}

/**
 * The reply to each kind: what the bot is for, and how to ask. It is sent as markdown (for **help**), so it names no
 * document text (a policy's title is shown as text elsewhere, never as markup).
 */
export function smallTalkReply(kind: SmallTalk): string {
  switch (kind) {
    case 'greeting':
      return 'Hello! Ask me anything about your school\'s social media policy in your own words, for example "Can I be friends with parents on Facebook?", or type **help** to see what I can do.';
    case 'thanks':
      return 'You\'re welcome. Ask me anything else about the policy, or type **help**.';
    default:
      return 'Ask me a question about the policy in your own words, or type **help**.';
  }
}
