import { DraftCheckResult } from '../../../../src/features/policy/drafts/draftChecker';
import { PASTED_DRAFT_WINDOW_MS } from '../../../../src/features/policy/teams/draftChecking';
import { BotHost, postActivity } from '../../../support/botHost';
import { startDraftFeatureHost } from '../../../support/draftFeatureHost';
import { FakeConnector, startFakeConnector } from '../../../support/fakeConnector';

/**
 * Staff shown the check my post form often paste their draft into the chat box instead (an outside walk-through, 29
 * Nov): their next message in the 1:1 chat, for a while after the form, is checked as the draft, unless it asks the
 * bot something. Over real HTTP, with a clock the test moves and a checker that records what it was given.
 */
describe('a draft pasted into the chat after the form', () => {
  let host: BotHost;
  let connector: FakeConnector;
  let clock = Date.parse('2026-11-30T09:00:00Z');
  const checked: string[] = [];
  const check = async (draft: string): Promise<DraftCheckResult> => { checked.push(draft); return { verdict: 'fine', concerns: [] }; };

  beforeAll(async () => {
    connector = await startFakeConnector({ ratePerSecond: 0 });
    host = await startDraftFeatureHost(check, { now: () => new Date(clock) });
  });
  afterAll(async () => {
    await host?.close();
    await connector?.close();
  });

  let n = 0;
  const say = (who: string, text: string, conversationType = 'personal') => postActivity(host.botUrl, {
    type: 'message', text, channelId: 'msteams', serviceUrl: connector.serviceUrl, id: `${who}-${n++}`,
    from: { id: `29:${who}`, aadObjectId: `aad-${who}`, name: who }, recipient: { id: '28:bot', name: 'School Policy Bot' },
    conversation: conversationType === 'personal' ? { id: `a:${who}`, conversationType, tenantId: 'tenant-1' } : { id: `19:${who}-group@thread.v2`, conversationType, isGroup: true, tenantId: 'tenant-1' },
    channelData: { tenant: { id: 'tenant-1' } },
  });

  it('when the message comes within the window, then it is checked; after the window, or after a draft was checked, it is not', async () => {
    await say('ann', 'check my post');
    clock += PASTED_DRAFT_WINDOW_MS - 1_000;
    await say('ann', 'Sunday roast at the Red Lion with the in-laws');
    expect(checked).toEqual(['Sunday roast at the Red Lion with the in-laws']);
    await say('ann', 'thank you');
    expect(checked).toHaveLength(1);

    await say('ann', 'check my post');
    clock += PASTED_DRAFT_WINDOW_MS + 1_000;
    await say('ann', 'Half term at last, off to Whitby');
    expect(checked).toHaveLength(1);
  });

  it('when the message asks the bot something, then it is not read as a draft; when someone else types, their message is theirs', async () => {
    await say('ben', 'check my post');
    for (const asked of ['Can I post photos of my class?', 'is it ok to share the fair poster', 'Am I allowed to add parents on Facebook', 'what does the policy say about WhatsApp groups']) {
      await say('ben', asked);
    }
    await say('cat', 'Lovely walk on the moors today');
    expect(checked).toHaveLength(1);
    await say('ben', 'Great turnout at the quiz night, thank you all!');
    expect(checked).toEqual(['Sunday roast at the Red Lion with the in-laws', 'Great turnout at the quiz night, thank you all!']);
  });

  it('when the form was asked for in a group chat, then a message there is never read as a draft', async () => {
    await say('dan', 'check my post', 'groupChat');
    await say('dan', 'Lovely walk on the moors today', 'groupChat');
    expect(checked).toHaveLength(2);
  });

  it('when the reply after the form is a word or two, or says no, then it is not a draft; "no thanks" ends the wait', async () => {
    const before = checked.length;
    await say('eve', 'check my post');
    for (const reply of ['ok', 'thanks', 'hi there', '?']) await say('eve', reply);
    expect(checked).toHaveLength(before);
    await say('eve', 'no thanks, forget it');
    await say('eve', 'Lovely walk on the moors today');
    expect(checked).toHaveLength(before);
    // A draft that merely starts with "No" is a draft.
    await say('eve', 'check my post');
    await say('eve', 'No school today, snow day! Sledging with the kids');
    expect(checked.slice(before)).toEqual(['No school today, snow day! Sledging with the kids']);
  });

  it('when a pasted draft starts with "Section", then it is a draft, not the section command; "section 5" is still the command', async () => {
    const before = checked.length;
    await say('fay', 'check my post');
    await say('fay', 'section 5');
    expect(checked).toHaveLength(before);
    await say('fay', 'Section 5 of the M62 is closed again, avoid if you can');
    expect(checked.slice(before)).toEqual(['Section 5 of the M62 is closed again, avoid if you can']);
  });

  it('when a message is edited after the form, then the edit is not read as a draft', async () => {
    const before = checked.length;
    await say('gus', 'check my post');
    await postActivity(host.botUrl, {
      type: 'messageUpdate', text: 'Lovely walk on the moors today', channelId: 'msteams', serviceUrl: connector.serviceUrl, id: `gus-${n++}`,
      from: { id: '29:gus', aadObjectId: 'aad-gus', name: 'gus' }, recipient: { id: '28:bot', name: 'School Policy Bot' },
      conversation: { id: 'a:gus', conversationType: 'personal', tenantId: 'tenant-1' }, channelData: { tenant: { id: 'tenant-1' }, eventType: 'editMessage' },
    });
    expect(checked).toHaveLength(before);
  });

  it('when a photo comes alone after the form, then the person is told the bot cannot see it and what to send, and the wait goes on', async () => {
    const before = checked.length;
    await say('hal', 'check my post');
    const sentBefore = connector.deliveries.length;
    await postActivity(host.botUrl, {
      type: 'message', channelId: 'msteams', serviceUrl: connector.serviceUrl, id: `hal-${n++}`,
      from: { id: '29:hal', aadObjectId: 'aad-hal', name: 'hal' }, recipient: { id: '28:bot', name: 'School Policy Bot' },
      conversation: { id: 'a:hal', conversationType: 'personal', tenantId: 'tenant-1' }, channelData: { tenant: { id: 'tenant-1' } },
      attachments: [{ contentType: 'image/png', contentUrl: 'http://127.0.0.1:1/photo.png' }],
    });
    expect(JSON.stringify(connector.deliveries.slice(sentBefore))).toContain('I cannot see photos or videos.');
    await say('hal', 'Sports day was a triumph, egg and spoon champion 2026');
    expect(checked.slice(before)).toEqual(['Sports day was a triumph, egg and spoon champion 2026']);
  });
});
