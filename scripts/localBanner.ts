import { contentsSections, PolicyDocument } from '../src/features/policy';

/** What `npm run local` prints once the bot and the Playground are up. */
export interface LocalBannerInput {
  documents: readonly Pick<PolicyDocument, 'title' | 'source' | 'sections'>[];
  botPort: number;
  playgroundUrl: string;
  /** The one address the Playground answers on (127.0.0.1), as checked when it started. */
  playgroundHost: string;
  /** Whether concern reports are sealed with the public local development key (no CONCERN_ENCRYPTION_KEY set). */
  devKey: boolean;
}

/**
 * The banner a newcomer reads: where to chat and what to try. A policy's "N sections" is what its reader's contents
 * list (contentsSections), so the banner and the policy in Teams give the same number.
 */
export function localBanner(input: LocalBannerInput): string {
  const docs = input.documents.map((d) => `${d.title} (${d.source}, ${contentsSections(d).length} sections)`).join('; ');
  return [
    '',
    '  School Policy Bot is running in LOCAL MODE (no authentication, loopback only).',
    `  Policy:      ${docs}`,
    `  Bot:         http://127.0.0.1:${input.botPort}/api/messages`,
    `  Chat here:   ${input.playgroundUrl}   (Microsoft 365 Agents Playground)`,
    `  Reachable:   from this computer only: the bot and the Playground listen on ${input.playgroundHost}, never on the network`,
    '               (anyone who reached them could act as the policy owner and the DSL: local mode has no sign-in).',
    ...(input.devKey ? ['  Reports:     encrypted with the public local development key: for trying the bot, never for real reports.'] : []),
    '  Try asking:  "Can I be friends with pupils on social media?"  or type "help".',
    '  Stop with Ctrl+C.',
    '',
  ].join('\n');
}

/**
 * What `npm run local` prints when the Playground answered on an address other than loopback (its package changed how
 * it listens): it was stopped, nothing is left running, and nobody on the network reached the owner's or the DSL's view.
 */
export function notLoopbackMessage(address: string, port: number): string {
  return [
    '',
    '  School Policy Bot did not start (nothing is left running).',
    `  The Agents Playground answered on ${address}:${port}, another machine's way in, not only on 127.0.0.1.`,
    '  Local mode has no sign-in: anyone on the network could have acted as the policy owner and the DSL, so it was stopped.',
    '  This follows a change in @microsoft/m365agentsplayground: keep the version in package-lock.json, or report it.',
    '',
  ].join('\n');
}

/** A port `npm run local` needs that another program holds, and the variable that moves it. */
export interface BusyPort {
  port: number;
  variable: 'PORT' | 'PLAYGROUND_PORT';
  /** Who would have listened there: "the bot", "the Agents Playground". */
  what: string;
}

/**
 * What `npm run local` prints instead of starting when a port is taken: which port, the usual reason (an earlier run
 * still going), and the command that picks another, so a newcomer is never sent to an address that is not theirs.
 */
export function portsInUseMessage(busy: readonly BusyPort[]): string {
  const lines = ['', '  School Policy Bot did not start (nothing was started).'];
  for (const b of busy) lines.push(`  Port ${b.port} is already in use, so ${b.what} cannot listen there.`);
  const other = busy.map((b) => `${b.variable}=${b.port + 1}`);
  lines.push(
    '  Another "npm run local" may still be running: stop it (Ctrl+C in its window). Or choose another port:',
    `    ${other.join(' ')} npm run local`,
    `    (Windows PowerShell: ${busy.map((b) => `$env:${b.variable}=${b.port + 1}; `).join('')}npm run local)`,
    '',
  );
  return lines.join('\n');
}
