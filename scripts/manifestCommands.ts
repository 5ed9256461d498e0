/**
 * The commands the Teams app manifest offers, read from appPackage/manifest.json, and the card verb each
 * one leads to. A bot test can import these to check that every command the manifest names is handled:
 * `readManifestCommands()` is the manifest's own list; `ManifestCommandVerbs` says what handling means.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Verb, Verbs } from '../src/teams/verbs';
import { findRepoRoot } from './makeIcons';

/** A bot command as the manifest lists it, with every scope it is listed for. */
export interface ManifestBotCommand {
  title: string;
  description: string;
  scopes: string[];
}

/** A messaging-extension command (the message action that starts a concern report). */
export interface ManifestMessageExtensionCommand {
  id: string;
  type: 'query' | 'action';
  context: string[];
  fetchTask: boolean;
  title: string;
}

/** Everything the manifest says a user can invoke. */
export interface ManifestCommands {
  botCommands: ManifestBotCommand[];
  messageExtensionCommands: ManifestMessageExtensionCommand[];
}

/** Bot command titles, as typed (or picked from the command menu) in Teams. */
export const BotCommandTitles = {
  help: 'help',
  contents: 'contents',
  /** Typed with a number: "section 5", "section 3.1". */
  section: 'section',
  /** Opens the form for a draft post (the same as the welcome and help cards' "Check my post" button). */
  checkMyPost: 'check my post',
  reportConcern: 'report a concern',
  campaignStatus: 'campaign status',
} as const;

/** Messaging-extension command ids. */
export const MessageExtensionCommandIds = {
  /** Message action: "Report a concern" on a message's "..." menu; fetchTask opens the report form. */
  reportConcern: 'reportConcern',
} as const;

/** The card verb each bot command is answered with (the same result as pressing the card button). */
export const ManifestCommandVerbs: Readonly<Record<string, Verb>> = {
  [BotCommandTitles.help]: Verbs.showHelp,
  [BotCommandTitles.contents]: Verbs.showContents,
  [BotCommandTitles.section]: Verbs.readSection,
  [BotCommandTitles.checkMyPost]: Verbs.checkPostStart,
  [BotCommandTitles.reportConcern]: Verbs.concernStart,
  [BotCommandTitles.campaignStatus]: Verbs.campaignStatus,
  [MessageExtensionCommandIds.reportConcern]: Verbs.concernStart,
};

/** Reads the bot and messaging-extension commands from a manifest (default appPackage/manifest.json). */
export function readManifestCommands(manifestPath?: string): ManifestCommands {
  const file = manifestPath ?? path.join(findRepoRoot(), 'appPackage', 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    bots?: { commandLists?: { scopes: string[]; commands: { title: string; description: string }[] }[] }[];
    composeExtensions?: { commands?: Partial<ManifestMessageExtensionCommand>[] }[];
  };
  const byTitle = new Map<string, ManifestBotCommand>();
  for (const bot of manifest.bots ?? []) {
    for (const list of bot.commandLists ?? []) {
      for (const command of list.commands) {
        const known = byTitle.get(command.title) ?? { title: command.title, description: command.description, scopes: [] };
        known.scopes = [...new Set([...known.scopes, ...list.scopes])];
        byTitle.set(command.title, known);
      }
    }
  }
  const messageExtensionCommands: ManifestMessageExtensionCommand[] = [];
  for (const extension of manifest.composeExtensions ?? []) {
    for (const c of extension.commands ?? []) {
      messageExtensionCommands.push({
        id: String(c.id),
        type: c.type ?? 'query',
        context: c.context ?? ['compose', 'commandBox'],
        fetchTask: c.fetchTask ?? false,
        title: String(c.title),
      });
    }
  }
  return { botCommands: [...byTitle.values()], messageExtensionCommands };
}
