import { FakeConnector, FakeMember } from '../../../support/fakeConnector';
import { waitFor } from '../../../support/waitFor';
import { Person } from './concernBotDriver';

/** A person as the place's member list gives them (TeamsChannelAccount). */
export const member = (p: Person, userRole: 'user' | 'guest' = 'user'): FakeMember =>
  ({ id: p.id, aadObjectId: p.aadObjectId, name: p.name, userRole, tenantId: 'tenant-1' });

/** Waits for a condition the bot reaches on its own (a check started in the background); fails with what it saw. */
export async function eventually<T>(read: () => T, ok: (v: T) => boolean, what: string): Promise<T> {
  const found = await waitFor(() => {
    const v = read();
    return ok(v) ? { v } : undefined;
  }, { what, seen: read });
  return found.v;
}

/** What the fake connector saw the bot say: in a person's 1:1 chat (whichever id it opened it with) and in a place. */
export function connectorViews(connector: FakeConnector) {
  const chatsOf = (p: Person) => [`a:${p.aadObjectId}`, `a:${p.id}`, `a:personal-${p.id}`];
  return {
    /** Everything the bot said to a person in a 1:1 chat: plain text, or the cards' JSON. */
    saidTo: (p: Person) => connector.deliveries
      .filter((d) => chatsOf(p).includes(d.conversationId))
      .map((d) => (typeof d.activity.text === 'string' ? d.activity.text : JSON.stringify(d.activity.attachments ?? ''))),
    /** The posts the bot tried in a conversation (accepted or refused). */
    postsIn: (conversation: string) => connector.calls.filter((c) => c.method === 'POST' && c.conversationId.startsWith(conversation)),
    /** The alert cards that reached a person's 1:1 chat for a report. */
    alertsTo: (p: Person, reference: string) => connector.deliveries
      .filter((d) => chatsOf(p).includes(d.conversationId) && d.activity.attachments && JSON.stringify(d.activity).includes(`Safeguarding concern ${reference}`)),
  };
}
