/** Outstanding people the card did not reach, by why (RemindResult.unreached, or a reminder job's counters). */
export interface UnreachedWordsInput {
  blocked: number;
  installFailed: number;
  failed: number;
  /** Whether the app is installed for people without a chat (production). */
  canInstall: boolean;
}

const people = (n: number): string => `${n.toLocaleString('en-GB')} ${n === 1 ? 'person' : 'people'}`;

/**
 * Who a reminder could not reach, each reason in words an owner acts on: someone who has never opened a chat with the
 * bot (local mode, where the app cannot be installed for them) has neither blocked it nor failed an install.
 */
export function unreachedInWords(u: UnreachedWordsInput): string {
  const parts = [
    u.installFailed > 0 && !u.canInstall ? `${people(u.installFailed)} not reached: they have not opened a chat with me yet, and get the card when they do` : '',
    u.installFailed > 0 && u.canInstall ? `${people(u.installFailed)} not reached: the app could not be installed for them (ask IT)` : '',
    u.blocked > 0 ? `${people(u.blocked)} blocked the bot in Teams` : '',
    u.failed > 0 ? `${people(u.failed)} not reached: Teams refused the card` : '',
  ].filter(Boolean);
  return parts.length === 0 ? 'nobody unreachable' : parts.join('; ');
}
