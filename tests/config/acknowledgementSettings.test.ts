import { parseAcknowledgementSettings } from '../../src/config/acknowledgementSettings';

describe('acknowledgement settings', () => {
  it('when nothing is set, then weekly reminders, four weeks to acknowledge and a yearly repeat are the defaults', () => {
    const { value, errors } = parseAcknowledgementSettings({}, 'production');
    expect(errors).toEqual([]);
    expect(value).toEqual({
      reminderIntervalDays: 7, defaultDueDays: 28, repeatYearly: true, managerDigest: false, scheduleMinutes: 15, azureTablePrefix: 'policybot', schoolHolidays: [],
    });
  });

  it('when the school holidays and a bank holiday file are set, then they are read; a bad range is named with how to write it', () => {
    const { value, errors } = parseAcknowledgementSettings({
      ACK_SCHOOL_HOLIDAYS: '2026-12-19..2027-01-03 Christmas holidays; 2027-01-04 INSET day', ACK_BANK_HOLIDAYS_FILE: '/home/data/bank-holidays.json',
    }, 'production');
    expect(errors).toEqual([]);
    expect(value.schoolHolidays).toEqual([{ from: '2026-12-19', to: '2027-01-03', name: 'Christmas holidays' }, { from: '2027-01-04', to: '2027-01-04', name: 'INSET day' }]);
    expect(value.bankHolidaysFile).toBe('/home/data/bank-holidays.json');
    const bad = parseAcknowledgementSettings({ ACK_SCHOOL_HOLIDAYS: '2027-01-03..2026-12-19; 19/12/2026' }, 'production');
    expect(bad.errors).toHaveLength(2);
    expect(bad.errors[0]).toMatch(/ACK_SCHOOL_HOLIDAYS: "2027-01-03..2026-12-19" is not a day or range \(write 2026-12-19..2027-01-03/);
  });

  it('when values are set, then they are read', () => {
    const { value, errors } = parseAcknowledgementSettings({
      ACK_REMINDER_INTERVAL_DAYS: '14', ACK_DEFAULT_DUE_DAYS: '21', ACK_REPEAT_YEARLY: 'no', ACK_EXPORT_SECRET: 'sixteen-chars-ok!',
      ACK_POLICY_URL: 'https://school.example/policy.pdf', ACK_SCHEDULE_MINUTES: '5', AZURE_TABLE_PREFIX: 'school42',
    }, 'production');
    expect(errors).toEqual([]);
    expect(value).toMatchObject({ reminderIntervalDays: 14, defaultDueDays: 21, repeatYearly: false, exportSecret: 'sixteen-chars-ok!', policyUrl: 'https://school.example/policy.pdf', scheduleMinutes: 5, azureTablePrefix: 'school42' });
  });

  it('when several values are wrong, then every problem is named at once', () => {
    const { errors } = parseAcknowledgementSettings({
      ACK_REMINDER_INTERVAL_DAYS: '-1', ACK_REPEAT_YEARLY: 'sometimes', ACK_EXPORT_SECRET: 'short', ACK_POLICY_URL: 'http://insecure',
      AZURE_TABLE_PREFIX: 'has-dash',
    }, 'production');
    expect(errors).toHaveLength(5);
    for (const name of ['ACK_REMINDER_INTERVAL_DAYS', 'ACK_REPEAT_YEARLY', 'ACK_EXPORT_SECRET', 'ACK_POLICY_URL', 'AZURE_TABLE_PREFIX']) {
      expect(errors.join('\n')).toContain(name);
    }
  });
});
