import { SubmitConcernResult } from '../../../../src/features/concerns/domain/concernReporting';
import { ConcernReport } from '../../../../src/features/concerns/domain/concernTypes';
import { validateConcernForm } from '../../../../src/features/concerns/domain/concernValidation';
import { renderConcernReceiptCard } from '../../../../src/features/concerns/teams/cards/concernReceiptCard';
import { createConcernForms } from '../../../../src/features/concerns/teams/concernForms';
import { reporterNoticeText } from '../../../../src/features/concerns/teams/concernMessaging';
import { cardProblems, shownText } from '../../../support/cardAssertions';
import { formFor, ORIGIN, REPORTER, testRouting } from '../domain/concernFakes';

/**
 * A report about the headteacher: wherever the reporter is told to go in person (it has not arrived, it is still being
 * delivered, it is urgent), they are sent to a deputy DSL or the chair of governors, never to "the DSL", who in many
 * schools is the headteacher. Reports not about the head keep sending them to the DSL or a deputy.
 */

const REFERENCE = 'SG-2026-7KQ4MX';
const HEAD_ROUTE = 'a deputy DSL or the chair of governors';

function report(aboutHeadteacher: boolean, urgent = false): ConcernReport {
  const r = validateConcernForm(formFor('allegation', { aboutHeadteacher: String(aboutHeadteacher), immediateDanger: String(urgent) }));
  if (!r.ok) throw new Error('invalid sample');
  return { ...r.draft, id: 1, reference: REFERENCE, reporter: REPORTER, origin: ORIGIN, submittedAt: '2026-03-02T09:00:00.000Z' };
}

/** "the DSL" said as a person to go to: "the DSL or a deputy", "the DSL in person" (not "a deputy DSL"). */
const SENDS_TO_THE_DSL = /\bthe DSL\b/;

describe('where the reporter of a report about the headteacher is sent in person', () => {
  test('when it has not arrived, then the message sends them to a deputy DSL or the chair of governors with the reference, never to the DSL', () => {
    const text = reporterNoticeText(report(true), 'notArrived', undefined, 'chairOfGovernors');
    expect(text).toContain(`Your report ${REFERENCE} has NOT reached anyone yet`);
    expect(text).toContain(`Please go to ${HEAD_ROUTE} in person now and give them the reference ${REFERENCE}.`);
    expect(text).toContain('call 999');
    expect(text).not.toMatch(SENDS_TO_THE_DSL);
  });

  test('when a report not about the headteacher has not arrived, then the message still sends them to the DSL or a deputy', () => {
    const text = reporterNoticeText(report(false), 'notArrived', undefined, 'headteacher');
    expect(text).toContain(`Please go to the DSL or a deputy in person now and give them the reference ${REFERENCE}.`);
  });

  test('when its receipt is brought up to date because it has not arrived, then the card sends them to a deputy DSL or the chair of governors, and nowhere to the DSL', () => {
    const card = renderConcernReceiptCard({ reference: REFERENCE, urgent: true, intendedFor: 'chairOfGovernors', arrival: 'notArrived', aboutHeadteacher: true });
    expect(cardProblems(card)).toEqual([]);
    const text = shownText(card);
    expect(text).toContain('It has NOT arrived: it has reached no one yet.');
    expect(text).toContain(`Go to ${HEAD_ROUTE} in person now and give them the reference ${REFERENCE}.`);
    expect(text).toContain(`call 999 or speak to ${HEAD_ROUTE} in person now`);
    expect(text).not.toMatch(SENDS_TO_THE_DSL);
  });

  test('when its receipt says it is being delivered, then "if it cannot wait" sends them to a deputy DSL or the chair of governors', () => {
    const text = shownText(renderConcernReceiptCard({ reference: REFERENCE, urgent: false, intendedFor: 'chairOfGovernors', aboutHeadteacher: true }));
    expect(text).toContain(`If it cannot wait, speak to ${HEAD_ROUTE} in person and quote the reference.`);
    expect(text).not.toMatch(SENDS_TO_THE_DSL);
  });

  test('when a receipt is about anyone else, then it sends them to the DSL or a deputy, as before', () => {
    const text = shownText(renderConcernReceiptCard({ reference: REFERENCE, urgent: true, intendedFor: 'dslChannel', arrival: 'notArrived' }));
    expect(text).toContain(`Go to the DSL or a deputy in person now and give them the reference ${REFERENCE}.`);
    expect(text).toContain('call 999 or speak to the DSL or a deputy in person now');
    expect(text).not.toContain(HEAD_ROUTE);
  });

  test('when an urgent report about the headteacher is filed from a message, then the dialog\'s closing words send them to a deputy DSL or the chair of governors', () => {
    const result = {
      ok: true, report: report(true, true), urgent: true, deliveredTo: 'chairOfGovernors', intendedFor: 'chairOfGovernors', waiting: false, missing: [], kindAssumed: false,
    } as Extract<SubmitConcernResult, { ok: true }>;
    const text = createConcernForms(testRouting()).filedText(result, '');
    expect(text).toContain(`If anyone is in immediate danger, call 999 or speak to ${HEAD_ROUTE} in person now.`);
    expect(text).not.toMatch(SENDS_TO_THE_DSL);
  });
});
