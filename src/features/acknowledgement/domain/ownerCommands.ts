import { AcknowledgementError } from './acknowledgementErrors';
import { CampaignAudience } from './acknowledgementTypes';

/** A policy owner's command, typed into the bot's chat. */
export type OwnerCommand =
  | { kind: 'start'; audience: CampaignAudience; dueDate?: string }
  | { kind: 'status' | 'remind' | 'export'; campaignId?: string }
  | { kind: 'excuse' | 'unexcuse'; person: string }
  | { kind: 'help' };

/** How to use the commands, shown on "campaign help" and after a mistake. */
export const OWNER_COMMAND_HELP = [
  'campaign start [all | department <names> | school <names>] [due YYYY-MM-DD]',
  'campaign status [campaign id]',
  'campaign remind [campaign id]',
  'campaign export [campaign id]',
  'campaign excuse <email or full name>   (on leave: no reminders or digests)',
  'campaign unexcuse <email or full name>',
].join('\n');

const CAMPAIGN_ID = /^[A-Za-z0-9-]{1,80}$/;

/** Whether a message is meant as a campaign command (so the bot routes it here, not to policy questions). */
export function isOwnerCommand(text: string | undefined): boolean {
  return /^\s*campaign\b/i.test(stripMentions(text ?? ''));
}

/**
 * Parses "campaign start department Maths, English due 2026-10-01" and the like. Throws BAD_COMMAND with the
 * usage when the words do not fit, so nothing is started by accident.
 */
export function parseOwnerCommand(text: string): OwnerCommand {
  const words = stripMentions(text).trim().replace(/\s+/g, ' ');
  const m = /^campaign\b\s*(\S*)\s*([^]*)$/i.exec(words);
  if (!m) throw bad(`Campaign commands start with "campaign".`);
  const verb = m[1].toLowerCase();
  const rest = m[2].trim();
  switch (verb) {
    case '':
    case 'help':
      return { kind: 'help' };
    case 'status':
    case 'remind':
    case 'export': {
      if (rest === '') return { kind: verb };
      if (!CAMPAIGN_ID.test(rest)) throw bad(`"${rest.slice(0, 40)}" is not a campaign id.`);
      return { kind: verb, campaignId: rest };
    }
    case 'start':
      return parseStart(rest);
    case 'excuse':
    case 'unexcuse':
      if (rest === '') throw bad(`Say who, by email address or full name: campaign ${verb} sam.jones@school.example`);
      // Nobody's name or address is this long: said so, rather than asked for a name that was given.
      if (rest.length > 200) throw bad(`That is ${rest.length} characters, longer than any name or email address: campaign ${verb} sam.jones@school.example`);
      return { kind: verb, person: rest };
    default:
      throw bad(`"${verb.slice(0, 20)}" is not a campaign command.`);
  }
}

function parseStart(rest: string): OwnerCommand {
  let audienceText = rest;
  let dueDate: string | undefined;
  const due = /\bdue\s+(\S+)\s*$/i.exec(rest);
  if (due) {
    dueDate = due[1];
    audienceText = rest.slice(0, due.index).trim();
  } else if (/\bdue\b/i.test(rest)) {
    throw bad('Give the due date after "due", as YYYY-MM-DD.');
  }
  if (audienceText === '' || /^all( staff)?$/i.test(audienceText)) {
    return { kind: 'start', audience: { kind: 'all' }, ...(dueDate ? { dueDate } : {}) };
  }
  const a = /^(departments?|schools?)\s([^]+)$/i.exec(audienceText);
  if (!a) throw bad(`"${audienceText.slice(0, 40)}" is not an audience: say all, department <names> or school <names>.`);
  const values = a[2].split(',').map((v) => v.trim()).filter((v) => v.length > 0);
  if (values.length === 0 || values.some((v) => v.length > 100)) throw bad('Name at least one department or school.');
  const kind = a[1].toLowerCase().startsWith('school') ? 'school' : 'department';
  return { kind: 'start', audience: { kind, values }, ...(dueDate ? { dueDate } : {}) };
}

function stripMentions(text: string): string {
  return text.replace(/<at>[^<]*<\/at>/gi, ' ');
}

function bad(reason: string): AcknowledgementError {
  return new AcknowledgementError('BAD_COMMAND', `${reason}\nUsage:\n${OWNER_COMMAND_HELP}`);
}
