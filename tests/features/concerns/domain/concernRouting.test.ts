import { resolveConcernRoute } from '../../../../src/features/concerns/domain/concernRouting';
import { CONCERN_KINDS, ConcernKind, DestinationRole } from '../../../../src/features/concerns/domain/concernTypes';
import { testRouting } from './concernFakes';

describe('resolveConcernRoute', () => {
  const expected: Record<ConcernKind, DestinationRole> = {
    childSafety: 'dslChannel',
    onlineAbuse: 'seniorManager',
    colleagueConduct: 'headteacher',
    allegation: 'headteacher',
    other: 'dslChannel',
  };

  test.each(CONCERN_KINDS.map((k) => [k, expected[k]]))('when a %s concern is routed, then it goes to %s', (kind, role) => {
    expect(resolveConcernRoute({ kind, aboutHeadteacher: false }, testRouting()).primary).toBe(role);
  });

  test('when an allegation is about the headteacher, then it goes to the chair of governors', () => {
    expect(resolveConcernRoute({ kind: 'allegation', aboutHeadteacher: true }, testRouting())).toEqual({
      primary: 'chairOfGovernors', fallback: 'deputyDsl',
    });
  });

  test("when a colleague's conduct concerns the headteacher, then it goes to the chair of governors", () => {
    expect(resolveConcernRoute({ kind: 'colleagueConduct', aboutHeadteacher: true }, testRouting()).primary).toBe('chairOfGovernors');
  });

  test.each(CONCERN_KINDS)('when a %s report is about the headteacher, then it goes to the chair of governors', (kind) => {
    expect(resolveConcernRoute({ kind, aboutHeadteacher: true }, testRouting()).primary).toBe('chairOfGovernors');
  });

  test.each(['headteacher', 'dslChannel', 'chairOfGovernors'] as const)('when the fallback is %s and the report is about the headteacher, then the fallback is the deputy DSL instead', (fallback) => {
    const route = resolveConcernRoute({ kind: 'allegation', aboutHeadteacher: true }, testRouting({ fallback }));
    expect(route).toEqual({ primary: 'chairOfGovernors', fallback: 'deputyDsl' });
  });

  test('when the fallback is the primary route itself, then another route is used as the fallback', () => {
    const route = resolveConcernRoute({ kind: 'childSafety', aboutHeadteacher: false }, testRouting({ fallback: 'dslChannel' }));
    expect(route).toEqual({ primary: 'dslChannel', fallback: 'deputyDsl' });
  });

  test('when the table routes a kind elsewhere, then the table wins', () => {
    const table = testRouting();
    const routes = { ...table.routes, onlineAbuse: 'dslChannel' as const };
    expect(resolveConcernRoute({ kind: 'onlineAbuse', aboutHeadteacher: false }, { ...table, routes }).primary).toBe('dslChannel');
  });
});
