import { parseAcknowledgementSettings } from '../../src/config/acknowledgementSettings';

describe('acknowledgement settings', () => {
  it('when nothing is set, then weekly reminders, 30 days to acknowledge and a yearly repeat are the defaults', () => {
    const { value, errors } = parseAcknowledgementSettings({}, 'production');
    expect(errors).toEqual([]);
    expect(value).toEqual({ reminderIntervalDays: 7, defaultDueDays: 30, repeatYearly: true, managerDigest: false, scheduleMinutes: 15, azureTablePrefix: 'policybot' });
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
