import { CONCERN_FIELD_LIMITS, validateConcernForm } from '../../../../src/features/concerns/domain/concernValidation';
import { formFor } from './concernFakes';

describe('validateConcernForm', () => {
  test('when every needed field is filled, then a draft comes back with the text trimmed and urgency read', () => {
    const result = validateConcernForm(formFor('childSafety', { immediateDanger: 'true', whatHappened: '  words  ' }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.draft.kind).toBe('childSafety');
    expect(result.draft.immediateDanger).toBe(true);
    expect(result.draft.details.whatHappened).toBe('words');
  });

  test('when the form is half filled, then every typed value is kept and each missing field is named', () => {
    const typed = { kind: 'allegation', whatHappened: 'He said he was scared', where: 'Form room', immediateDanger: 'true', evidence: 'kept screenshot' };
    const result = validateConcernForm(typed);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.values).toMatchObject({
      kind: 'allegation', whatHappened: 'He said he was scared', where: 'Form room', evidence: 'kept screenshot', immediateDanger: true,
    });
    expect(result.problems.map((p) => p.field).sort()).toEqual(['peopleInvolved', 'whenHappened']);
    expect(result.problems.find((p) => p.field === 'whenHappened')?.message).toMatch(/When it happened/);
  });

  test('when no kind is chosen, then the kind is named as missing and nothing else is lost', () => {
    const result = validateConcernForm({ whatHappened: 'text', whenHappened: 'today' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.field)).toEqual(['kind']);
    expect(result.values.whatHappened).toBe('text');
  });

  test('when a field is over its limit, then it is named with the limit and the text is kept', () => {
    const long = 'x'.repeat(CONCERN_FIELD_LIMITS.whatHappened + 1);
    const result = validateConcernForm(formFor('other', { whatHappened: long }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([{ field: 'whatHappened', message: expect.stringContaining(`limit is ${CONCERN_FIELD_LIMITS.whatHappened}`) }]);
    expect(result.values.whatHappened).toBe(long);
  });

  test('when a field is far over its limit, then the kept text is capped so the returned card stays sendable', () => {
    const huge = 'y'.repeat(CONCERN_FIELD_LIMITS.evidence * 10);
    const result = validateConcernForm(formFor('other', { evidence: huge }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.values.evidence.length).toBe(CONCERN_FIELD_LIMITS.evidence * 2);
  });

  test("when a child's safety is reported with only what happened and when, then that is enough to send it", () => {
    expect(validateConcernForm({ kind: 'childSafety', whatHappened: 'A pupil told me something worrying', whenHappened: 'now' }).ok).toBe(true);
  });

  test('when the limits are generous, then a long honest account fits', () => {
    expect(CONCERN_FIELD_LIMITS.whatHappened).toBeGreaterThanOrEqual(4000);
    expect(validateConcernForm(formFor('other', { whatHappened: 'z'.repeat(5000) })).ok).toBe(true);
  });

  test('when the link is not a web address, then it is named', () => {
    const result = validateConcernForm(formFor('onlineAbuse', { link: 'not a link' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.field)).toEqual(['link']);
  });

  test('when online abuse is reported without a platform, then "where" is asked for', () => {
    const result = validateConcernForm(formFor('onlineAbuse', { where: '' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.field)).toEqual(['where']);
  });

  test('when the input is not an object, then every required field is named rather than throwing', () => {
    const result = validateConcernForm(undefined);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.field)).toEqual(['kind', 'whatHappened', 'whenHappened']);
  });
});
