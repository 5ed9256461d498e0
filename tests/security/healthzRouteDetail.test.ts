import { DSL_CHANNEL, PEOPLE, startSecurityBot, TENANT } from './securityHarness';

/**
 * Issue 42: /healthz?detail=1 tells IT what the safeguarding route check found. /healthz is public in production, so
 * the detail names nobody and carries no id of a person, a conversation or the tenant: kinds, times and counts only.
 */
describe('/healthz detail of the safeguarding route (issue 42)', () => {
  test('when the route has been checked, then /healthz?detail=1 says what was found without names or ids, and plain /healthz still says only "ok"', async () => {
    const bot = await startSecurityBot();
    try {
      const before = await (await fetch(`${bot.base}/healthz?detail=1`)).json() as { status: string; safeguardingRoute: Record<string, unknown> };
      expect(before).toMatchObject({ status: 'ok', safeguardingRoute: { destination: 'team-channel', state: 'unchecked' } });

      // The channel holds the team and one person who is not on it; the bot is added to it.
      const member = (p: (typeof PEOPLE)[keyof typeof PEOPLE]) => ({ id: p.id, aadObjectId: p.aadObjectId, name: p.name, userRole: 'user' as const, tenantId: TENANT });
      bot.connector.setMembers(DSL_CHANNEL, [member(PEOPLE.dsl), member(PEOPLE.deputy), member(PEOPLE.owner)]);
      const added = await bot.post({
        type: 'conversationUpdate', membersAdded: [{ id: '28:school-policy-bot' }], from: PEOPLE.dsl,
        conversation: { id: DSL_CHANNEL, conversationType: 'channel', isGroup: true, tenantId: TENANT },
        channelData: { tenant: { id: TENANT }, eventType: 'teamMemberAdded', team: { id: '19:security-team@thread.tacv2' } },
      });
      expect(added.status).toBe(200);

      const res = await fetch(`${bot.base}/healthz?detail=1`);
      expect(res.status).toBe(200);
      const text = await res.text();
      const body = JSON.parse(text) as { safeguardingRoute: Record<string, unknown> };
      // Someone outside the team in the channel is a broken route (issue 49): reports go 1:1 until a check finds it clean.
      expect(body.safeguardingRoute).toMatchObject({ state: 'broken', membersOutsideTeam: 1, problems: ['outsiders'], reportsGoTo: 'each member 1:1' });
      expect(String(body.safeguardingRoute.summary))
        .toMatch(/^safeguarding route: team channel, checked .+, 1 member outside SAFEGUARDING_TEAM, reports go to each member 1:1 until it is fixed$/);
      for (const p of Object.values(PEOPLE)) for (const secret of [p.name, p.aadObjectId, p.id]) expect(text).not.toContain(secret);
      for (const secret of [DSL_CHANNEL, TENANT]) expect(text).not.toContain(secret);
      // No conversation id of any kind ("19:...@thread.tacv2", "19:...@unq.gbl.spaces"): a check time "12:19:36" is not one.
      expect(text).not.toMatch(/19:[^\s"@]*@/);

      expect(await (await fetch(`${bot.base}/healthz`)).json()).toEqual({ status: 'ok' });
    } finally {
      await bot.close();
    }
  });
});
