import { DEFAULT_ROSTER_FILE, parseDeliverySettings } from '../../src/config/deliverySettings';

const productionBase = {
  GRAPH_TENANT_ID: 'tenant-1', GRAPH_CLIENT_ID: 'client-1', GRAPH_CLIENT_SECRET: 'secret-1', TEAMS_APP_ID: 'manifest-1',
};

describe('delivery settings', () => {
  it('when STAFF_SYNC_MINUTES is unset, then staff are synced hourly; a bad value is named', () => {
    expect(parseDeliverySettings({}, 'local').value.syncMinutes).toBe(60);
    expect(parseDeliverySettings({ STAFF_SYNC_MINUTES: '15' }, 'local').value.syncMinutes).toBe(15);
    expect(parseDeliverySettings({ STAFF_SYNC_MINUTES: 'hourly' }, 'local').errors.join()).toContain('STAFF_SYNC_MINUTES');
  });

  it('when STAFF_SYNC_MINUTES is zero, negative or longer than a day, then the setting is named as wrong; a day is allowed', () => {
    for (const bad of ['0', '-5', '1441', '10080']) {
      expect(parseDeliverySettings({ STAFF_SYNC_MINUTES: bad }, 'local').errors).toEqual([expect.stringContaining('STAFF_SYNC_MINUTES must be')]);
    }
    expect(parseDeliverySettings({ STAFF_SYNC_MINUTES: '1440' }, 'local')).toMatchObject({ errors: [], value: { syncMinutes: 1440 } });
  });

  it('when SEND_ARRIVAL_SPREAD_MS is unset, then requests are counted over a second and 25 ms; a wrong value is named', () => {
    expect(parseDeliverySettings({}, 'local').value.sendArrivalSpreadMs).toBe(25);
    expect(parseDeliverySettings({ SEND_ARRIVAL_SPREAD_MS: '60' }, 'local').value.sendArrivalSpreadMs).toBe(60);
    for (const bad of ['0', '-5', 'lots']) {
      expect(parseDeliverySettings({ SEND_ARRIVAL_SPREAD_MS: bad }, 'local').errors.join()).toContain('SEND_ARRIVAL_SPREAD_MS');
    }
  });

  it('when the process restarts, then it keeps its worker id, so it takes back its own claims at once', () => {
    // The restart comes five minutes later on a clock the test moves, so an id drawn from the time would change.
    jest.useFakeTimers({ now: Date.UTC(2026, 10, 26, 9) });
    try {
      const first = parseDeliverySettings({}, 'local').value.workerId;
      jest.setSystemTime(Date.UTC(2026, 10, 26, 9, 5));
      expect(parseDeliverySettings({}, 'local').value.workerId).toBe(first);
    } finally {
      jest.useRealTimers();
    }
    expect(parseDeliverySettings({ WEBSITE_INSTANCE_ID: 'instance-a1' }, 'local').value.workerId).toBe('instance-a1');
    expect(parseDeliverySettings({ WEBSITE_INSTANCE_ID: 'instance-a1', WORKER_ID: 'chosen' }, 'local').value.workerId).toBe('chosen');
  });

  it('when local mode has no Graph settings, then staff come from the sample roster and the Teams limits are the defaults', () => {
    const { value, errors } = parseDeliverySettings({}, 'local');

    expect(errors).toEqual([]);
    expect(value.directory).toEqual({ kind: 'roster', rosterFile: DEFAULT_ROSTER_FILE });
    expect(value.graph).toBeUndefined();
    expect(value.sendRatePerSecond).toBe(50);
    expect(value.installRatePerSecond).toBe(30);
  });

  it('when production has a client secret and a staff group, then Graph reads that group on the configured base URL', () => {
    const { value, errors } = parseDeliverySettings({
      ...productionBase, STAFF_GROUP_ID: 'group-1', GRAPH_BASE_URL: 'https://127.0.0.1:8443/v1.0/', SEND_RATE_PER_SECOND: '40',
    }, 'production');

    expect(errors).toEqual([]);
    expect(value.directory).toEqual({ kind: 'graph', groupId: 'group-1' });
    expect(value.graph).toMatchObject({ baseUrl: 'https://127.0.0.1:8443', tenantId: 'tenant-1', useManagedIdentity: false });
    expect(value.teamsApp).toEqual({ catalogId: undefined, manifestId: 'manifest-1' });
    expect(value.sendRatePerSecond).toBe(40);
  });

  it('when production has nothing, then every missing Graph and app setting is named at once', () => {
    const { errors } = parseDeliverySettings({}, 'production');

    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('GRAPH_TENANT_ID, GRAPH_CLIENT_ID, GRAPH_CLIENT_SECRET');
    expect(errors[1]).toContain('TEAMS_APP_CATALOG_ID or TEAMS_APP_ID');
  });

  it('when managed identity is chosen, then no secret is needed', () => {
    const { value, errors } = parseDeliverySettings({ GRAPH_USE_MANAGED_IDENTITY: 'true', TEAMS_APP_CATALOG_ID: 'cat-1' }, 'production');

    expect(errors).toEqual([]);
    expect(value.graph?.useManagedIdentity).toBe(true);
    expect(value.directory).toEqual({ kind: 'graph', groupId: undefined });
  });

  it('when rates, the Graph URL or flags are malformed, then each is reported by name', () => {
    const { errors } = parseDeliverySettings({
      ...productionBase, SEND_RATE_PER_SECOND: 'fast', GRAPH_INSTALL_RATE_PER_SECOND: '-1', GRAPH_BASE_URL: 'http://graph.local',
      GRAPH_USE_MANAGED_IDENTITY: 'maybe',
    }, 'production');

    expect(errors.join('\n')).toMatch(/SEND_RATE_PER_SECOND/);
    expect(errors.join('\n')).toMatch(/GRAPH_INSTALL_RATE_PER_SECOND/);
    expect(errors.join('\n')).toMatch(/GRAPH_BASE_URL must be an https URL/);
    expect(errors.join('\n')).toMatch(/GRAPH_USE_MANAGED_IDENTITY/);
  });
});
