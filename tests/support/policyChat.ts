import fs from 'node:fs';
import path from 'node:path';
import { DisclosureDetector } from '../../src/features/policy/disclosure/disclosureDetector';
import { parsePolicyText } from '../../src/features/policy/ingest/parsePolicy';
import { createPolicyLibrary } from '../../src/features/policy/policyLibrary';
import { QuestionLog } from '../../src/features/policy/teaching/questionLog';
import { createInMemoryTeachingLinkStore } from '../../src/features/policy/teaching/teachingLinks';
import { createPolicyFeature } from '../../src/features/policy/teams/policyFeature';
import { createLogger } from '../../src/shared/logger';
import { personalChatActivity, postActivity, startBotHost } from './botHost';
import { sendingStepOf } from './cardAssertions';
import { startFakeConnector } from './fakeConnector';
import { REPO_ROOT } from './repoRoot';

type Person = { id: string; aadObjectId: string; name: string };

/**
 * The policy feature on the bundled sample policy, served over HTTP by the product's bot app and answering through a
 * fake Bot Connector: what a component test of the chat talks to. Teaching links are kept in memory; the question log,
 * the disclosure detector and the owners are the test's.
 */
export interface PolicyChat {
  /** Posts a message typed in `from`'s 1:1 chat (answered 200); the activities the bot sent meanwhile. */
  say(text: string, from: Person): Promise<Record<string, unknown>[]>;
  /** Presses a card's button (Action.Execute) as `from`: what the invoke is answered with (a card or a text). */
  press(action: { verb: string; data: Record<string, unknown> }, from: Person): Promise<unknown>;
  /**
   * Asks a question in `from`'s 1:1 chat and sends it to the policy owners as its reply offers (at once on "not
   * covered", after No or "None of these" otherwise), with `typed` in the box: Send's answer. Throws when no send is offered.
   */
  askAndSend(text: string, from: Person, typed?: string): Promise<unknown>;
  close(): Promise<void>;
}

export async function startPolicyChat(options: { questions: QuestionLog; disclosure: DisclosureDetector; owners: string[] }): Promise<PolicyChat> {
  const file = path.join(REPO_ROOT, 'samples', 'policies', 'liverpool-model.txt');
  const library = createPolicyLibrary([parsePolicyText(fs.readFileSync(file, 'utf8'), 'liverpool-model.txt')]);
  const connector = await startFakeConnector({ ratePerSecond: 0 });
  const host = await startBotHost(() => [createPolicyFeature({
    library, questions: options.questions, disclosure: options.disclosure, teaching: createInMemoryTeachingLinkStore(),
    policyOwners: options.owners, logger: createLogger('silent'),
  })]);
  let seq = 0;
  const base = (from: Person) => personalChatActivity(connector.serviceUrl, from, `in-${++seq}`);
  const chat: PolicyChat = {
    async say(text, from) {
      const before = connector.deliveries.length;
      const res = await postActivity(host.botUrl, { ...base(from), type: 'message', text });
      if (res.status !== 200) throw new Error(`the message was answered ${res.status}`);
      return connector.deliveries.slice(before).map((d) => d.activity);
    },
    async press(action, from) {
      return (await postActivity(host.botUrl, {
        ...base(from), type: 'invoke', name: 'adaptiveCard/action', replyToId: 'card-1', value: { action: { type: 'Action.Execute', ...action }, trigger: 'manual' },
      })).body.value;
    },
    async askAndSend(text, from, typed = text) {
      let { send, first } = sendingStepOf(await chat.say(text, from));
      if (!send && first) send = sendingStepOf(await chat.press(first, from)).send;
      if (!send) throw new Error(`the reply to "${text}" offered no way to send it to the policy owners`);
      return chat.press({ verb: send.verb, data: { ...send.data, question: typed } }, from);
    },
    async close() {
      await host.close();
      await connector.close();
    },
  };
  return chat;
}
