import { renderConcernFormCard } from '../../../../../src/features/concerns/teams/cards/concernFormCard';
import { renderConcernReceiptCard } from '../../../../../src/features/concerns/teams/cards/concernReceiptCard';
import { emptyConcernForm } from '../../../../../src/features/concerns/domain/concernValidation';
import { routeSetupFormWarning } from '../../../../../src/features/concerns/domain/routeSetup';
import { cardProblems, shownText } from '../../../../support/cardAssertions';
import { testRouting } from '../../domain/concernFakes';

/**
 * Issue 44: while the safeguarding route is not configured, every report form warns at the top that reports cannot be
 * sent yet, and the receipt of a report that waits says plainly it has NOT been sent and to go to the DSL in person.
 */

const routing = testRouting();
const noPlace = { ...routing, destinations: { ...routing.destinations, dslChannel: undefined }, waiting: ['dslChannel' as const] };
const noSeniorManager = { ...routing, destinations: { ...routing.destinations, seniorManager: undefined }, waiting: ['seniorManager' as const] };

/** Where in the card's shown text a phrase first appears (-1 when absent). */
const at = (card: object, phrase: string) => shownText(card).indexOf(phrase);

describe('the report form and receipt while the route is not configured (issue 44)', () => {
  test('when the safeguarding team\'s route is not set up, then the warning says reports cannot be sent to the safeguarding team yet, to tell IT, and to go to the DSL in person or call 999', () => {
    const warning = routeSetupFormWarning(noPlace);
    expect(warning).toMatch(/^Reports cannot be sent to the safeguarding team yet/);
    expect(warning).toContain('Tell IT');
    expect(warning).toContain('go to the DSL or a deputy in person now, or call 999');
    expect(routeSetupFormWarning(routing)).toBeUndefined();
  });

  test.each([
    ['the first step (what kind)', { routeWarning: routeSetupFormWarning(noPlace) }, 'Step 1 of 2'],
    ['the second step', { values: emptyConcernForm({ kind: 'childSafety' }), routeWarning: routeSetupFormWarning(noPlace, 'childSafety') }, 'Step 2 of 2'],
    ['the message-action dialog', { values: emptyConcernForm({ attachedMessage: 'Message:\nhello' }), inTaskModule: true, routeWarning: routeSetupFormWarning(noPlace) }, 'Step 1 of 2'],
  ])('when %s is shown, then the warning is at the top, above the step, and the card is valid', (_what, input, step) => {
    const card = renderConcernFormCard(input);
    expect(cardProblems(card)).toEqual([]);
    expect(at(card, 'Reports cannot be sent to the safeguarding team yet')).toBeGreaterThanOrEqual(0);
    expect(at(card, 'Reports cannot be sent to the safeguarding team yet')).toBeLessThan(at(card, step));
    expect(JSON.stringify((card as { body: unknown[] }).body.slice(0, 2))).toContain('Reports cannot be sent');
  });

  test('when the route is configured, then the form carries no such warning', () => {
    expect(shownText(renderConcernFormCard())).not.toContain('cannot be sent');
    expect(shownText(renderConcernFormCard({ values: emptyConcernForm({ kind: 'childSafety' }) }))).not.toContain('cannot be sent');
  });

  test('when only the senior manager is not set up, then the first step names that route, the child-safety step has no warning, and the online-abuse step has it', () => {
    expect(routeSetupFormWarning(noSeniorManager)).toMatch(/^Reports cannot be sent to a senior manager yet/);
    expect(routeSetupFormWarning(noSeniorManager, 'childSafety')).toBeUndefined();
    expect(routeSetupFormWarning(noSeniorManager, 'onlineAbuse')).toMatch(/^Reports cannot be sent to a senior manager yet/);
  });

  test('when a report waits, then its receipt says plainly it has NOT been sent, to go to the DSL in person with the reference, and never that it is being delivered or has gone', () => {
    const card = renderConcernReceiptCard({ reference: 'SG-2026-7KQ4MX', urgent: false, intendedFor: 'dslChannel', waiting: true });
    expect(cardProblems(card)).toEqual([]);
    const text = shownText(card);
    expect(text).toContain('It has NOT been sent yet');
    expect(text).toContain('Go to the DSL or a deputy in person now and give them the reference SG-2026-7KQ4MX');
    expect(text).toContain('call 999');
    expect(text).not.toMatch(/being delivered|It has reached|Sent to/);
  });

  test('when an urgent report with fields missing waits, then the receipt asks for the rest without saying it went at once', () => {
    const card = renderConcernReceiptCard({ reference: 'SG-2026-7KQ4MX', urgent: true, intendedFor: 'dslChannel', waiting: true, missing: ['where'] });
    expect(cardProblems(card)).toEqual([]);
    const text = shownText(card);
    expect(text).toContain('It has NOT been sent yet');
    expect(text).not.toContain('It went at once');
    expect(text).toContain('Add to my report');
  });

  test('when a report about the headteacher waits, then the reporter is sent to a deputy DSL or the chair of governors, not the headteacher', () => {
    const text = shownText(renderConcernReceiptCard({ reference: 'SG-2026-7KQ4MX', urgent: false, intendedFor: 'chairOfGovernors', waiting: true, aboutHeadteacher: true }));
    expect(text).toContain('Go to a deputy DSL or the chair of governors in person now');
  });
});
