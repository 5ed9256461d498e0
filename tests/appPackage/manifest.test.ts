import fs from 'node:fs';
import path from 'node:path';
import { Verbs } from '../../src/teams/verbs';
import {
  BotCommandTitles, ManifestCommandVerbs, MessageExtensionCommandIds, readManifestCommands,
} from '../../scripts/manifestCommands';
import { loadManifestSchema, placeholdersIn, substitutePlaceholders, validateManifest } from '../../scripts/packageApp';
import { ROOT, readEnv, readText } from './projectFiles';

const TEMPLATE = readText('appPackage/manifest.json');

/** The values provision would write, on top of the committed env file. */
const PROVISIONED = {
  TEAMS_APP_ID: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9',
  BOT_ID: '11111111-2222-4333-8444-555555555555',
  BOT_DOMAIN: 'policybotdev.azurewebsites.net',
};

function renderFor(envFile: string): Record<string, unknown> {
  return JSON.parse(substitutePlaceholders(TEMPLATE, { ...readEnv(envFile), ...PROVISIONED })) as Record<string, unknown>;
}

type Manifest = {
  manifestVersion: string;
  $schema: string;
  bots: { botId: string; scopes: string[]; supportsFiles: boolean; commandLists: { scopes: string[]; commands: { title: string }[] }[] }[];
  composeExtensions: { botId: string; commands: { id: string; type: string; context: string[]; fetchTask: boolean }[] }[];
  supportedChannelTypes?: string[];
  webApplicationInfo: { id: string; resource: string };
  validDomains: string[];
  activities?: unknown;
};

describe('appPackage/manifest.json', () => {
  it('when rendered with the dev environment, then it validates against the official schema of its version', () => {
    const manifest = renderFor('env/.env.dev');
    expect(validateManifest(manifest)).toEqual([]);
  });

  it('when rendered with the local environment, then it validates against the official schema of its version', () => {
    expect(validateManifest(renderFor('env/.env.local'))).toEqual([]);
  });

  it('when a manifest breaks the schema, then validation reports it (the validator is live)', () => {
    const broken = renderFor('env/.env.dev') as Manifest & Record<string, unknown>;
    broken.bots[0].botId = 'not-a-guid';
    broken.supportedChannelTypes = ['secretChannels'];
    const failures = validateManifest(broken);
    expect(failures.some((f) => f.includes('/bots/0/botId'))).toBe(true);
    expect(failures.some((f) => f.includes('/supportedChannelTypes/0'))).toBe(true);
  });

  it('is on a current numbered schema version @microsoft/app-manifest ships (one of the three newest), and $schema names it', () => {
    const manifest = JSON.parse(TEMPLATE) as Manifest;
    const shipped = fs
      .readdirSync(path.join(path.dirname(require.resolve('@microsoft/app-manifest/package.json')), 'build', 'json-schemas', 'teams'))
      .filter((d) => /^v\d+\.\d+$/.test(d))
      .map((d) => d.slice(1))
      .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
    expect(shipped.slice(-3)).toContain(manifest.manifestVersion);
    expect(manifest.$schema).toBe(`https://developer.microsoft.com/en-us/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`);
    expect(loadManifestSchema(manifest.manifestVersion)).toHaveProperty('properties.supportedChannelTypes');
  });

  it('uses Toolkit placeholders for the ids and domain, not hard-coded values', () => {
    expect(placeholdersIn(TEMPLATE)).toEqual(expect.arrayContaining(['TEAMS_APP_ID', 'BOT_ID', 'BOT_DOMAIN']));
    const manifest = JSON.parse(TEMPLATE) as Manifest & { id: string };
    expect(manifest.id).toBe('${{TEAMS_APP_ID}}');
    expect(manifest.bots[0].botId).toBe('${{BOT_ID}}');
    expect(manifest.composeExtensions[0].botId).toBe('${{BOT_ID}}');
  });

  it('offers the bot in personal, team and group chat scopes, taking files in chat (an owner sends a new policy version)', () => {
    const manifest = JSON.parse(TEMPLATE) as Manifest;
    expect(manifest.bots).toHaveLength(1);
    expect([...manifest.bots[0].scopes].sort()).toEqual(['groupChat', 'personal', 'team']);
    expect(manifest.bots[0].supportsFiles).toBe(true);
  });

  it('lists every command in the personal and in the team command lists', () => {
    const manifest = JSON.parse(TEMPLATE) as Manifest;
    const titlesFor = (scope: string) =>
      manifest.bots[0].commandLists.filter((l) => l.scopes.includes(scope)).flatMap((l) => l.commands.map((c) => c.title)).sort();
    const expected = Object.values(BotCommandTitles).sort();
    expect(titlesFor('personal')).toEqual(expected);
    expect(titlesFor('team')).toEqual(expected);
    expect(titlesFor('groupChat')).toEqual(expected);
  });

  it('has the message action that starts a concern report, fetching its dialog from the bot', () => {
    const { messageExtensionCommands } = readManifestCommands();
    expect(messageExtensionCommands).toEqual([
      expect.objectContaining({ id: MessageExtensionCommandIds.reportConcern, type: 'action', context: ['message'], fetchTask: true }),
    ]);
  });

  it('when a school installs it, then it asks for no private or shared channel (Teams may refuse bots there; the safeguarding team uses a standard channel of its own team), and names the bot app for webApplicationInfo', () => {
    const manifest = JSON.parse(TEMPLATE) as Manifest;
    expect(manifest.supportedChannelTypes).toBeUndefined();
    expect(manifest.webApplicationInfo).toEqual({ id: '${{BOT_ID}}', resource: 'api://botid-${{BOT_ID}}' });
    expect(manifest.validDomains).toEqual(['${{BOT_DOMAIN}}']);
  });

  it('when an IT lead reads the description, then it says where reports go as the guides do: never a private channel', () => {
    const { description } = JSON.parse(TEMPLATE) as { description: { short: string; full: string } };
    expect(description.full).not.toMatch(/private channel/i);
    expect(description.full).toContain('a channel of their own team, their group chat, or each of them in a 1:1 chat with the bot');
    expect(description.full).toMatch(/check a draft post/i);
  });

  it('declares no activity-feed types, since the app sends no activity-feed notifications', () => {
    const sources = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
    const usesActivityFeed = sources(path.join(ROOT, 'src')).some((f) =>
      /sendActivityNotification/.test(fs.readFileSync(f, 'utf8')));
    const manifest = JSON.parse(TEMPLATE) as Manifest;
    // If the app starts sending activity-feed nudges, the manifest must declare their activity types.
    expect(manifest.activities !== undefined).toBe(usesActivityFeed);
  });
});

describe('scripts/manifestCommands', () => {
  it('reads every bot command with all the scopes it is offered in', () => {
    const { botCommands } = readManifestCommands();
    expect(botCommands.map((c) => c.title).sort()).toEqual(Object.values(BotCommandTitles).sort());
    for (const command of botCommands) expect([...command.scopes].sort()).toEqual(['groupChat', 'personal', 'team']);
  });

  it('maps every manifest command and message action to a verb the cards use', () => {
    const { botCommands, messageExtensionCommands } = readManifestCommands();
    const known = new Set<string>(Object.values(Verbs));
    for (const name of [...botCommands.map((c) => c.title), ...messageExtensionCommands.map((c) => c.id)]) {
      expect({ name, verb: ManifestCommandVerbs[name] }).toEqual({ name, verb: expect.any(String) });
      expect(known.has(ManifestCommandVerbs[name])).toBe(true);
    }
    expect(ManifestCommandVerbs[BotCommandTitles.reportConcern]).toBe(Verbs.concernStart);
    expect(ManifestCommandVerbs[BotCommandTitles.checkMyPost]).toBe(Verbs.checkPostStart);
    expect(ManifestCommandVerbs[MessageExtensionCommandIds.reportConcern]).toBe(Verbs.concernStart);
  });
});
