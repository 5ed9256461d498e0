import { TurnContext } from 'botbuilder';
import { isMessage } from '../../../teams/activityFacts';
import { BotApp } from '../../../teams/botFeature';
import { cardMessage } from '../../../teams/cards';
import { findSection, PolicyLibrary } from '../policyLibrary';
import { renderSectionCard } from './cards/sectionCard';

/** "section" and at most this many words is the command ("section 5", "section 3.2a please"); a title of any length is too. */
const SECTION_COMMAND_WORDS = 3;

/** What the section command needs from the policy feature. */
export interface SectionCommandDeps {
  library: PolicyLibrary;
  /** The policy's title as staff see it. */
  title(): string;
  /** What to say while no policy is loaded (owners are told how to add one). */
  noPolicyNotice(ctx: TurnContext): string;
}

/**
 * `section 5`, `section 3.2` or a section's title: the whole section on a card. A longer message that starts with the
 * word ("Section 5 of the M62 is closed again", an outside walk-through) is not the command, and goes on to be checked
 * as a draft or answered as a question.
 */
export function registerSectionCommand(app: BotApp, deps: SectionCommandDeps): void {
  const { library } = deps;
  app.message(async (ctx) => {
    const text = isMessage(ctx.activity) ? (ctx.activity.text ?? '') : '';
    const rest = /^\s*section\s+(\S.*)$/is.exec(text)?.[1]?.trim();
    if (!rest) return false;
    return rest.split(/\s+/).length <= SECTION_COMMAND_WORDS || findSection(library, rest) !== null;
  }, async (ctx) => {
    if (!library.primary) {
      await ctx.sendActivity(deps.noPolicyNotice(ctx));
      return;
    }
    const key = (ctx.activity.text ?? '').trim().replace(/^section\s+/i, '');
    const found = findSection(library, key);
    if (!found) {
      // What they typed and the policy's title are shown as typed: a plain message, never read as markdown.
      await ctx.sendActivity({ type: 'message', textFormat: 'plain', text: `There is no section "${key.slice(0, 40)}" in ${deps.title()}. Type contents to see the section list.` });
      return;
    }
    await ctx.sendActivity(cardMessage(renderSectionCard(found.doc, found.section)));
  });
}
