import { TurnContext } from 'botbuilder';
import { isPolicyOwner, senderAadObjectId } from '../../../teams/activityFacts';
import { BotApp } from '../../../teams/botFeature';
import { AdaptiveCardJson, cardMessage, cardText } from '../../../teams/cards';
import { Verbs } from '../../../teams/verbs';
import { AppLogger } from '../../../shared/logger';
import { CONCERN_INFO, DRAFT_CONCERNS, DraftConcernId } from '../drafts/draftConcerns';
import { RuleDecision, SchoolRuleBook } from '../drafts/draftRules';
import { isDecided } from '../drafts/schoolRules';
import { NO_RULE_CHOICE, renderSchoolRulesCard, SchoolRulesCardState } from './cards/schoolRulesCard';

/** What the owners' review of the rules needs: the rule book, who owns the policy, the log. */
export interface SchoolRulesReviewDeps {
  rules: SchoolRuleBook;
  policyOwners: readonly string[];
  logger: AppLogger;
}

const OWNERS_ONLY = 'Only the policy owners can review the rules check my post quotes. If you think one is wrong, tell them.';
const NO_POLICY = 'There is no policy yet: once an owner publishes the school\'s policy, its rules for check my post can be reviewed here.';
/** The most an owner may paste as a rule (a long bullet with its lead-in). */
const MAX_PASTED = 1000;

const isConcern = (v: unknown): v is DraftConcernId => typeof v === 'string' && (DRAFT_CONCERNS as readonly string[]).includes(v);

/** The rules card for the live version (`notice` first), or the line saying there is no policy. */
export async function schoolRulesCard(rules: SchoolRuleBook, state: SchoolRulesCardState): Promise<AdaptiveCardJson | string> {
  const review = await rules.review();
  return review ? renderSchoolRulesCard(review, state) : NO_POLICY;
}

/**
 * The owners' review of the school's rules for "check my post" (issue 71): `rules` (or the button on the publish card)
 * shows each concern's rule for the live version; an owner confirms, changes or removes each, or confirms every
 * proposal at once. Anyone else is refused, and the refusal is kept with the rules. A card sent back without a choice,
 * or with a pasted sentence that is not in the policy, comes back with what they typed and what is missing named.
 */
export function registerSchoolRulesReview(app: BotApp, deps: SchoolRulesReviewDeps): void {
  const { rules, logger } = deps;

  /** Refuses someone who is not an owner: recorded with the rules, and told who can. */
  const refuseUnlessOwner = async (ctx: TurnContext, step: string, concern: DraftConcernId | null = null): Promise<string | undefined> => {
    if (isPolicyOwner(deps.policyOwners, ctx.activity)) return undefined;
    await rules.refuse(senderAadObjectId(ctx.activity) ?? 'unknown', `not an owner: ${step}`, concern);
    logger.info({ event: 'rules.refused', step }, 'someone who is not a policy owner was refused the rules for check my post');
    return OWNERS_ONLY;
  };

  const show = async (ctx: TurnContext): Promise<AdaptiveCardJson | string> =>
    (await refuseUnlessOwner(ctx, 'rules')) ?? schoolRulesCard(rules, { canDecide: true });

  app.message(/^\s*rules\s*$/i, async (ctx) => {
    const shown = await show(ctx);
    await ctx.sendActivity(typeof shown === 'string' ? shown : cardMessage(shown, 'Your rules for check my post'));
  });

  app.adaptiveCards.actionExecute(Verbs.rulesShow, async (ctx) => show(ctx));

  app.adaptiveCards.actionExecute<Record<string, unknown>>(Verbs.rulesDecide, async (ctx, _state, data) => {
    const concern = isConcern(data?.concern) ? data.concern : null;
    const refused = await refuseUnlessOwner(ctx, 'decide', concern);
    if (refused) return refused;
    const by = senderAadObjectId(ctx.activity) ?? 'unknown';
    const version = { policyId: cardText(data?.policyId, 200), contentHash: cardText(data?.contentHash, 200) };
    const action = data?.action;
    const review = await rules.review();
    if (!review) return NO_POLICY;
    /** The card names a version that is not live: one that was (an old card), or one the bot never read (an altered card). */
    const notLive = (reason: 'not live' | 'unknown version'): Promise<AdaptiveCardJson | string> => schoolRulesCard(rules, {
      canDecide: true,
      notice: {
        text: reason === 'not live'
          ? 'A newer version of the policy is live since that card was sent: these are its rules. Nothing was changed.'
          : 'That card is not for any version of the policy I have read: these are the live version\'s rules. Nothing was changed.',
        style: 'attention',
      },
    });

    // An old or altered card is answered before anything is tried, whatever it asks (a "confirm all" with nothing left to
    // confirm included); a version published while a decision is made is still refused by the decision itself.
    const status = await rules.versionStatus(version);
    if (status !== 'live') return notLive(status);

    if (action === 'confirmAll') {
      let confirmed = 0;
      for (const c of review.concerns.filter((k) => !isDecided(k))) {
        const outcome = await rules.decide(version, c.id, { action: 'confirm' }, by);
        // A confirmation is refused only for its version: nothing was recorded for it.
        if (!outcome.done) return notLive(outcome.reason === 'unknown version' ? 'unknown version' : 'not live');
        confirmed++;
      }
      logger.info({ event: 'rules.decided', action: 'confirmAll', count: confirmed }, 'an owner confirmed the proposed rules for check my post');
      return schoolRulesCard(rules, { canDecide: true, notice: { text: `Confirmed ${confirmed} proposed rule${confirmed === 1 ? '' : 's'}.`, style: 'good' } });
    }
    if (!concern || (action !== 'confirm' && action !== 'change')) {
      return schoolRulesCard(rules, { canDecide: true, notice: { text: 'That button is not one this card offers: choose again below.', style: 'attention' } });
    }
    const label = CONCERN_INFO[concern].label;
    // Every other concern's boxes as the owner left them: shown again whatever this decision comes to.
    const unsaved: SchoolRulesCardState['unsaved'] = {};
    for (const other of DRAFT_CONCERNS) {
      if (other !== concern) unsaved[other] = { choice: cardText(data?.[`choice_${other}`], 20), pasted: cardText(data?.[`pasted_${other}`], MAX_PASTED) };
    }
    const cardKeeping = (state: SchoolRulesCardState) => schoolRulesCard(rules, { ...state, unsaved });
    const pasted = cardText(data?.[`pasted_${concern}`], MAX_PASTED + 1);
    const choice = cardText(data?.[`choice_${concern}`], 20);
    let decision: RuleDecision;
    if (action === 'confirm') decision = { action: 'confirm' };
    else if (pasted.trim() !== '') {
      if (pasted.length > MAX_PASTED) {
        return cardKeeping({ canDecide: true, pasted: { concern, text: pasted.slice(0, MAX_PASTED) }, notice: { text: `${label}: paste one sentence of the policy (at most ${MAX_PASTED} characters), not more.`, style: 'attention' } });
      }
      decision = { action: 'change', pasted };
    } else if (choice === NO_RULE_CHOICE) decision = { action: 'remove' };
    else if (/^\d{1,9}$/.test(choice)) decision = { action: 'change', passageId: Number(choice) };
    else {
      // Half filled: nothing chosen and nothing pasted.
      return cardKeeping({ canDecide: true, notice: { text: `${label}: choose one of the sentences, choose "Our policy has no rule on this", or paste the rule from your policy.`, style: 'attention' } });
    }

    const outcome = await rules.decide(version, concern, decision, by);
    if (!outcome.done) {
      if (outcome.reason === 'not live' || outcome.reason === 'unknown version') return notLive(outcome.reason);
      // The pasted words are the owner's: shown again as typed (a TextRun), with what is wrong named.
      return cardKeeping({
        canDecide: true, pasted: { concern, text: pasted },
        notice: { text: outcome.reason === 'not found'
          ? `${label}: that is not a sentence of ${review.title} as published. Paste it as the policy has it, or choose one of the sentences listed.`
          : `${label}: choose one of the sentences, or paste the rule from your policy.`, style: 'attention' },
      });
    }
    logger.info({ event: 'rules.decided', action: outcome.state.status, concern }, 'an owner decided a rule for check my post');
    const what = outcome.state.status === 'removed' ? 'no rule: check my post will say your policy has none on this'
      : outcome.state.status === 'confirmed' ? 'confirmed' : `now quotes ${outcome.state.rule?.citation ?? 'the sentence you chose'}`;
    return cardKeeping({ canDecide: true, notice: { text: `Saved. ${label}: ${what}.`, style: 'good' } });
  });
}
