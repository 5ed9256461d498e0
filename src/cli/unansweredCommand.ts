import { loadDisclosureDetector } from '../compose/disclosure';
import { loadPolicyLibrary } from '../compose/policy';
import { parseCoreSettings } from '../config/coreSettings';
import { PolicyLibrary } from '../features/policy/policyLibrary';
import { failedQuestionsForOwner } from '../features/policy/teaching/failedQuestions';
import { AskedQuestion, CHOSE_NONE } from '../features/policy/teaching/questionLog';
import { acceptSuggestion, chosenSectionWords, dismissSuggestion, suggestionText } from '../features/policy/teaching/staffSuggestions';
import { createLogger } from '../shared/logger';
import { parseArgs, UsageError } from './cliArgs';
import { CliRecords, openRecords, questionSealingFromEnv } from './cliRecords';

/**
 * The policy as the bot answers from it (POLICY_FILES, or the versions owners sent in chat, in the store these records
 * are in), read only when a suggestion needs its section named or checked.
 */
async function policyFor(env: NodeJS.ProcessEnv, records: CliRecords): Promise<PolicyLibrary> {
  const { policyFiles, mode } = parseCoreSettings(env).value;
  return (await loadPolicyLibrary({ policyFiles, mode }, createLogger('silent'), records.published)).library;
}

/** What a failed question's line says of it. */
function failedStatus(q: AskedQuestion): string {
  return !q.answered ? 'not covered' : q.choice?.section === CHOSE_NONE ? 'none of these' : 'not helpful';
}

/**
 * `unanswered`: the questions the policy failed, then staff's suggestions (a section chosen on a "not sure" reply), as
 * the owners' card lists them; `--accept ID` makes a suggestion's teaching link, `--dismiss ID` drops it. Returns the
 * exit code: 1 when the suggestion named is not there, already settled, or names a section the policy lost.
 */
export async function unanswered(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const p = parseArgs(args, ['db', 'limit', 'accept', 'dismiss', 'by']);
  const file = p.flags.get('db')?.[0] ?? 'data/policy-bot.sqlite';
  const limit = Number(p.flags.get('limit')?.[0] ?? 50);
  const accept = p.flags.get('accept')?.[0];
  const dismiss = p.flags.get('dismiss')?.[0];
  if (accept !== undefined && dismiss !== undefined) throw new UsageError('unanswered takes --accept or --dismiss, not both');
  const records = await openRecords(env, file, true, questionSealingFromEnv(env));
  try {
    // As the owner's card shows them: a kept question that may be about a child is deleted and never listed; names are taken out.
    const detector = await loadDisclosureDetector(createLogger('silent'));
    if (accept !== undefined || dismiss !== undefined) {
      const library = await policyFor(env, records);
      const deps = { questions: records.questions, disclosure: detector, library };
      const by = `cli:${p.flags.get('by')?.[0] ?? (env.USER || 'unknown')}`;
      const outcome = accept !== undefined
        ? await acceptSuggestion({ ...deps, teaching: records.teaching! }, accept.slice(0, 64), by, new Date().toISOString())
        : await dismissSuggestion(deps, dismiss!.slice(0, 64));
      const message = {
        accepted: `Linked: that question and close rewordings of it now get ${outcome.outcome === 'accepted' ? chosenSectionWords(library, outcome.link.section) : ''}.`,
        dismissed: 'Dismissed: that suggestion is gone; the question is kept as usual.',
        settled: 'That suggestion had already been accepted or dismissed.',
        sectionGone: 'The policy no longer has the section staff chose (a new version was published since): dismiss the suggestion instead.',
        notFound: `No suggestion ${accept ?? dismiss}: run policy-bot unanswered to see their ids.`,
      }[outcome.outcome];
      console.log(message);
      return outcome.outcome === 'accepted' || outcome.outcome === 'dismissed' ? 0 : 1;
    }
    const { shown, suggested, heldBack } = await failedQuestionsForOwner(records.questions, detector, Number.isFinite(limit) && limit > 0 ? limit : 50);
    if (shown.length === 0 && suggested.length === 0) console.log('No unanswered questions.');
    for (const r of shown) console.log(`${r.askedAt}\t${failedStatus(r)}\t${r.question}`);
    if (suggested.length > 0) {
      const library = await policyFor(env, records);
      for (const r of suggested) console.log(`${r.askedAt}\tsuggestion ${r.id}\t${suggestionText(library, r)}`);
      console.log('Accept a suggestion (link the question to that section) with --accept ID, or drop it with --dismiss ID.');
    }
    if (heldBack > 0) console.log(`${heldBack} held back: ${heldBack === 1 ? 'it' : 'they'} may be about a particular child, so ${heldBack === 1 ? 'it was' : 'they were'} deleted and not shown (the day is counted).`);
    return 0;
  } finally {
    records.close();
  }
}
