import shipped from '../../../../src/features/acknowledgement/calendar/bank-holidays-england-and-wales.json';
import {
  createSchoolCalendar, defaultDueDate, easterSunday, estimatedChristmasBreak, parseBankHolidays,
} from '../../../../src/features/acknowledgement/domain/schoolCalendar';
import { atSchoolHour, dueDateWarning, nextSchoolDay } from '../../../../src/features/acknowledgement/domain/campaignDates';
import { manualClock } from './ackTestKit';
import { createCampaignService } from '../../../../src/features/acknowledgement/domain/campaignService';
import { DEFAULT_CAMPAIGN_RULES } from '../../../../src/features/acknowledgement/domain/campaignPorts';
import { memoryStore, person, policyVersion } from './ackTestKit';

const calendar = createSchoolCalendar({ bankHolidays: parseBankHolidays(shipped) });
const say = (iso: string) => iso;

describe('the school calendar a due date is checked against', () => {
  it('when Easter is computed, then it matches the years GOV.UK lists Good Friday for', () => {
    expect(['2024', '2025', '2026', '2027'].map((y) => easterSunday(Number(y)))).toEqual(['2024-03-31', '2025-04-20', '2026-04-05', '2027-03-28']);
    for (const h of parseBankHolidays(shipped).filter((e) => e.title === 'Good Friday')) {
      expect(easterSunday(Number(h.date.slice(0, 4)))).toBe(new Date(Date.parse(`${h.date}T00:00:00Z`) + 2 * 86_400_000).toISOString().slice(0, 10));
    }
  });

  it('when a day is a weekend, a bank holiday or in a break, then it says which', () => {
    expect(calendar.closedBecause('2026-12-25')).toBe('Christmas Day (a bank holiday)');
    expect(calendar.closedBecause('2026-12-28')).toBe('Boxing Day (a bank holiday)');
    expect(calendar.closedBecause('2026-11-28')).toBe('a Saturday');
    expect(calendar.closedBecause('2026-12-22')).toBe('the Christmas break');
    expect(calendar.closedBecause('2027-03-31')).toBe('the Easter break');
    expect(calendar.closedBecause('2026-12-18')).toBeUndefined();
    expect(calendar.closedBecause('2027-01-04')).toBeUndefined();
    expect(estimatedChristmasBreak(2026)).toMatchObject({ from: '2026-12-19', to: '2027-01-03' });
  });

  it('when a campaign starts on 25 November 2026 with no date given, then the default is a school day about four weeks on, not Christmas Day', async () => {
    expect(defaultDueDate('2026-11-25', calendar)).toBe('2026-12-18');
    const store = memoryStore();
    await store.savePolicyVersion(policyVersion('h1', '2026-09-01T00:00:00Z'));
    await store.upsertStaff([person(1)]);
    const service = createCampaignService({
      store, clock: () => new Date('2026-11-25T09:00:00Z'), rules: { ...DEFAULT_CAMPAIGN_RULES, calendar }, owners: ['owner'], primaryPolicyId: 'social-media',
    });
    const preview = await service.previewCampaign({ actorId: 'owner', audience: { kind: 'all' } });
    expect(preview.dueDate).toBe('2026-12-18');
    expect(preview.dueWarning).toBeUndefined();
    const christmas = await service.previewCampaign({ actorId: 'owner', audience: { kind: 'all' }, dueDate: '2026-12-25' });
    expect(christmas.dueWarning).toBe('2026-12-25 is Christmas Day (a bank holiday): staff may not be in school to see the card. Perhaps 2026-12-18 or 2027-01-04?');
  });

  it('when IT configures the school holidays, then they replace the estimated break and any other holiday counts', () => {
    const configured = createSchoolCalendar({
      bankHolidays: parseBankHolidays(shipped),
      schoolHolidays: [{ from: '2026-12-23', to: '2027-01-05', name: 'the Christmas holidays' }, { from: '2027-02-15', to: '2027-02-19', name: 'half term' }],
    });
    expect(configured.closedBecause('2026-12-21')).toBeUndefined();
    expect(configured.closedBecause('2027-01-05')).toBe('the Christmas holidays');
    expect(configured.closedBecause('2027-02-17')).toBe('half term');
    expect(defaultDueDate('2026-11-25', configured)).toBe('2026-12-22');
  });

  it('when the date is past the bank holiday list, then the owner is told to have it updated', () => {
    expect(dueDateWarning('2028-03-01', new Date('2027-10-01T00:00:00Z'), calendar, say)).toMatch(/bank holiday list ends in 2027: ask IT to update it \(ACK_BANK_HOLIDAYS_FILE\)/);
  });

  it('when the file is not GOV.UK\'s, then reading it fails with why', () => {
    expect(() => parseBankHolidays({ scotland: { events: [] } })).toThrow(/england-and-wales/);
    expect(() => parseBankHolidays({ 'england-and-wales': { events: [{ date: '2026-13-01', title: 'x' }] } })).toThrow(/event 1/);
  });
});

describe('when the yearly round starts, and when it is due', () => {
  it('when a date falls on a weekend or a closure, then the next school day is taken; nine o\'clock is the school\'s, in summer time or not', () => {
    expect(nextSchoolDay('2027-01-03')).toBe('2027-01-04');
    expect(nextSchoolDay('2027-01-06')).toBe('2027-01-06');
    expect(nextSchoolDay('2026-12-25', calendar) > '2026-12-28').toBe(true);
    expect(atSchoolHour('2027-07-01', 9, 'Europe/London').toISOString()).toBe('2027-07-01T08:00:00.000Z');
    expect(atSchoolHour('2027-01-04', 9, 'Europe/London').toISOString()).toBe('2027-01-04T09:00:00.000Z');
  });

  it('when a campaign is started late at night on a Saturday, then its next year\'s round is set for nine in the morning of a school day', async () => {
    const store = memoryStore();
    const clock = manualClock('2026-11-28T23:19:00.000Z');
    await store.savePolicyVersion(policyVersion('hash-v1', '2026-08-01T00:00:00.000Z'));
    await store.upsertStaff([person(1)]);
    const service = createCampaignService({ store, clock: clock.now, rules: { ...DEFAULT_CAMPAIGN_RULES, calendar }, owners: ['owner'], primaryPolicyId: 'social-media' });
    const { campaign } = await service.startCampaign({ actorId: 'owner', audience: { kind: 'all' }, dueDate: '2027-01-02' });
    // 28 November 2027 is a Sunday: the round starts on Monday 29 November at 09:00 in London.
    expect(campaign.nextRoundAt).toBe('2027-11-29T09:00:00.000Z');
    clock.set('2027-11-29T09:05:00.000Z');
    const { roundsStarted } = await service.runScheduledWork();
    const next = await store.getCampaign(roundsStarted[0]);
    // The span of the round before (35 days) ends on a Monday here: a school day, kept.
    expect(calendar.closedBecause(next!.dueDate)).toBeUndefined();
  });
});

