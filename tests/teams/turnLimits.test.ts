import fs from 'node:fs';
import path from 'node:path';
import { REPORT_CONCERN_COMMAND_ID } from '../../src/features/concerns';
import { createTurnLimits, isUrgentReport, limitedActivity, personOf, pressRefusalNotice, questionRefusalNotice, reportRefusalNotice } from '../../src/teams/turnLimits';
import { createLogger } from '../../src/shared/logger';
import { memorySharedRecords } from '../support/memorySharedRecords';
import { Verbs } from '../../src/teams/verbs';
import { REPO_ROOT } from '../support/repoRoot';

const COMMANDS = [REPORT_CONCERN_COMMAND_ID];
const execute = (verb: unknown, data: unknown) => ({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data } } });

describe('what the per-person limits count', () => {
  it('when a message arrives, then it is a question', () => {
    expect(limitedActivity({ type: 'message', text: 'help' }, COMMANDS)).toMatchObject({ kind: 'question' });
  });

  it('when the report form is sent, then it is a report, urgent when "Someone is in immediate danger" is ticked', () => {
    expect(limitedActivity(execute(Verbs.concernSubmit, { immediateDanger: 'false' }), COMMANDS)).toMatchObject({ kind: 'report', urgent: false, inTaskModule: false });
    expect(limitedActivity(execute(Verbs.concernSubmit, { immediateDanger: 'true' }), COMMANDS)).toMatchObject({ kind: 'report', urgent: true });
  });

  it('when a report that cannot wait is sent, then it goes as an urgent one does once the form would file it; one the form refuses is a press', () => {
    const cannotWait = (d: unknown) => (d as { howSoon?: string }).howSoon === 'today';
    const sendable = (d: unknown) => (d as { whatHappened?: string }).whatHappened !== '';
    const today = execute(Verbs.concernSubmit, { immediateDanger: 'false', howSoon: 'today', whatHappened: 'words' });
    expect(limitedActivity(today, COMMANDS, sendable, cannotWait)).toMatchObject({ kind: 'report', urgent: true });
    expect(limitedActivity(execute(Verbs.concernSubmit, { howSoon: 'today', whatHappened: '' }), COMMANDS, sendable, cannotWait)).toMatchObject({ kind: 'press' });
    expect(limitedActivity(execute(Verbs.concernSubmit, { howSoon: 'routine', whatHappened: 'words' }), COMMANDS, sendable, cannotWait)).toMatchObject({ kind: 'report', urgent: false });
  });

  it('when the "Report a concern" dialog is sent, then it is a report; its Next and Change kind steps are presses', () => {
    const submit = (data: unknown) => ({ type: 'invoke', name: 'composeExtension/submitAction', value: { commandId: REPORT_CONCERN_COMMAND_ID, data } });
    expect(limitedActivity(submit({ immediateDanger: true }), COMMANDS)).toMatchObject({ kind: 'report', urgent: true, inTaskModule: true });
    expect(limitedActivity(submit({ verb: Verbs.concernChooseKind }), COMMANDS)).toMatchObject({ kind: 'press' });
  });

  it.each([
    ['reading a section', execute(Verbs.readSection, { section: '5' })],
    ['another card verb', execute(Verbs.concernOpen, { reference: 'SG-2026-0001' })],
    ['adding details to a report', execute(Verbs.concernAddDetails, { reference: 'SG-2026-0001' })],
    ['an acknowledgement', execute(Verbs.acknowledge, {})],
    ['a card refreshing itself', { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: Verbs.concernOpen, data: {} }, trigger: 'automatic' } }],
    ['another message-extension command', { type: 'invoke', name: 'composeExtension/submitAction', value: { commandId: 'other' } }],
    ['a dialog opening', { type: 'invoke', name: 'composeExtension/fetchTask', value: { commandId: REPORT_CONCERN_COMMAND_ID } }],
    ['a task module fetch', { type: 'invoke', name: 'task/fetch', value: { data: {} } }],
    ['a search', { type: 'invoke', name: 'composeExtension/query', value: { commandId: 'search' } }],
    ['an Action.Submit press', { type: 'message', value: { verb: Verbs.concernStart } }],
    ['an invoke with junk', { type: 'invoke', name: 'adaptiveCard/action', value: 'junk' }],
    ['an invoke with no name', { type: 'invoke' }],
  ])('when %s arrives, then it is a press', (_what, activity) => {
    expect(limitedActivity(activity, COMMANDS)).toEqual({ kind: 'press', urgent: false, inTaskModule: false });
  });

  it.each([
    ['a conversation update', { type: 'conversationUpdate' }],
    ['an installation update', { type: 'installationUpdate' }],
    ['a typing indicator', { type: 'typing' }],
  ])('when %s arrives, then it costs nothing', (_what, activity) => {
    expect(limitedActivity(activity, COMMANDS)).toBeUndefined();
  });

  it('when "report a concern" is typed, then it is a press, as the button is, and a message that only mentions it is a question', () => {
    for (const text of ['report a concern', '  Report a Concern. ', '<at>School Policy Bot</at> report a concern']) {
      expect(limitedActivity({ type: 'message', text }, COMMANDS)).toMatchObject({ kind: 'press' });
    }
    expect(limitedActivity({ type: 'message', text: 'how do i report a concern about a parent' }, COMMANDS)).toMatchObject({ kind: 'question' });
    expect(limitedActivity({ type: 'message', text: `report a concern${' '.repeat(200)}` }, COMMANDS)).toMatchObject({ kind: 'question' });
  });

  it('when a message carries text, then it is a question even with card data', () => {
    expect(limitedActivity({ type: 'message', text: 'section 5', value: { verb: 'x' } }, COMMANDS)).toMatchObject({ kind: 'question' });
  });

  it('when the report form template carries the danger toggle, then it is the field the limits read', () => {
    const template = fs.readFileSync(path.join(REPO_ROOT, 'src/features/concerns/teams/cards/templates/concernForm.json'), 'utf8');
    expect(JSON.parse(template).body.some((e: { type?: string; id?: string }) => e.type === 'Input.Toggle' && e.id === 'immediateDanger')).toBe(true);
    expect(isUrgentReport({ immediateDanger: true })).toBe(true);
    expect(isUrgentReport({ immediateDanger: 'on' })).toBe(false);
  });

  it('when a person is named, then by their Entra object id, else their channel id', () => {
    expect(personOf({ from: { id: '29:x', name: 'X', aadObjectId: 'aad-x' } })).toBe('aad-x');
    expect(personOf({ from: { id: '29:x', name: 'X' } })).toBe('29:x');
  });

  it('when a person is told to wait, then the notice says when, and a report\'s notice says what to do if a child is in danger', () => {
    const now = Date.UTC(2026, 6, 1, 13, 0);
    expect(reportRefusalNotice(now + 10 * 60_000, now)).toMatch(/try again at 14:10 \(in about 10 minutes\).*DSL in person.*999/);
    expect(questionRefusalNotice(now + 60_000, now)).toMatch(/ask again at 14:01 \(in about 1 minute\).*type \*\*report a concern\*\*: that still opens the form.*999/);
    expect(pressRefusalNotice(now + 12_000, now)).toMatch(/nothing was done for this one.*press it again at 14:00 \(in about 1 minute\).*DSL in person/);
  });
});

describe('the per-person limits as the server asks them', () => {
  const BUDGETS = { reportsPerHour: 6, questionsPerHour: 60, pressesPerHour: 2 };
  const from = (aadObjectId: string) => ({ id: `29:${aadObjectId}`, name: aadObjectId, aadObjectId });
  const press = (aadObjectId: string, verb: string, trigger = 'manual') => ({
    type: 'invoke', name: 'adaptiveCard/action', from: from(aadObjectId), value: { action: { type: 'Action.Execute', verb, data: {} }, trigger },
  });
  // What the concern feature exempts: the DSL's Open (its cards' refresh) and nothing else.
  const exempt = (a: { from?: { aadObjectId?: string }; value?: unknown }) => a.from?.aadObjectId === 'aad-dsl'
    && (a.value as { action?: { verb?: string } }).action?.verb === Verbs.concernOpen;

  it.each([['in this process', false], ['in the shared records', true]])('when an activity is exempt (%s), then it is neither counted nor refused, and the same person\'s other presses still are', async (_where, shared) => {
    const limits = createTurnLimits({
      budgets: BUDGETS, reportCommandIds: COMMANDS, exempt, ...(shared ? { records: memorySharedRecords(Date.now) } : {}),
    }, createLogger('silent'));
    for (let i = 0; i < 10; i++) expect(await limits.answerOverBudgetInvoke(press('aad-dsl', Verbs.concernOpen, 'automatic'))).toBeUndefined();
    // A refresh of anything else, or anyone else's Open, is a press like any other.
    const others = [];
    for (let i = 0; i < 3; i++) others.push(await limits.answerOverBudgetInvoke(press('aad-dsl', Verbs.readSection, 'automatic')));
    expect(others.map((a) => a === undefined)).toEqual([true, true, false]);
    const outsider = [];
    for (let i = 0; i < 3; i++) outsider.push(await limits.answerOverBudgetInvoke(press('aad-outsider', Verbs.concernOpen, 'automatic')));
    expect(outsider.map((a) => a === undefined)).toEqual([true, true, false]);
    limits.close();
  });

  it('when a person presses Check on drafts, then each costs a question, not a press, and one over the budget says their draft is still in the card', async () => {
    expect(limitedActivity(press('aad-teacher', Verbs.checkPost), COMMANDS)).toMatchObject({ kind: 'question' });
    const limits = createTurnLimits({ budgets: { reportsPerHour: 6, questionsPerHour: 2, pressesPerHour: 300 }, reportCommandIds: COMMANDS }, createLogger('silent'));
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await limits.answerOverBudgetInvoke(press('aad-teacher', Verbs.checkPost)));
    expect(answers.slice(0, 2)).toEqual([undefined, undefined]);
    expect(JSON.stringify(answers[2])).toMatch(/Your draft is still in the card/);
    // Other presses still have their own budget.
    expect(await limits.answerOverBudgetInvoke(press('aad-teacher', Verbs.readSection))).toBeUndefined();
    limits.close();
  });

  it('when a person\'s refusal has already been told, then each further press is answered at once, not as a promise, with the notice', async () => {
    const limits = createTurnLimits({ budgets: BUDGETS, reportCommandIds: COMMANDS, records: memorySharedRecords(Date.now) }, createLogger('silent'));
    for (let i = 0; i < 3; i++) await limits.answerOverBudgetInvoke(press('aad-flooder', Verbs.readSection));
    const next = limits.answerOverBudgetInvoke(press('aad-flooder', Verbs.readSection));
    expect(next).not.toBeInstanceOf(Promise);
    expect(JSON.stringify(next)).toMatch(/pressed a lot of buttons/);
    limits.close();
  });
});
