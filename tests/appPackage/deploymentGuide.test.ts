import fs from 'node:fs';
import path from 'node:path';
import { ROOT, readText } from './projectFiles';

const guide = readText('docs/deployment.md');
const operations = readText('docs/operations.md');

/** Every TypeScript source under src/, joined (to find which Graph calls the app makes). */
function allSources(dir = path.join(ROOT, 'src')): string {
  return fs.readdirSync(dir, { withFileTypes: true })
    .map((e) => (e.isDirectory() ? allSources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? fs.readFileSync(path.join(dir, e.name), 'utf8') : ''))
    .join('\n');
}

/** The least-privileged Graph application permission behind each kind of call the app may make. */
const PERMISSION_FOR_CALL: { call: RegExp; permission: string }[] = [
  { call: /\/users\/delta/, permission: 'User.Read.All' },
  { call: /\/transitiveMembers/, permission: 'GroupMember.Read.All' },
  { call: /teamwork\/installedApps/, permission: 'TeamsAppInstallation.ReadWriteSelfForUser.All' },
  { call: /\/appCatalogs\/teamsApps/, permission: 'AppCatalog.Read.All' },
  { call: /sendActivityNotification/, permission: 'TeamsActivity.Send' },
];

/** The permissions granted by the guide's `for ROLE in ...` command. */
function grantedByCommand(): string[] {
  const m = /for ROLE in ([^;]+);/.exec(guide);
  return m ? m[1].trim().split(/\s+/) : [];
}

describe('docs/deployment.md', () => {
  const sources = allSources();
  const needed = PERMISSION_FOR_CALL.filter((p) => p.call.test(sources)).map((p) => p.permission);

  it('finds the Graph calls the app makes (the scan works)', () => {
    expect(needed).toEqual(expect.arrayContaining(['TeamsAppInstallation.ReadWriteSelfForUser.All']));
  });

  it('explains, and the admin-consent command grants, every Graph permission the app\'s calls need', () => {
    const granted = grantedByCommand();
    for (const permission of needed) {
      expect({ permission, explained: guide.includes(`| \`${permission}\` |`), granted: granted.includes(permission) })
        .toEqual({ permission, explained: true, granted: true });
    }
  });

  it('grants nothing the app does not call, and says so for activity-feed notifications when unused', () => {
    const known = new Set(PERMISSION_FOR_CALL.map((p) => p.permission));
    expect(grantedByCommand().filter((p) => !known.has(p) || !needed.includes(p))).toEqual([]);
    if (!needed.includes('TeamsActivity.Send')) expect(guide).toMatch(/`TeamsActivity\.Send` is \*\*not\*\* needed/);
  });

  it('says where the DSL channel, the safeguarding team and the policy owners are configured', () => {
    for (const name of ['CONCERN_DSL_CHANNEL_ID', 'SAFEGUARDING_TEAM', 'POLICY_OWNERS', 'STAFF_GROUP_ID']) {
      expect(guide).toContain(`| ${'`'}${name}${'`'} |`);
    }
    expect(guide).toMatch(/admin consent/i);
  });

  it('docs/operations.md covers backup, moving storage, rotating each secret and retention', () => {
    for (const heading of ['## Backing up the SQLite file', '## Moving from SQLite to Azure storage', '## Rotating secrets', '## Retention of records']) {
      expect(operations).toContain(heading);
    }
    for (const secret of ['BOT_PASSWORD', 'CONCERN_ENCRYPTION_KEY', 'ACK_EXPORT_SECRET', 'AZURE_OPENAI_API_KEY']) {
      expect(operations).toContain(`(\`${secret}\``);
    }
    expect(operations).toContain(".backup '");
    expect(operations).toMatch(/25th birthday/);
  });

  it('step 2\'s table names every school setting env/.env.dev holds, so IT fills in none it was not told about', () => {
    const envDev = readText('env/.env.dev');
    const schoolSettings = envDev.slice(envDev.indexOf("# ---- The school's settings"));
    const names = [...schoolSettings.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    const step2 = guide.slice(guide.indexOf('## 2. '), guide.indexOf('## 3. '));
    const tableRows = step2.split('\n').filter((line) => line.startsWith('| `'));
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((name) => !tableRows.some((row) => row.split(' | ')[0].includes(`\`${name}\``)))).toEqual([]);
  });

  it('keeps its steps in the order they are done: staff have the app (step 6) before "7. Check it works", and what each step writes is said at that step', () => {
    const headings = [...guide.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1]);
    const numbered = headings.map((h) => /^(\d+)(?:\.(\d+))?\.? /.exec(h)).filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]) + Number(m[2] ?? 0) / 10);
    expect(numbered).toEqual([...numbered].sort((a, b) => a - b));
    const staffGetTheApp = headings.findIndex((h) => /How staff get the app/.test(h));
    expect(staffGetTheApp).toBeGreaterThan(headings.findIndex((h) => h.startsWith('6. ')));
    expect(staffGetTheApp).toBeLessThan(headings.findIndex((h) => h.startsWith('7. ')));
    // TEAMS_APP_CATALOG_ID is written when the app is published (step 6.1), by no other step.
    expect([...guide.matchAll(/TEAMS_APP_CATALOG_ID[^.]*?\bstep (\d+(?:\.\d+)?)/g)].map((m) => m[1]).filter((step) => step !== '6.1')).toEqual([]);
  });

  describe('docs/data-protection.md and docs/operations.md tell the IT lead the same story', () => {
    const dataProtection = readText('docs/data-protection.md');

    it('what is read from Graph about staff is what the directory adapter selects (no job title), and the manager only for the digest', () => {
      const select = /const SELECT = '([^']+)'/.exec(readText('src/adapters/graph/graphDirectory.ts'))?.[1].split(',') ?? [];
      const staffList = /The staff list from Microsoft Graph \(([^)]*(?:\([^)]*\)[^)]*)*)\)/.exec(dataProtection)?.[1] ?? '';
      const WORDS: Record<string, string> = { displayName: 'name', userPrincipalName: 'sign-in address', department: 'department', companyName: 'school', officeLocation: 'office', accountEnabled: 'enabled' };
      for (const field of select.filter((f) => WORDS[f])) expect({ field, named: staffList.includes(WORDS[field]) }).toEqual({ field, named: true });
      expect(select).not.toContain('jobTitle');
      expect(staffList).not.toMatch(/(?<!no )job title/);
      expect(staffList).toMatch(/line manager.*ACK_MANAGER_DIGEST/);
    });

    it('a download link is open to whoever holds it while it is live, in both', () => {
      for (const doc of [dataProtection, operations]) expect(doc).toMatch(/[Aa]nyone holding a live link can download/);
    });

    it('operations names the secrets file as the Toolkit does, and says which records the app deletes itself', () => {
      expect(operations).not.toContain('env/<env>.user');
      expect(operations).not.toMatch(/has \*\*no automatic deletion\*\*/);
    });

    it('each backup one-liner keeps the copy as private as the database (umask 077: 0600, not 0644)', () => {
      const backupSection = operations.slice(operations.indexOf('## Backing up the SQLite file'), operations.indexOf('\n## ', operations.indexOf('## Backing up the SQLite file') + 5));
      const lines = backupSection.split('\n').filter((l) => /\.backup[ (]/.test(l));
      expect(lines.length).toBeGreaterThanOrEqual(2);
      expect(backupSection.match(/umask 077/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    });
  });
});
