#!/usr/bin/env node
import fs from 'node:fs';
import readline from 'node:readline';
import { Answer, AnswerMatch, answerQuestionReranked, shownMatches } from '../features/policy/answer/answerQuestion';
import { loadReranker } from '../compose/rerank';
import { readPolicyFileIsolated, readPolicyFilesIsolated } from '../features/policy/ingest/isolatedIngest';
import { formatCitationLabel, formatSectionLabel, formatVersion, PolicyDocument } from '../features/policy/policyDocument';
import { createPolicyLibrary, PolicyLibrary } from '../features/policy/policyLibrary';
import { diffPolicies } from '../features/policy/publishing/policyDiff';
import path from 'node:path';
import { createFieldCipher } from '../shared/fieldEncryption';
import { makeSecrets } from './secrets';
import { createQuestionSealing } from '../adapters/questionSealing';
import { copySqliteToAzure } from '../adapters/storageCopy/copySqliteToAzure';
import { openSqliteDatabase } from '../adapters/sqlite/sqliteDatabase';
import { createAcknowledgementStore } from '../compose/stores';
import { parseArgs, Parsed, UsageError } from './cliArgs';
import { azureFromEnv } from './cliRecords';
import { unanswered } from './unansweredCommand';
import { printDiff, publish } from './publishCommand';
import { timeNotStatedNote } from '../features/policy/answer/askedTime';
import { verifyExport } from './verifyExportCommand';

const USAGE = `policy-bot: tools for the policy owner

  policy-bot ingest FILE [--json]
      Parse a policy (.txt, .md, .docx or .pdf) and show its sections, metadata and warnings.
  policy-bot ask --policy FILE [--policy FILE2 ...] [--json] [QUESTION]
      Answer one question, or with no QUESTION read one per line from stdin and print one JSON object per line.
  policy-bot unanswered [--db FILE] [--limit N] [--accept ID | --dismiss ID] [--by NAME]
      List the questions staff sent to the owners that the policy could not answer, that they marked unhelpful or for
      which they pressed "None of these" (a question is kept only when the person who asked sends it),
      then staff's suggestions: the section a person chose when the bot was not sure, each with its ID. --accept ID links
      that question (and close rewordings) to the section chosen, as teaching it in chat does; --dismiss ID drops the
      suggestion (default db: data/policy-bot.sqlite; with STORAGE=azure in the environment, from Azure Table storage,
      as the app; the policy from POLICY_FILES, or the one owners sent in chat).
  policy-bot diff LIVE_FILE NEW_FILE
      Show what changed between two versions, section by section.
  policy-bot publish NEW_FILE --replaces CONFIGURED_FILE [--db FILE] [--by NAME] [--yes]
      Show the changes, and with --yes keep NEW_FILE as the published version of the policy in CONFIGURED_FILE
      (the file POLICY_FILES names): running bots answer from it within a minute. Owners can do the same in chat.
      What owners taught follows its sections to the new version, so --yes needs CONCERN_ENCRYPTION_KEY (the bot's).
      With STORAGE=azure in the environment, it is kept in Azure Table storage, where the app reads it.
  policy-bot publish NEW_FILE [--db FILE] [--by NAME] [--yes]
      With POLICY_FILES empty: show what was read (or what changed), and with --yes keep NEW_FILE as the school's
      policy (its first version, or the next one, which needs CONCERN_ENCRYPTION_KEY as above): running bots answer
      from it within a minute.
  policy-bot storage copy-to-azure [--db FILE]
      Copy every record of the SQLite file (default: data/policy-bot.sqlite) into Azure Table storage and check the
      counts, kind by kind; safe to run again. Reads AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_URL,
      AZURE_TABLE_PREFIX and CONCERN_ENCRYPTION_KEY from the environment, as the app does (docs/operations.md).
  policy-bot verify-export FILE [--campaign ID]
      Check every row of an acknowledgement export (the CSV "campaign export" gives) against its seal, with the export
      key in ACK_EXPORT_SECRET (as the bot has it); each row names its campaign (--campaign for an export made before
      they did). Names any row changed since it was exported; exits 1 if any.
  policy-bot secrets [--file env/.env.dev.user]
      Make the deployment's secrets (the concern encryption key and the export secret: 32 random bytes, base64) with no
      openssl needed. With --file, fill in the ones left empty there and keep the ones already set.
`;

/** The `ingest --json` shape: what the parser made of the document. */
function documentJson(doc: PolicyDocument): object {
  return {
    title: doc.title,
    metadata: doc.metadata,
    sections: doc.sections.map((s) => ({ number: s.number, title: s.title, level: s.level, text: s.text })),
    warnings: doc.warnings,
  };
}

/** One section a reply shows, as `ask --json` lists it: the document's id, the section's ordinal (0: the front page), number and heading. */
interface ShownSection { document: string; ordinal: number; number: string | null; heading: string }

/** The `ask` JSON line's shape. */
interface AnswerJson {
  answered: boolean;
  /** Whether the reply is one answer; false when the bot was not sure and offered choices (a declined question is sure). */
  sure: boolean;
  answer: string;
  /** The sections the reply shows, in order: the answer when sure, the choices (at most three) when not; none when declined. */
  shown: ShownSection[];
  matches: { number: string | null; title: string; text: string; score: number; document: string }[];
}

/** What the bot says before the choices of a reply it is not sure of. */
const NOT_SURE = "I'm not sure which part of the policy answers this. Which of these is closest?";

/** "\"<quote>\" (Section 5. Acceptable use, <title>)": a quote with where it comes from. */
function quoted(m: AnswerMatch): string {
  const label = formatCitationLabel(m.doc, m.section);
  return `"${m.quote}" (${m.section.ordinal === 0 ? label : `Section ${label}`}, ${m.doc.title})`;
}

/**
 * The `ask` JSON line: answered, whether the reply was sure, what it says (the quoted answer with its citation, or "not
 * sure" and the choices), the sections it shows in order, and ranked matches best first.
 */
export function answerJson(answer: Answer): AnswerJson {
  if (!answer.answered) {
    return { answered: false, sure: true, answer: "The policy doesn't cover that. Ask your line manager, or report a concern if you are worried about someone's safety.", shown: [], matches: [] };
  }
  const shown = shownMatches(answer);
  const note = timeNotStatedNote(answer.question, answer.best.section.text);
  return {
    answered: true,
    sure: answer.sure,
    answer: answer.sure ? `${note ? `${note} ` : ''}${quoted(answer.best)}` : `${NOT_SURE} ${shown.map((m, i) => `${i + 1}. ${quoted(m)}`).join(' ')}`,
    shown: shown.map((m) => ({ document: m.doc.id, ordinal: m.section.ordinal, number: m.section.number, heading: m.section.title })),
    matches: answer.matches.map((m) => ({ number: m.section.number, title: m.section.title, text: m.section.text, score: m.score, document: m.doc.source })),
  };
}

async function ingest(args: string[]): Promise<void> {
  const p = parseArgs(args, []);
  const file = p.positional[0];
  if (!file) throw new UsageError('ingest needs a FILE');
  const doc = await readPolicyFileIsolated(file);
  if (p.bools.has('json')) {
    process.stdout.write(`${JSON.stringify(documentJson(doc))}\n`);
    return;
  }
  const m = doc.metadata;
  console.log(`${doc.title}${m.organisation ? ` (${m.organisation})` : ''}`);
  console.log(`version ${m.version ? formatVersion(m.version) : '-'} · last reviewed ${m.lastReviewed ?? '-'} · next review ${m.nextReview ?? '-'} · hash ${m.contentHash.slice(0, 12)}`);
  for (const s of doc.sections) console.log(`${'  '.repeat(s.level - 1)}${formatSectionLabel(s)}  (${s.text.length} chars)`);
  for (const w of doc.warnings) console.log(`warning [${w.code}] ${w.message}`);
}

async function ask(args: string[]): Promise<void> {
  const p = parseArgs(args, ['policy']);
  const files = p.flags.get('policy') ?? [];
  if (files.length === 0) throw new UsageError('ask needs --policy FILE');
  const library: PolicyLibrary = createPolicyLibrary(await readPolicyFilesIsolated(files));
  // The bot's own answering stack, its cross-encoder included: the CLI answers as the chat does.
  const reranker = await loadReranker();
  const question = p.positional.join(' ').trim();
  if (question) {
    const answer = await answerQuestionReranked(library.index, question, reranker);
    const result = answerJson(answer);
    if (p.bools.has('json')) process.stdout.write(`${JSON.stringify(result)}\n`);
    else if (answer.answered && !answer.sure) {
      console.log(NOT_SURE);
      shownMatches(answer).forEach((m, i) => console.log(`  ${i + 1}. ${quoted(m)}`));
    } else {
      console.log(result.answer);
      for (const m of result.matches.slice(1, 3)) console.log(`  also: ${m.number ? `${m.number} ` : ''}${m.title} (score ${m.score})`);
    }
    return;
  }
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (line.trim() === '') continue;
    process.stdout.write(`${JSON.stringify(answerJson(await answerQuestionReranked(library.index, line, reranker)))}\n`);
  }
}

async function diff(args: string[]): Promise<void> {
  const p = parseArgs(args, []);
  if (p.positional.length !== 2) throw new UsageError('diff needs the live file and the new file');
  const [live, next] = await Promise.all(p.positional.map((f) => readPolicyFileIsolated(f)));
  printDiff(diffPolicies(live, next));
}

/** `storage copy-to-azure`: the move from STORAGE=sqlite to STORAGE=azure, verified by counts. */
async function storage(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const p = parseArgs(args, ['db']);
  if (p.positional[0] !== 'copy-to-azure') throw new UsageError('storage needs a subcommand: copy-to-azure');
  const file = p.flags.get('db')?.[0] ?? 'data/policy-bot.sqlite';
  if (!fs.existsSync(file)) throw new UsageError(`no database at ${file}`);
  const { settings: storageSettings, tablePrefix, connection } = azureFromEnv(env, file);
  if (!env.CONCERN_ENCRYPTION_KEY) throw new UsageError('set CONCERN_ENCRYPTION_KEY to the key the concerns in this file were sealed with');
  const cipher = createFieldCipher(env.CONCERN_ENCRYPTION_KEY);
  const acknowledgement = await createAcknowledgementStore({ storage: storageSettings, azureTablePrefix: tablePrefix, credential: connection.credential });
  const db = openSqliteDatabase(file);
  try {
    console.log(`Copying ${file} to Azure Table storage (tables ${tablePrefix}*)`);
    console.log(`${'records'.padEnd(40)} ${'sqlite'.padStart(8)} ${'copied'.padStart(8)} ${'already'.padStart(8)} ${'azure'.padStart(8)}`);
    const counts = await copySqliteToAzure({
      db, connection, cipher, acknowledgement, questionSealing: createQuestionSealing(env.CONCERN_ENCRYPTION_KEY),
      progress: (c) => console.log(`${c.kind.padEnd(40)} ${String(c.sqlite).padStart(8)} ${String(c.copied).padStart(8)} ${String(c.alreadyThere).padStart(8)} ${String(c.azure).padStart(8)}  ${c.ok ? 'ok' : 'MISSING'}`),
    });
    const missing = counts.filter((c) => !c.ok);
    if (missing.length > 0) {
      console.log(`Not verified: ${missing.map((c) => c.kind).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not all in Azure. Do not switch to STORAGE=azure yet.`);
      return 1;
    }
    console.log('Verified: every record of the file is in Azure. You can switch to STORAGE=azure.');
    return 0;
  } finally {
    db.close();
    await acknowledgement.close();
  }
}

/** `secrets`: new secrets to paste, or filled into the file given. */
function secrets(args: string[]): void {
  const p = parseArgs(args, ['file']);
  for (const line of makeSecrets(p.flags.get('file')?.[0]).lines) console.log(line);
}

/** Runs one command line; resolves with the exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'ingest') await ingest(rest);
    else if (command === 'ask') await ask(rest);
    else if (command === 'unanswered') return await unanswered(rest, env);
    else if (command === 'diff') await diff(rest);
    else if (command === 'publish') await publish(rest, env);
    else if (command === 'storage') return await storage(rest, env);
    else if (command === 'secrets') secrets(rest);
    else if (command === 'verify-export') return verifyExport(rest, env);
    else if (!command || command === '--help' || command === 'help') { process.stdout.write(USAGE); return command ? 0 : 2; }
    else throw new UsageError(`unknown command "${command}"`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) { process.stderr.write(`policy-bot: ${err.message}\n\n${USAGE}`); return 2; }
    const e = err as Error & { code?: string };
    process.stderr.write(`policy-bot: ${e.code ? `[${e.code}] ` : ''}${e.message}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
