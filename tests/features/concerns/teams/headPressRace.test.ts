import { ConcernSettings } from '../../../../src/config/concernSettings';
import { createConcernTriageRoutes } from '../../../../src/features/concerns/teams/concernTriageRoutes';
import { ProactiveAdapter } from '../../../../src/teams/proactive';
import { BotApp } from '../../../../src/teams/botFeature';
import { Verbs } from '../../../../src/teams/verbs';
import { concernHarness } from '../domain/concernHarness';
import { formFor, ORIGIN, PEOPLE, REPORTER, SECRET_TEXT, testRouting } from '../domain/concernFakes';

/**
 * A second outside review (2026-11-29): the headteacher presses a button on their copy of a report just as a DSL marks it
 * as about them. The withdrawal ran, and then the press was answered with the whole case, which Teams shows until the chat
 * is reloaded. The triage routes over the real use cases and store; the marking lands between the head's read and the answer.
 */
test('when a DSL marks the report between the head\'s press being read and answered, then the head is answered that it was passed on, and their copy ends withdrawn', async () => {
  const h = concernHarness();
  const r = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor('allegation'));
  if (!r.ok) throw new Error('not stored');
  await h.outbox.processDue();
  const reference = r.report.reference;
  const onHeadsCopy: string[] = [];
  const withdraw = h.delivery.withdrawCopy.bind(h.delivery);
  h.delivery.withdrawCopy = async (report, copy) => {
    if (copy.messageId === 'msg-1') onHeadsCopy.push('withdrawn');
    return withdraw(report, copy);
  };
  const triage = {
    ...h.triage,
    openCase: async (...args: Parameters<typeof h.triage.openCase>) => {
      const c = await h.triage.openCase(...args);
      await h.triage.markAboutHeadteacher({ aadObjectId: PEOPLE.dsl, name: 'Dana DSL' }, reference);
      return c;
    },
  };
  const routes = createConcernTriageRoutes({
    settings: { routing: testRouting(), team: [] } as unknown as ConcernSettings, triage, adapter: {} as ProactiveAdapter, botAppId: '',
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined }, inTeamPlace: () => false, privatePlace: () => true,
  });
  const handlers = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  routes.register({ adaptiveCards: { actionExecute: (verb: string, fn: (...args: unknown[]) => Promise<unknown>) => handlers.set(verb, fn) } } as unknown as BotApp);
  let answered: unknown;
  const context = {
    activity: {
      type: 'invoke', name: 'adaptiveCard/action', replyToId: 'msg-1',
      from: { id: '29:head', aadObjectId: PEOPLE.headteacher, name: 'Hana Head' },
      conversation: { id: `a:${PEOPLE.headteacher}`, conversationType: 'personal' },
      value: { action: { verb: Verbs.concernOpen, data: { reference } } },
    },
    updateActivity: async (a: { id?: string }) => { if (a.id === 'msg-1') onHeadsCopy.push('updated with the case'); },
    sendActivity: async (a: { type?: string; value?: unknown }) => { if (a.type === 'invokeResponse') answered = a.value; return { id: 'x' }; },
  };
  await handlers.get(Verbs.concernOpen)!(context, {}, { reference });

  expect(JSON.stringify(answered)).toContain('passed on to someone else to deal with');
  expect(JSON.stringify(answered)).not.toContain(SECRET_TEXT.whatHappened);
  expect(onHeadsCopy.at(-1)).toBe('withdrawn');
  expect(onHeadsCopy).not.toContain('updated with the case');
});
