import crypto from 'node:crypto';
import { LOCAL_DEVELOPMENT_CONCERN_KEY, parseConcernSettings } from '../../src/config/concernSettings';

/** What loadConfig does to the whole configuration: freezing must not throw (a Buffer would). */
function deepFreeze(v: unknown): void {
  if (v && typeof v === 'object') {
    Object.values(v).forEach(deepFreeze);
    Object.freeze(v);
  }
}

const KEY = crypto.randomBytes(32).toString('base64');
const PRODUCTION = {
  CONCERN_ENCRYPTION_KEY: KEY,
  SAFEGUARDING_TEAM: 'aad-dsl=Dana DSL, aad-deputy',
  CONCERN_DSL_CHANNEL_ID: '19:safeguarding@thread.tacv2',
  CONCERN_DEPUTY_DSL: 'aad-deputy',
  CONCERN_SENIOR_MANAGER: 'aad-sm',
  CONCERN_HEADTEACHER: 'aad-head',
  CONCERN_CHAIR_OF_GOVERNORS: 'aad-chair',
};

describe('parseConcernSettings', () => {
  test('when the deputy DSL is the headteacher, then production does not start: a report about the head would fall back to the head', () => {
    const { errors } = parseConcernSettings({ ...PRODUCTION, CONCERN_DEPUTY_DSL: 'aad-head' }, 'production');
    expect(errors).toEqual([expect.stringMatching(/^CONCERN_DEPUTY_DSL is the headteacher \(CONCERN_HEADTEACHER\): a report about the headteacher that cannot reach the chair of governors goes there/)]);
    expect(parseConcernSettings({ ...PRODUCTION, CONCERN_DEPUTY_DSL: 'aad-head' }, 'local').errors).toHaveLength(1);
  });

  test('when the fallback route is a senior manager who is the headteacher, then the error names CONCERN_FALLBACK_ROUTE; a deputy who is the head is fine then', () => {
    const sm = parseConcernSettings({ ...PRODUCTION, CONCERN_FALLBACK_ROUTE: 'seniorManager', CONCERN_SENIOR_MANAGER: 'aad-head' }, 'production');
    expect(sm.errors).toEqual([expect.stringContaining('CONCERN_SENIOR_MANAGER is the headteacher')]);
    expect(sm.errors[0]).toContain('set CONCERN_FALLBACK_ROUTE=deputyDsl');
    expect(parseConcernSettings({ ...PRODUCTION, CONCERN_FALLBACK_ROUTE: 'seniorManager', CONCERN_DEPUTY_DSL: 'aad-head' }, 'production').errors).toEqual([]);
  });

  test('when production has everything, then the settings are complete and the key is the configured one', () => {
    const { value, errors } = parseConcernSettings(PRODUCTION, 'production');
    expect(errors).toEqual([]);
    expect(value.encryptionKey).toBe(KEY);
    expect(() => deepFreeze(value)).not.toThrow();
    expect(value.encryptionKeySource).toBe('configured');
    expect(value.team).toEqual([{ aadObjectId: 'aad-dsl', name: 'Dana DSL' }, { aadObjectId: 'aad-deputy', name: undefined }]);
    expect(value.routing.destinations.dslChannel).toEqual({ kind: 'channel', conversationId: '19:safeguarding@thread.tacv2' });
    expect(value.routing.destinations.chairOfGovernors).toEqual({ kind: 'person', aadObjectId: 'aad-chair' });
    expect(value.routing.routes.onlineAbuse).toBe('seniorManager');
    expect(value.routing.fallback).toBe('deputyDsl');
    expect(value.referencePrefix).toBe('SG');
  });

  test('when production has no key, then it refuses (reports are stored encrypted even while they wait) and says to make one with the project\'s own CLI, not openssl', () => {
    const { errors } = parseConcernSettings({}, 'production');
    expect(errors).toEqual([expect.stringContaining('CONCERN_ENCRYPTION_KEY is required in production')]);
    expect(errors[0]).toContain('Make one with `npx policy-bot secrets`');
    expect(errors[0]).toContain('`npx policy-bot secrets --file env/.env.dev.user`');
    expect(errors[0]).not.toContain('openssl');
  });

  test('when production has the key but no route settings yet (the guide fills them in at step 6), then it starts in the named state "not configured" with every missing variable, and every role waits', () => {
    const { value, errors } = parseConcernSettings({ CONCERN_ENCRYPTION_KEY: KEY, SAFEGUARDING_DESTINATION: 'team-channel' }, 'production');
    expect(errors).toEqual([]);
    expect(value.routeMissing).toEqual([
      'SAFEGUARDING_TEAM', 'SAFEGUARDING_CHANNEL_ID', 'CONCERN_DEPUTY_DSL', 'CONCERN_SENIOR_MANAGER', 'CONCERN_HEADTEACHER', 'CONCERN_CHAIR_OF_GOVERNORS',
    ]);
    expect(value.routing.waiting).toEqual(['dslChannel', 'deputyDsl', 'seniorManager', 'headteacher', 'chairOfGovernors']);
    expect(value.destination).toBeUndefined();
    expect(value.routing.destinations.dslChannel).toBeUndefined();
    expect(() => deepFreeze(value)).not.toThrow();
  });

  test('when production has no SAFEGUARDING_DESTINATION at all, then that is what is missing', () => {
    const { value, errors } = parseConcernSettings({ ...PRODUCTION, CONCERN_DSL_CHANNEL_ID: undefined }, 'production');
    expect(errors).toEqual([]);
    expect(value.routeMissing).toEqual(['SAFEGUARDING_DESTINATION']);
    expect(value.routing.waiting).toEqual(['dslChannel']);
  });

  test('when production has the place and people but not SAFEGUARDING_TEAM, then the safeguarding team\'s route waits: no one could open what arrived there', () => {
    const { value, errors } = parseConcernSettings({ ...PRODUCTION, SAFEGUARDING_TEAM: undefined }, 'production');
    expect(errors).toEqual([]);
    expect(value.routeMissing).toEqual(['SAFEGUARDING_TEAM']);
    expect(value.routing.waiting).toEqual(['dslChannel']);
    expect(value.routing.destinations.seniorManager).toEqual({ kind: 'person', aadObjectId: 'aad-sm' });
  });

  test('when production has the whole safeguarding route but no senior manager, then only that role waits', () => {
    const { value, errors } = parseConcernSettings({ ...PRODUCTION, CONCERN_SENIOR_MANAGER: undefined }, 'production');
    expect(errors).toEqual([]);
    expect(value.routeMissing).toEqual(['CONCERN_SENIOR_MANAGER']);
    expect(value.routing.waiting).toEqual(['seniorManager']);
    expect(value.destination).toBe('team-channel');
  });

  test('when the chair of governors is not configured, then it is missing even if no kind routes to the headteacher (any report can be about the headteacher)', () => {
    const routes = 'colleagueConduct=dslChannel,allegation=dslChannel';
    const { value, errors } = parseConcernSettings({ ...PRODUCTION, CONCERN_ROUTES: routes, CONCERN_HEADTEACHER: undefined, CONCERN_CHAIR_OF_GOVERNORS: undefined }, 'production');
    expect(errors).toEqual([]);
    expect(value.routeMissing).toEqual(['CONCERN_CHAIR_OF_GOVERNORS']);
    expect(value.routing.waiting).toEqual(['chairOfGovernors']);
  });

  test('when production has everything, then nothing is missing and nothing waits', () => {
    const { value } = parseConcernSettings(PRODUCTION, 'production');
    expect(value.routeMissing).toEqual([]);
    expect(value.routing.waiting).toEqual([]);
  });

  test('when local mode lacks route settings, then nothing is named missing: local mode falls back as it always has', () => {
    const { value, errors } = parseConcernSettings({ SAFEGUARDING_TEAM: 'aad-dsl' }, 'local');
    expect(errors).toEqual([]);
    expect(value.routeMissing).toEqual([]);
    expect(value.routing.waiting ?? []).toEqual([]);
  });

  test('when route settings are present but malformed in production, then each is still an error, not "missing"', () => {
    const bad = parseConcernSettings({
      ...PRODUCTION, CONCERN_DSL_CHANNEL_ID: undefined, SAFEGUARDING_DESTINATION: 'team-channel', SAFEGUARDING_CHANNEL_ID: 'https://teams.microsoft.com/l/channel/19%3a',
      SAFEGUARDING_TEAM: '=Nameless',
    }, 'production');
    expect(bad.errors.map((e) => e.split(' ')[0])).toEqual(['SAFEGUARDING_TEAM', 'SAFEGUARDING_CHANNEL_ID']);
  });

  test('when the key is not 32 bytes of base64, then it is named as wrong without echoing it', () => {
    const { errors } = parseConcernSettings({ ...PRODUCTION, CONCERN_ENCRYPTION_KEY: 'c2hvcnQ=' }, 'production');
    expect(errors).toEqual([expect.stringContaining('CONCERN_ENCRYPTION_KEY must be 32 bytes')]);
    expect(errors[0]).toContain('npx policy-bot secrets');
    expect(errors[0]).not.toContain('openssl');
    expect(errors.join('')).not.toContain('c2hvcnQ=');
  });

  test('when production is given the public development key, then it refuses', () => {
    const { errors } = parseConcernSettings({ ...PRODUCTION, CONCERN_ENCRYPTION_KEY: LOCAL_DEVELOPMENT_CONCERN_KEY.toString('base64') }, 'production');
    expect(errors).toEqual([expect.stringContaining('public local development key')]);
  });

  test('when local mode has no key, then it uses the clearly labelled development key and no errors', () => {
    const { value, errors } = parseConcernSettings({}, 'local');
    expect(errors).toEqual([]);
    expect(value.encryptionKeySource).toBe('localDevelopmentKey');
    expect(value.encryptionKey).toBe(LOCAL_DEVELOPMENT_CONCERN_KEY.toString('base64'));
  });

  test('when the routing table is overridden, then the new route is used; a bad entry is named', () => {
    const ok = parseConcernSettings({ ...PRODUCTION, CONCERN_ROUTES: 'onlineAbuse=dslChannel', CONCERN_FALLBACK_ROUTE: 'dslChannel' }, 'production');
    expect(ok.errors).toEqual([]);
    expect(ok.value.routing.routes.onlineAbuse).toBe('dslChannel');
    expect(ok.value.routing.fallback).toBe('dslChannel');
    const bad = parseConcernSettings({ ...PRODUCTION, CONCERN_ROUTES: 'gossip=dslChannel,childSafety=nobody' }, 'production');
    expect(bad.errors).toHaveLength(2);
    expect(bad.errors[0]).toContain('CONCERN_ROUTES');
  });

  test('when the reference prefix or attempts are wrong, then each is named', () => {
    const { errors } = parseConcernSettings({ ...PRODUCTION, CONCERN_REFERENCE_PREFIX: 'S-G', CONCERN_DELIVERY_ATTEMPTS: '0' }, 'production');
    expect(errors.map((e) => e.split(' ')[0])).toEqual(['CONCERN_REFERENCE_PREFIX', 'CONCERN_DELIVERY_ATTEMPTS']);
  });

  describe('where the safeguarding team is alerted (issue 42)', () => {
    const base = { ...PRODUCTION, CONCERN_DSL_CHANNEL_ID: undefined };

    test('when SAFEGUARDING_DESTINATION is team-channel with a channel id, then reports for the team go to that channel, and the team 1:1 is the way round a refusal', () => {
      const { value, errors } = parseConcernSettings({ ...base, SAFEGUARDING_DESTINATION: 'team-channel', SAFEGUARDING_CHANNEL_ID: '19:sg@thread.tacv2' }, 'production');
      expect(errors).toEqual([]);
      expect(value.destination).toBe('team-channel');
      expect(value.routing.destinations.dslChannel).toEqual({ kind: 'channel', conversationId: '19:sg@thread.tacv2' });
      expect(value.routing.teamDirect).toEqual({ kind: 'eachMember', aadObjectIds: ['aad-dsl', 'aad-deputy'] });
      expect(value.deprecations).toEqual([]);
    });

    test('when only the old CONCERN_DSL_CHANNEL_ID is set, then it still works as a team channel, with a deprecation message that names the new settings', () => {
      const { value, errors } = parseConcernSettings(PRODUCTION, 'production');
      expect(errors).toEqual([]);
      expect(value.destination).toBe('team-channel');
      expect(value.routing.destinations.dslChannel).toEqual({ kind: 'channel', conversationId: '19:safeguarding@thread.tacv2' });
      expect(value.deprecations).toEqual([expect.stringContaining('CONCERN_DSL_CHANNEL_ID is the old name of SAFEGUARDING_CHANNEL_ID')]);
      expect(value.deprecations[0]).toContain('SAFEGUARDING_DESTINATION=team-channel');
    });

    test('when the destination is a group chat or one-to-one, then the address says so', () => {
      const chat = parseConcernSettings({ ...base, SAFEGUARDING_DESTINATION: 'group-chat', SAFEGUARDING_CHAT_ID: '19:abc@thread.v2' }, 'production');
      expect(chat.errors).toEqual([]);
      expect(chat.value.routing.destinations.dslChannel).toEqual({ kind: 'groupChat', conversationId: '19:abc@thread.v2' });
      const direct = parseConcernSettings({ ...base, SAFEGUARDING_DESTINATION: 'one-to-one' }, 'production');
      expect(direct.errors).toEqual([]);
      expect(direct.value.routing.destinations.dslChannel).toEqual({ kind: 'eachMember', aadObjectIds: ['aad-dsl', 'aad-deputy'] });
    });

    test('when the destination is unknown, or ids of the wrong kind are given, then each is an error; without its id it is missing in production and an error in local mode', () => {
      expect(parseConcernSettings({ ...base, SAFEGUARDING_DESTINATION: 'private-channel' }, 'production').errors)
        .toEqual([expect.stringContaining('SAFEGUARDING_DESTINATION must be one of team-channel, group-chat, one-to-one')]);
      expect(parseConcernSettings({ ...base, SAFEGUARDING_DESTINATION: 'team-channel' }, 'local').errors)
        .toEqual([expect.stringContaining('SAFEGUARDING_CHANNEL_ID is required with SAFEGUARDING_DESTINATION=team-channel')]);
      expect(parseConcernSettings({ ...base, SAFEGUARDING_DESTINATION: 'team-channel' }, 'production').value.routeMissing).toEqual(['SAFEGUARDING_CHANNEL_ID']);
      expect(parseConcernSettings({ ...base, SAFEGUARDING_DESTINATION: 'group-chat' }, 'production').value.routeMissing).toEqual(['SAFEGUARDING_CHAT_ID']);
      expect(parseConcernSettings({ ...base, SAFEGUARDING_DESTINATION: 'group-chat', SAFEGUARDING_CHAT_ID: '19:sg@thread.tacv2' }, 'production').errors)
        .toEqual([expect.stringContaining('SAFEGUARDING_CHAT_ID must be a group chat id')]);
      expect(parseConcernSettings({ ...base, SAFEGUARDING_DESTINATION: 'one-to-one', SAFEGUARDING_CHANNEL_ID: '19:sg@thread.tacv2' }, 'production').errors)
        .toEqual([expect.stringContaining('SAFEGUARDING_DESTINATION is one-to-one: remove SAFEGUARDING_CHANNEL_ID')]);
      expect(parseConcernSettings({ ...PRODUCTION, SAFEGUARDING_CHANNEL_ID: '19:other@thread.tacv2' }, 'production').errors)
        .toEqual([expect.stringContaining('CONCERN_DSL_CHANNEL_ID and SAFEGUARDING_CHANNEL_ID name different channels')]);
    });
  });
});
