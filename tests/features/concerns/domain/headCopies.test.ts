import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { markAboutHeadteacher } from '../../../../src/features/concerns/domain/aboutHeadteacherMark';
import { fallbackReason, formatConcernRecord } from '../../../../src/features/concerns/domain/concernRecord';
import { renderConcernTriageCard } from '../../../../src/features/concerns/teams/cards/concernTriageCard';
import { ConcernActor } from '../../../../src/features/concerns/domain/concernTypes';
import { headteacherAttemptText, reporterNoticeText } from '../../../../src/features/concerns/teams/concernMessaging';
import { formFor, ORIGIN, PEOPLE, RecordingDelivery, RecordingNotifier, REPORTER, testRouting } from './concernFakes';
import { concernHarness } from './concernHarness';

const HEAD: ConcernActor = { aadObjectId: PEOPLE.headteacher, name: 'Hana Head' };
const DSL: ConcernActor = { aadObjectId: PEOPLE.dsl, name: 'Dana DSL' };
const HEAD_CHAT = `a:${PEOPLE.headteacher}`;

/** An allegation (it goes to the headteacher, 1:1) delivered, as the head would have it before anyone knew it was about them. */
async function allegationWithHead(delivery?: RecordingDelivery) {
  const h = concernHarness(delivery ? { delivery } : {});
  const r = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('allegation'));
  if (!r.ok) throw new Error('not stored');
  await h.outbox.processDue();
  return { h, reference: r.report.reference };
}

describe('copies of a report the headteacher holds, when it proves to be about them', () => {
  test('when the team marks a report the head was sent as about the head, then the outbox withdraws the head\'s copy and records it', async () => {
    const { h, reference } = await allegationWithHead();
    expect(h.delivery.posts.map((p) => p.role)).toEqual(['headteacher']);

    await h.triage.markAboutHeadteacher(DSL, reference);
    expect(h.delivery.withdrawn).toEqual([{ conversationId: HEAD_CHAT, messageId: 'msg-1', reference }]);
    const c = (await h.store.getCase(reference))!;
    expect(c.events.filter((e) => e.type === 'copyWithdrawn')).toHaveLength(1);
    expect(formatConcernRecord(c)).toContain('A copy the headteacher held was withdrawn');
    // Run again: nothing more is withdrawn (each copy once).
    h.clock.advance(5 * 60_000);
    await h.outbox.processDue();
    expect(h.delivery.withdrawn).toHaveLength(1);
  });

  test('when the head opened the case in their own chat before it was marked, then that copy is withdrawn too; a copy kept for anyone else is not kept', async () => {
    const { h, reference } = await allegationWithHead();
    const opened = await h.triage.openCase(HEAD, reference);
    await h.triage.keepCopyShown(HEAD, opened, { conversationId: HEAD_CHAT, messageId: 'opened-by-head' });
    const byDsl = await h.triage.openCase(DSL, reference);
    await h.triage.keepCopyShown(DSL, byDsl, { conversationId: `a:${PEOPLE.dsl}`, messageId: 'opened-by-dsl' });

    await h.triage.markAboutHeadteacher(DSL, reference);
    expect(h.delivery.withdrawn.map((w) => w.messageId).sort()).toEqual(['msg-1', 'opened-by-head']);
    // The export lists where the head opened it (the audit) and each withdrawal.
    const record = formatConcernRecord((await h.store.getCase(reference))!);
    expect(record).toContain('Shown in the headteacher\'s own chat');
    expect(record.match(/A copy the headteacher held was withdrawn/g)).toHaveLength(2);
  });

  test('when the head\'s copy is kept after the report was already marked (they opened it at the same moment), then it is withdrawn at once', async () => {
    const { h, reference } = await allegationWithHead();
    const opened = await h.triage.openCase(HEAD, reference);
    await h.triage.markAboutHeadteacher(DSL, reference);
    expect(h.delivery.withdrawn.map((w) => w.messageId)).toEqual(['msg-1']);

    // The card the head opened was posted just after the marking; keeping it finds the case marked.
    await h.triage.keepCopyShown(HEAD, opened, { conversationId: HEAD_CHAT, messageId: 'opened-late' });
    expect(h.delivery.withdrawn.map((w) => w.messageId)).toEqual(['msg-1', 'opened-late']);
  });

  test('when one instance is posting the head\'s copy as another marks the report and runs its withdrawal, then the copy is withdrawn once it is recorded', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'head-copies-')), 'concerns.db');
    const deliveryA = new RecordingDelivery();
    const a = concernHarness({ file, delivery: deliveryA });
    const b = concernHarness({ file });
    // While A posts to the head (before it records the delivery), B marks the report and runs its own outbox: B's
    // withdrawal finds no copy yet, and B sends the report to the chair.
    const deliver = deliveryA.deliver.bind(deliveryA);
    deliveryA.deliver = async (role, address, concern, options) => {
      const posted = await deliver(role, address, concern, options);
      if (role === 'headteacher') await b.triage.markAboutHeadteacher(DSL, concern.report.reference);
      return posted;
    };
    const r = await a.reporting.submitConcern(REPORTER, ORIGIN, formFor('allegation'));
    if (!r.ok) throw new Error('not stored');
    await a.outbox.processDue();

    expect(deliveryA.posts.map((p) => p.role)).toEqual(['headteacher']);
    expect(b.delivery.posts.map((p) => p.role)).toEqual(['chairOfGovernors']);
    expect(b.delivery.withdrawn).toEqual([]);
    // A read the case again once its copy was recorded, found it marked, and withdrew the copy.
    expect(deliveryA.withdrawn.map((w) => w.messageId)).toEqual(['msg-1']);
  });

  test('when Teams cannot be reached, then the withdrawal is tried again a minute later, until it works', async () => {
    const delivery = new RecordingDelivery();
    const { h, reference } = await allegationWithHead(delivery);
    delivery.withdrawFails = 'HTTP_503';
    await h.triage.markAboutHeadteacher(DSL, reference);
    expect(delivery.withdrawn).toEqual([]);
    let c = (await h.store.getCase(reference))!;
    expect(c.events.filter((e) => e.type === 'routeFailed' && e.data.notice === 'withdraw').map((e) => e.data.final)).toEqual(['false']);
    expect(formatConcernRecord(c)).toContain('Could not withdraw a copy the headteacher holds (HTTP_503): it is tried again');

    h.clock.advance(61_000);
    await h.outbox.processDue();
    expect(delivery.withdrawn).toEqual([]);
    delivery.withdrawFails = undefined;
    h.clock.advance(61_000);
    await h.outbox.processDue();
    expect(delivery.withdrawn.map((w) => w.messageId)).toEqual(['msg-1']);
    c = (await h.store.getCase(reference))!;
    expect(c.events.filter((e) => e.type === 'copyWithdrawn')).toHaveLength(1);
    expect(h.logLines()).not.toMatch(/Something happened|What happened/i);
  });

  test('when Teams says the message is gone (404), or the failure lasts ten runs, then it is recorded as given up and logged as an error, not tried for ever', async () => {
    const gone = new RecordingDelivery();
    const first = await allegationWithHead(gone);
    gone.withdrawFails = 'HTTP_404';
    await first.h.triage.markAboutHeadteacher(DSL, first.reference);
    first.h.clock.advance(10 * 60_000);
    await first.h.outbox.processDue();
    const goneCase = (await first.h.store.getCase(first.reference))!;
    expect(goneCase.events.filter((e) => e.type === 'routeFailed' && e.data.notice === 'withdraw').map((e) => e.data.final)).toEqual(['true']);
    // The chair is told the head may still hold a copy, once, with nothing of the report.
    expect(gone.alerts.map((a) => [a.reference, a.attempt.operation, a.role])).toEqual([[first.reference, 'copyNotWithdrawn', undefined]]);
    const told = headteacherAttemptText(first.reference, gone.alerts[0].attempt);
    expect(told).toContain(`concern ${first.reference} is about the headteacher, and a copy of it in their Teams chat could not be withdrawn`);
    expect(told).not.toMatch(/shouted|pupil/i);
    expect(formatConcernRecord(goneCase)).toContain('Chair of governors alerted that a copy the headteacher holds could not be withdrawn');

    const down = new RecordingDelivery();
    const second = await allegationWithHead(down);
    down.withdrawFails = 'HTTP_503';
    await second.h.triage.markAboutHeadteacher(DSL, second.reference);
    for (let run = 0; run < 15; run++) {
      second.h.clock.advance(61_000);
      await second.h.outbox.processDue();
    }
    const failures = (await second.h.store.getCase(second.reference))!.events.filter((e) => e.type === 'routeFailed' && e.data.notice === 'withdraw');
    expect(failures.length).toBe(11);
    expect(failures.at(-1)!.data.final).toBe('true');
    expect(failures.slice(0, -1).every((e) => e.data.final === 'false')).toBe(true);
    expect(second.h.logLines().includes('could not withdraw a copy the headteacher holds of a report about them')).toBe(true);
    expect(down.alerts.map((a) => a.attempt.operation)).toEqual(['copyNotWithdrawn']);
  });
});

describe('a report marked as about the headteacher twice at once', () => {
  test('when two members press "About the headteacher?" at the same moment, then the chair gets the report once', async () => {
    const { h, reference } = await allegationWithHead();
    const deputy: ConcernActor = { aadObjectId: PEOPLE.deputy, name: 'Dev Deputy' };
    await Promise.all([h.triage.markAboutHeadteacher(DSL, reference), h.triage.markAboutHeadteacher(deputy, reference)]);
    h.clock.advance(5 * 60_000);
    await h.outbox.processDue();

    expect(h.delivery.posts.map((p) => p.role)).toEqual(['headteacher', 'chairOfGovernors']);
    expect(h.delivery.withdrawn.map((w) => w.messageId)).toEqual(['msg-1']);
    const c = (await h.store.getCase(reference))!;
    expect(c.events.filter((e) => e.type === 'markedAboutHeadteacher').length).toBeGreaterThanOrEqual(1);
  });
});

describe('a second marking stored after the chair already had the report', () => {
  test('when it was worked out from a read before the first (the reporter\'s details, or a second member), then the chair is not sent it again and no one is told it did not arrive', async () => {
    const { h, reference } = await allegationWithHead();
    const stale = (await h.store.getCase(reference))!;
    await h.triage.markAboutHeadteacher(DSL, reference);
    const second = markAboutHeadteacher(stale, { actorId: REPORTER.aadObjectId, actorName: REPORTER.name, at: h.clock.now(), routing: testRouting(), headteacherId: PEOPLE.headteacher });
    await h.store.append(stale.report.id, second.events, second.tasks);
    await h.outbox.processDue();
    h.clock.advance(3 * 60_000);
    await h.outbox.processDue();

    expect(h.delivery.posts.map((p) => p.role)).toEqual(['headteacher', 'chairOfGovernors']);
    expect(h.notifier.notices.map((n) => n.notice)).not.toContain('notArrived');
    const c = (await h.store.getCase(reference))!;
    expect(c.events.filter((e) => e.type === 'undeliveredAlerted')).toEqual([]);
  });

  test('when neither marking reached anyone, then those who may hear of it are told once, and the reporter only if it was their own details', async () => {
    const delivery = new RecordingDelivery();
    const { h, reference } = await allegationWithHead(delivery);
    delivery.failing.add('chairOfGovernors');
    delivery.failing.add('deputyDsl');
    const stale = (await h.store.getCase(reference))!;
    await h.triage.markAboutHeadteacher(DSL, reference);
    const second = markAboutHeadteacher(stale, { actorId: PEOPLE.deputy, actorName: 'Dev Deputy', at: h.clock.now(), routing: testRouting(), headteacherId: PEOPLE.headteacher });
    await h.store.append(stale.report.id, second.events, second.tasks);
    h.clock.advance(3 * 60_000);
    await h.outbox.processDue();

    const c = (await h.store.getCase(reference))!;
    expect(c.events.filter((e) => e.type === 'undeliveredAlerted').map((e) => e.data.marked)).toEqual(['true']);
    expect(h.notifier.notices.map((n) => n.notice)).not.toContain('notArrived');
  });
});

describe('a report that reaches the fallback route', () => {
  test('when the route its receipt named fails and the fallback takes it, then the reporter is told where it went; after a team\'s marking they are told nothing of it', async () => {
    const delivery = new RecordingDelivery();
    delivery.failing.add('headteacher');
    const { h, reference } = await allegationWithHead(delivery);
    expect(delivery.posts.map((p) => p.role)).toEqual(['deputyDsl']);
    expect(h.notifier.notices).toEqual([{ reference, notice: 'rerouted', deliveredTo: 'deputyDsl' }]);
    const report = (await h.store.getCase(reference))!.report;
    expect(reporterNoticeText(report, 'rerouted', 'deputyDsl', 'headteacher'))
      .toBe(`Your report ${reference} could not be delivered to the headteacher, so it has gone to the Deputy Designated Safeguarding Lead instead. There is no need to report it again.`);

    const marked = new RecordingDelivery();
    const second = await allegationWithHead(marked);
    marked.failing.add('chairOfGovernors');
    await second.h.triage.markAboutHeadteacher(DSL, second.reference);
    expect(marked.posts.map((p) => p.role)).toEqual(['headteacher', 'deputyDsl']);
    expect(second.h.notifier.notices.map((n) => n.notice)).not.toContain('rerouted');
    // The deputy's card says first why it came to them, not to the chair.
    const atDeputy = (await second.h.store.getCase(second.reference))!;
    expect(fallbackReason(atDeputy)).toBe('Sent to the Deputy Designated Safeguarding Lead as the fallback route: the chair of governors could not be reached.');
    // The card the deputy is first sent says it too (the delivery is recorded only once it has been posted).
    expect(marked.fallbackReasons).toEqual([undefined, 'Sent to the Deputy Designated Safeguarding Lead as the fallback route: the chair of governors could not be reached.']);
    expect(JSON.stringify(renderConcernTriageCard({ concern: atDeputy, team: [], refreshUserIds: [], canAssign: false })))
      .toContain('as the fallback route: the chair of governors could not be reached.');
    expect(fallbackReason((await h.store.getCase(reference))!)).toBe('Sent to the Deputy Designated Safeguarding Lead as the fallback route: the headteacher could not be reached.');
  });

  test('when the chair is not set up, then a report about the head that the deputy gets says so; one delivered where it was meant to go says nothing', async () => {
    const routing = testRouting();
    const h = concernHarness({ routing: { ...routing, destinations: { ...routing.destinations, chairOfGovernors: undefined } } });
    const r = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('allegation', { aboutHeadteacher: 'true' }));
    if (!r.ok) throw new Error('not stored');
    await h.outbox.processDue();
    const atDeputy = (await h.store.getCase(r.report.reference))!;
    expect(fallbackReason(atDeputy)).toBe('Sent to the Deputy Designated Safeguarding Lead as the fallback route: the chair of governors is not set up in the bot.');
    // The reporter is told it went to the deputy because the chair is not set up, not that delivery to the chair failed.
    expect(h.notifier.notices).toEqual([{ reference: r.report.reference, notice: 'rerouted', deliveredTo: 'deputyDsl' }]);
    expect(reporterNoticeText(atDeputy.report, 'rerouted', 'deputyDsl', 'chairOfGovernors', atDeputy))
      .toBe(`Your report ${r.report.reference} has gone to the Deputy Designated Safeguarding Lead, because the chair of governors is not set up to receive reports in this bot. There is no need to report it again.`);
    const refused = new RecordingDelivery();
    refused.failing.add('headteacher');
    const failedHead = await allegationWithHead(refused);
    const atDeputyAfterFailure = (await failedHead.h.store.getCase(failedHead.reference))!;
    expect(reporterNoticeText(atDeputyAfterFailure.report, 'rerouted', 'deputyDsl', 'headteacher', atDeputyAfterFailure)).toContain('could not be delivered to the headteacher');
    const plain = await allegationWithHead();
    expect(fallbackReason((await plain.h.store.getCase(plain.reference))!)).toBeUndefined();
  });
});

describe('what the reporter is told after the team marks their report as about the headteacher', () => {
  test('when a notice to them is retried, or the report is read, after the marking, then it names no new place and reads as they sent it', async () => {
    const told: { notice: string; deliveredTo?: string; aboutHeadteacher: boolean }[] = [];
    let down = true;
    const notifier = new RecordingNotifier();
    notifier.notify = async (report, notice, deliveredTo) => {
      if (down) throw Object.assign(new Error('reporter unreachable'), { code: 'HTTP_503' });
      told.push({ notice, ...(deliveredTo ? { deliveredTo } : {}), aboutHeadteacher: report.aboutHeadteacher });
    };
    const delivery = new RecordingDelivery();
    delivery.failing.add('headteacher');
    const h = concernHarness({ delivery, notifier });
    const r = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('allegation'));
    if (!r.ok) throw new Error('not stored');
    await h.outbox.processDue();
    expect(delivery.posts.map((p) => p.role)).toEqual(['deputyDsl']);
    // The deputy, who has it, marks it as about the headteacher; the reporter's chat comes back.
    await h.triage.markAboutHeadteacher({ aadObjectId: PEOPLE.deputy, name: 'Dev Deputy' }, r.report.reference);
    down = false;
    h.clock.advance(2 * 60_000);
    await h.outbox.processDue();
    await h.triage.acknowledge({ aadObjectId: PEOPLE.chair, name: 'Chris Chair' }, r.report.reference);

    expect(told).toEqual([
      // Queued before the marking: where it went then, as they sent it.
      { notice: 'rerouted', deliveredTo: 'deputyDsl', aboutHeadteacher: false },
      // Read by the chair: "the person dealing with it", never "the chair of governors".
      { notice: 'acknowledged', aboutHeadteacher: false },
    ]);
  });
});

describe('a report the headteacher had acknowledged, marked as about them', () => {
  test('when it reaches the chair, then it is new to them and held by no one until they acknowledge it; the head\'s acknowledgement stays in the record', async () => {
    const { h, reference } = await allegationWithHead();
    await h.triage.acknowledge(HEAD, reference);
    const marked = await h.triage.markAboutHeadteacher(DSL, reference);
    expect(marked.status).toBe('new');
    const card = JSON.stringify(renderConcernTriageCard({ concern: marked, team: [], refreshUserIds: [], canAssign: false }));
    expect(card).toContain('Nobody yet: acknowledge it to take it');
    expect(card).not.toContain('Hana Head (acknowledged it');
    const byChair = await h.triage.acknowledge({ aadObjectId: PEOPLE.chair, name: 'Chris Chair' }, reference);
    expect(byChair.status).toBe('acknowledged');
    expect(JSON.stringify(renderConcernTriageCard({ concern: byChair, team: [], refreshUserIds: [], canAssign: false }))).toContain('Acknowledged by Chris Chair');
    expect(formatConcernRecord(byChair)).toMatch(/Hana Head: Acknowledged[\s\S]*Chris Chair: Acknowledged/);
  });
});

describe('the same card kept again', () => {
  test('when the head presses the same card several times, or the card they were sent, then the record keeps each message once', async () => {
    const { h, reference } = await allegationWithHead();
    const opened = await h.triage.openCase(HEAD, reference);
    for (let press = 0; press < 3; press++) {
      await h.triage.keepCopyShown(HEAD, opened, { conversationId: HEAD_CHAT, messageId: 'pressed-card' });
      await h.triage.keepCopyShown(HEAD, opened, { conversationId: HEAD_CHAT, messageId: 'msg-1' });
    }
    const c = (await h.store.getCase(reference))!;
    expect(c.events.filter((e) => e.type === 'copyShown').map((e) => e.data.messageId)).toEqual(['pressed-card']);
    await h.triage.markAboutHeadteacher(DSL, reference);
    expect(h.delivery.withdrawn.map((w) => w.messageId).sort()).toEqual(['msg-1', 'pressed-card']);
  });
});
