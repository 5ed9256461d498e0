import { TurnContext } from 'botbuilder';
import { isMessage, isPersonal } from '../../../teams/activityFacts';
import { BotApp } from '../../../teams/botFeature';
import { AdaptiveCardJson, cardMessage } from '../../../teams/cards';
import { inSendersPersonalChat, ProactiveAdapter } from '../../../teams/proactive';
import { Verbs } from '../../../teams/verbs';
import { errorCode } from '../../../shared/errorCode';
import { AppLogger } from '../../../shared/logger';
import { createPersonQueue } from '../../../shared/personQueue';
import { createRecentKeys } from '../../../shared/recentKeys';
import { DisclosureDetector } from '../disclosure/disclosureDetector';
import { DraftCheckResult } from '../drafts/draftChecker';
import { DEFAULT_DRAFT_CONTEXT, DraftContext } from '../drafts/draftConcerns';
import { QuestionLog } from '../teaching/questionLog';
import { renderDisclosureOfferCard } from './cards/disclosureOfferCard';
import { renderCheckPostForm, renderPostVerdictCard } from './cards/postCheckCards';

/** What checking a draft needs: the checker, the disclosure detector (a draft may be a disclosure), the count store. */
export interface DraftCheckingDeps {
  check(draft: string, context: DraftContext): Promise<DraftCheckResult>;
  disclosure: DisclosureDetector;
  questions: QuestionLog;
  logger: AppLogger;
  now(): Date;
}

/**
 * The longest draft checked (a long post). The card's box holds one character more (templates/checkPostForm.json): a
 * client cuts a longer paste at the box's length without a word, so a draft that arrives longer than this was cut, and
 * is refused rather than judged on its first part (an outside walk-through found a paste cut at exactly the limit told
 * "nothing stops this" about text past it).
 */
export const MAX_DRAFT_CHARS = 3000;
/** What a disclosure-like draft may carry into the concern form's "What happened". */
const MAX_CARRIED_CHARS = 4000;

const MEDIA = new Set(['pupils', 'colleagues', 'none']);
const ACCOUNTS = new Set(['personal', 'school']);
const AUDIENCES = new Set(['public', 'friends', 'group']);

/** The card's choices as sent back, each checked against what the card offers. */
function readContext(data: Record<string, unknown> | undefined): Partial<DraftContext> {
  const pick = <T extends string>(value: unknown, allowed: ReadonlySet<string>): T | undefined =>
    (typeof value === 'string' && allowed.has(value) ? (value as T) : undefined);
  return { media: pick(data?.media, MEDIA), account: pick(data?.account, ACCOUNTS), audience: pick(data?.audience, AUDIENCES) };
}

/**
 * Drafts are checked only in a person's own chat with the bot: a verdict quotes what in the draft raised each concern,
 * and a draft can hold what a child told them, which no one else in a channel or group chat should read.
 */
const ONLY_IN_PRIVATE = 'Drafts are checked only in your private chat with me, so that no one else reads your draft or what I say of it. Open your chat with me and type **check my post** there.';
/** Said where the form was sent to the person's private chat instead. */
const FORM_SENT_PRIVATELY = 'I have sent you the form in your private chat with me: drafts are checked only there, so that no one else reads your draft or what I say of it.';
/** Said where a draft typed in a channel or group chat was put in the form in their private chat. */
const TYPED_WHERE_OTHERS_READ = 'Everyone here can read the message you typed: you may want to delete it.';
const DRAFT_SENT_PRIVATELY = `I have put your draft in the form in your private chat with me: drafts are checked only there, so that no one else reads what I say of it. ${TYPED_WHERE_OTHERS_READ}`;

/**
 * A draft typed in the same message as the command: "check: <draft>", "check my post: <draft>", or the draft on the
 * lines after "check my post" (as staff read the help card's "check my post ... or type check: and the post"). Anchored
 * at the start, so it is tried once per message.
 */
const CHECK_TYPED = /^\s*check(?:[ \t]+(?:my[ \t]+)?post)?[ \t]*(?::|\r?\n)/i;

/**
 * After the form is shown, staff often paste their draft into the chat box rather than into the form (on a phone the
 * box is easier to reach): their next message in the 1:1 chat, within this time, is checked as their draft.
 */
export const PASTED_DRAFT_WINDOW_MS = 15 * 60 * 1000;
/** People the window is kept for at once, on one instance (oldest dropped first): a pasted draft there is then a question, as before. */
const PASTED_DRAFT_PEOPLE = 10_000;
/**
 * A message that asks the bot something about the policy, not a post: "can I...", "is it ok to...", "am I allowed...",
 * "what does the policy say...". Anchored at the start, no nested repetition: linear at any length.
 */
const ASKS_THE_BOT = /^\s*(?:(?:can|could|may|should|must|do|shall)\s+(?:i|we|staff)\b|is\s+it\s+(?:ok|okay|alright|all\s+right|allowed|fine|acceptable|against)\b|(?:am\s+i|are\s+we|are\s+staff)\s+allowed\b|what\s+(?:does|do|is)\s+(?:the|our|my)\s+(?:school'?s?\s+)?polic)/i;
/** Said where a draft typed in chat is over the limit: the form comes back with its first part. */
const TYPED_TOO_LONG = `That draft is over ${MAX_DRAFT_CHARS.toLocaleString('en-GB')} characters: check it in parts.`;
/** The words of "cancel", "no thanks, forget it", "ok never mind", "not now, thank you": a reply, never a post. */
const NOT_NOW_WORDS = new Set(['ok', 'okay', 'no', 'nope', 'cancel', 'stop', 'never', 'mind', 'nevermind', 'forget', 'it', 'not', 'now', 'thanks', 'thank', 'you', 'ta']);

/** Of those, the ones that say no ("ok" or "thanks" alone may come before the paste). */
const REFUSING_WORDS = new Set(['no', 'nope', 'cancel', 'stop', 'never', 'nevermind', 'forget', 'not']);

/** The person does not want a draft checked after all: a short message of those words alone, one of them saying no. */
function notNow(text: string): boolean {
  const words = text.toLowerCase().split(/[^a-z]+/).filter((w) => w !== '');
  return words.length > 0 && words.length <= 6 && words.every((w) => NOT_NOW_WORDS.has(w)) && words.some((w) => REFUSING_WORDS.has(w));
}
/** A pasted draft has at least this many words: "ok", "thanks", "hi there" are replies, not posts. */
const PASTED_DRAFT_MIN_WORDS = 3;
/** Said when a photo comes alone after the form. */
const PHOTO_NOT_SEEN = 'I cannot see photos or videos. Paste the words of your post, and say on the form whether it has a photo or video of pupils or colleagues.';

/** Whether a message carries an image (Teams sends one pasted or attached in chat as an image/* attachment). */
function sentImage(attachments: unknown): boolean {
  return Array.isArray(attachments) && attachments.some((a: { contentType?: unknown }) => typeof a?.contentType === 'string' && a.contentType.startsWith('image/'));
}

/** The form holding a draft typed in chat (none: empty), its first part and the cut named where it is over the limit. */
function formHolding(draft: string): AdaptiveCardJson {
  if (draft === '') return renderCheckPostForm();
  return renderCheckPostForm({ draft: draft.slice(0, MAX_DRAFT_CHARS), ...(draft.length > MAX_DRAFT_CHARS ? { missing: TYPED_TOO_LONG } : {}) });
}

/** Said before the verdict on a message read as a pasted draft. */
const PASTED_DRAFT_NOTE = 'I have checked the message you just sent as your draft post, as if it has no photo and goes on your own account for anyone to see (the form lets you say otherwise). If you meant it as a question, type it again and I will answer it.';

/**
 * "Check my post" (issue 53): `check my post` (and a button on the welcome and help cards) opens the form; `check:
 * <draft>` checks a draft typed in one message (no photo, from their own account, public). A draft that reads as a
 * disclosure about a child gets Report a concern first, as a question does. Nothing of a draft is kept, logged or
 * sent anywhere: only the day and the ids of the concerns it raised are counted, for the owners.
 */
export function registerDraftChecking(app: BotApp, deps: DraftCheckingDeps): void {
  const { logger } = deps;
  // One draft per person at a time (issue 69): a person's next draft waits for their last, never someone else's.
  const perPerson = createPersonQueue();
  // Who was shown the form in their 1:1 chat, and when: no draft, only that the next message may be one.
  const formShown = createRecentKeys({ windowMs: PASTED_DRAFT_WINDOW_MS, max: PASTED_DRAFT_PEOPLE, now: () => deps.now().getTime() });
  const personOf = (ctx: TurnContext) => ctx.activity.from?.aadObjectId ?? ctx.activity.from?.id ?? 'unknown';
  const expectDraftFrom = (ctx: TurnContext) => formShown.mark(personOf(ctx));
  const expectingDraftFrom = (ctx: TurnContext): boolean => formShown.isRecent(personOf(ctx));
  /** Sends the form in the person's 1:1 chat; their next message there may be the draft. */
  const sendForm = async (ctx: TurnContext, form: AdaptiveCardJson) => {
    await ctx.sendActivity(cardMessage(form));
    expectDraftFrom(ctx);
  };

  /** The disclosure reader on a draft, with the head that learnt drafts too: one naming a pupil to celebrate them is not a disclosure. */
  const readDraft = (draft: string) => (deps.disclosure.readDraft ? deps.disclosure.readDraft(draft) : deps.disclosure.read(draft));

  /** The verdict, or Report a concern first when the draft reads as a disclosure; counts the check. */
  const verdictOn = (ctx: TurnContext, draft: string, context: DraftContext): Promise<AdaptiveCardJson> => {
    const person = personOf(ctx);
    // A draft checked, however it came: the next message is a message again.
    formShown.forget(person);
    return perPerson.run(person, async () => {
      const whatHappened = isPersonal(ctx.activity) ? draft.slice(0, MAX_CARRIED_CHARS) : undefined;
      const reading = await readDraft(draft);
      if (reading.offer) {
        await deps.questions.recordDisclosureLike(deps.now().toISOString(), 'offered');
        logger.info({ event: 'draft.disclosureOffered' }, 'a draft read as a disclosure: Report a concern offered first, nothing kept');
        return renderDisclosureOfferCard({ whatHappened, policyAnswerFollows: false, draft: true });
      }
      const result = await deps.check(draft, context);
      await deps.questions.recordDraftCheck(deps.now().toISOString(), result.concerns.map((c) => c.id));
      if (reading.holdBack) {
        // It tells, in the words a disclosure is told in, of something a child said or showed: the verdict leads with the
        // report line, as a question's answer does (nothing of a draft is kept either way).
        await deps.questions.recordDisclosureLike(deps.now().toISOString(), 'heldBack');
        logger.info({ event: 'draft.heldBack' }, 'a draft may tell of something a child said or showed: the verdict leads with the report line, nothing kept');
      }
      logger.info({ event: 'draft.checked', verdict: result.verdict, concerns: result.concerns.length }, 'a draft post was checked; nothing of it kept');
      return renderPostVerdictCard(result, context, reading.holdBack ? { whatHappened } : undefined);
    });
  };

  /**
   * Sends the form to the person's own 1:1 chat from a channel or group chat (as Report a concern does); true when it got
   * there. Nothing is checked or counted on the way: the person checks it there, in private.
   */
  const formToPrivateChat = async (ctx: TurnContext, form: AdaptiveCardJson): Promise<boolean> => {
    try {
      await inSendersPersonalChat(app.adapter as unknown as ProactiveAdapter, app.options.botAppId ?? '', ctx.activity, async (own) => {
        await own.sendActivity(cardMessage(form));
      });
      expectDraftFrom(ctx);
      return true;
    } catch (err) {
      logger.warn({ event: 'draft.privateChatUnreachable', code: errorCode(err) }, 'could not open a 1:1 chat for the draft form');
      return false;
    }
  };

  /** A draft typed in chat: checked as from their own account, public, with no photo; one too long comes back in the form. */
  const checkTyped = async (ctx: TurnContext, draft: string, note?: string) => {
    if (draft.length > MAX_DRAFT_CHARS) {
      await sendForm(ctx, formHolding(draft));
      return;
    }
    const verdict = await verdictOn(ctx, draft, DEFAULT_DRAFT_CONTEXT);
    if (note) await ctx.sendActivity(note);
    await ctx.sendActivity(cardMessage(verdict));
  };

  app.message(/^\s*check\s+(?:my\s+)?post\s*$/i, async (ctx) => {
    if (!isPersonal(ctx.activity)) {
      await ctx.sendActivity((await formToPrivateChat(ctx, renderCheckPostForm())) ? FORM_SENT_PRIVATELY : ONLY_IN_PRIVATE);
      return;
    }
    await sendForm(ctx, renderCheckPostForm());
  });

  app.message(CHECK_TYPED, async (ctx) => {
    const draft = (ctx.activity.text ?? '').replace(CHECK_TYPED, '').trim();
    // A verdict quotes the draft (what raised each concern): in a channel or group chat everyone there would read it. The
    // draft goes into the form in their private chat, unchecked; they choose photo, account and audience and check it there.
    if (!isPersonal(ctx.activity)) {
      // What a child told them, typed where others read: Report a concern first, here, as a question gets it (the card
      // repeats none of it, and its button opens the form in their private chat).
      // Read as far as the form holds it (what they would check), never more: a longer paste costs what a full form does.
      if (draft !== '' && (await readDraft(draft.slice(0, MAX_DRAFT_CHARS))).offer) {
        await deps.questions.recordDisclosureLike(deps.now().toISOString(), 'offered');
        logger.info({ event: 'draft.disclosureOffered' }, 'a draft typed in a group chat or channel read as a disclosure: Report a concern offered, nothing kept');
        await ctx.sendActivity(cardMessage(renderDisclosureOfferCard({ policyAnswerFollows: false, draft: true })));
        return;
      }
      const sent = await formToPrivateChat(ctx, formHolding(draft));
      const deleteIt = draft === '' ? '' : ` ${TYPED_WHERE_OTHERS_READ}`;
      await ctx.sendActivity(!sent ? `${ONLY_IN_PRIVATE}${deleteIt}` : draft === '' ? FORM_SENT_PRIVATELY : DRAFT_SENT_PRIVATELY);
      return;
    }
    if (draft === '') {
      await sendForm(ctx, renderCheckPostForm({ missing: 'Paste your draft after "check:", or fill in the card.' }));
      return;
    }
    await checkTyped(ctx, draft);
  });

  // A message typed in the 1:1 chat just after the form was shown, that does not ask the bot something: the draft, pasted
  // into the chat box. Commands ("help", "report a concern", ...) are answered before this, as always.
  app.message(async (ctx) => {
    if (!isMessage(ctx.activity) || !isPersonal(ctx.activity) || !expectingDraftFrom(ctx)) return false;
    const text = (ctx.activity.text ?? '').trim();
    // A photo sent alone: the bot cannot see it, and says what to send instead.
    if (text === '' && sentImage(ctx.activity.attachments)) return true;
    // "cancel", "no thanks": the wait ends, and the message is answered as any other.
    if (notNow(text)) {
      formShown.forget(personOf(ctx));
      return false;
    }
    return text.split(/\s+/).length >= PASTED_DRAFT_MIN_WORDS && !ASKS_THE_BOT.test(text);
  }, async (ctx) => {
    const text = (ctx.activity.text ?? '').trim();
    if (text === '') {
      await ctx.sendActivity(PHOTO_NOT_SEEN);
      return;
    }
    formShown.forget(personOf(ctx));
    await checkTyped(ctx, text, PASTED_DRAFT_NOTE);
  });

  // "Check my post" on the welcome and help cards, and "Check another post" on a verdict: the form comes as a message of
  // its own, so the card pressed (a verdict the person may want to read again) stays as it was.
  app.adaptiveCards.actionExecute(Verbs.checkPostStart, async (ctx) => {
    if (!isPersonal(ctx.activity)) return (await formToPrivateChat(ctx, renderCheckPostForm())) ? FORM_SENT_PRIVATELY : ONLY_IN_PRIVATE;
    await sendForm(ctx, renderCheckPostForm());
    return 'The form is in the chat below.';
  });

  app.adaptiveCards.actionExecute<Record<string, unknown>>(Verbs.checkPost, async (ctx, _state, data) => {
    if (!isPersonal(ctx.activity)) return ONLY_IN_PRIVATE;
    const typed = typeof data?.draft === 'string' ? data.draft : '';
    const draft = typed.trim();
    const chosen = readContext(data);
    const missing = [
      draft === '' ? 'your draft post' : '',
      chosen.media === undefined ? 'whether it has a photo or video' : '',
      chosen.account === undefined ? 'which account it goes on' : '',
      chosen.audience === undefined ? 'who will see it' : '',
    ].filter((m) => m !== '');
    // A draft too long is said so first, whatever else is missing: the card comes back with its first part only, so
    // the cut must be named now. Counted before trimming: a paste the box cut arrives one character over.
    if (typed.length > MAX_DRAFT_CHARS) {
      return renderCheckPostForm({
        draft: typed.slice(0, MAX_DRAFT_CHARS), context: chosen,
        missing: `That draft is over ${MAX_DRAFT_CHARS.toLocaleString('en-GB')} characters, more than the box holds, so the rest was cut before I saw it: check it in parts.`,
      });
    }
    // A half-filled card comes back with what they typed and what is missing named.
    if (missing.length > 0) return renderCheckPostForm({ draft: typed, context: chosen, missing: `Please add ${missing.join(', ')}.` });
    return verdictOn(ctx, draft, { ...DEFAULT_DRAFT_CONTEXT, ...chosen } as DraftContext);
  });
}
