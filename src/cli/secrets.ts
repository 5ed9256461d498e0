import crypto from 'node:crypto';
import fs from 'node:fs';

/**
 * `policy-bot secrets`: the two secrets a deployment needs, made with Node's own random generator, so an IT lead on
 * Windows, macOS or Linux needs no openssl. With a file (env/.env.dev.user) it fills in only the secrets left empty:
 * a concern key already set is never replaced, because the records sealed with it would be unreadable.
 */

/** The secrets this command makes, as env/.env.dev.user names them: 32 random bytes in base64 each. */
export const GENERATED_SECRETS = ['SECRET_CONCERN_ENCRYPTION_KEY', 'SECRET_ACK_EXPORT_SECRET'] as const;

/** Why a secret already set is kept, in the secret's own terms. */
const WHY_KEPT: Record<(typeof GENERATED_SECRETS)[number], string> = {
  SECRET_CONCERN_ENCRYPTION_KEY: 'replacing it would make every sealed concern record unreadable',
  SECRET_ACK_EXPORT_SECRET: 'exports sealed with it (their rows\' HMACs) could no longer be verified',
};

/** The guide's rule for the concern key (docs/deployment.md, step 2), as a comment line that can be pasted with the values. */
export const PASSWORD_MANAGER_REMINDER = '# Store a copy of SECRET_CONCERN_ENCRYPTION_KEY in the school\'s password manager now: without it the'
  + ' safeguarding records cannot be read (docs/deployment.md, step 2).';

/** A new secret: 32 random bytes, base64 (the concern key's format; the export secret needs at least 16 characters). */
export function newSecret(): string {
  return crypto.randomBytes(32).toString('base64');
}

/** What `secrets` did: the lines it printed, and which names it filled in a file. */
export interface SecretsResult {
  lines: string[];
  filled: string[];
  kept: readonly string[];
}

/**
 * Without a file: new values, one `NAME=value` line each, to paste. With a file: the empty `NAME=` lines filled in
 * (a missing name is added at the end), set ones kept; the file stays readable by its owner only.
 */
export function makeSecrets(file?: string): SecretsResult {
  if (!file) return { lines: [...GENERATED_SECRETS.map((name) => `${name}=${newSecret()}`), PASSWORD_MANAGER_REMINDER], filled: [], kept: [] };
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const lines = text === '' ? [] : text.split('\n');
  const filled: string[] = [];
  const kept: (typeof GENERATED_SECRETS)[number][] = [];
  for (const name of GENERATED_SECRETS) {
    const at = lines.findIndex((l) => l.startsWith(`${name}=`));
    if (at < 0) {
      if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
      lines.push(`${name}=${newSecret()}`, '');
      filled.push(name);
    } else if (lines[at].slice(name.length + 1).trim() === '') {
      lines[at] = `${name}=${newSecret()}`;
      filled.push(name);
    } else {
      kept.push(name);
    }
  }
  fs.writeFileSync(file, lines.join('\n'), { mode: 0o600 });
  if (process.platform !== 'win32') fs.chmodSync(file, 0o600);
  return {
    lines: [
      ...filled.map((n) => `${n}: new value written to ${file}`),
      ...kept.map((n) => `${n}: already set in ${file}, kept: ${WHY_KEPT[n]}`),
      PASSWORD_MANAGER_REMINDER,
    ],
    filled,
    kept,
  };
}
