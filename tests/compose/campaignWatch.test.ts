import { watchForNewCampaigns } from '../../src/compose/campaignWatch';

/** Lets the watch's promises settle. */
const settle = async () => { for (let i = 0; i < 5; i++) await Promise.resolve(); };

describe('an instance watching for campaigns another instance started (issue 69)', () => {
  beforeEach(() => { jest.useFakeTimers(); });
  afterEach(() => { jest.useRealTimers(); });

  it('when a campaign appears after the watch started, then a sending pass is asked for at the next look, once', async () => {
    let active: string[] = ['old-campaign'];
    const pass = jest.fn();
    const watch = watchForNewCampaigns({ activeCampaignIds: async () => active, pass, everyMs: 2_000 });
    await settle();
    jest.advanceTimersByTime(2_000);
    await settle();
    expect(pass).not.toHaveBeenCalled();

    active = ['old-campaign', 'new-campaign'];
    jest.advanceTimersByTime(2_000);
    await settle();
    expect(pass).toHaveBeenCalledTimes(1);

    jest.advanceTimersByTime(4_000);
    await settle();
    expect(pass).toHaveBeenCalledTimes(1);
    watch.stop();
  });

  it('when a look fails, then it is told and the next look still finds the new campaign', async () => {
    let fail = false;
    let active: string[] = [];
    const errors: unknown[] = [];
    const pass = jest.fn();
    const watch = watchForNewCampaigns({
      activeCampaignIds: async () => { if (fail) throw Object.assign(new Error('store down'), { code: 'DOWN' }); return active; },
      pass, everyMs: 1_000, onError: (err) => errors.push(err),
    });
    await settle();
    fail = true;
    active = ['c1'];
    jest.advanceTimersByTime(1_000);
    await settle();
    expect(errors).toHaveLength(1);
    expect(pass).not.toHaveBeenCalled();
    fail = false;
    jest.advanceTimersByTime(1_000);
    await settle();
    expect(pass).toHaveBeenCalledTimes(1);
    watch.stop();
  });

  it('when stopped, then it looks no more', async () => {
    const list = jest.fn(async () => ['a']);
    const watch = watchForNewCampaigns({ activeCampaignIds: list, pass: jest.fn(), everyMs: 1_000 });
    await settle();
    watch.stop();
    const calls = list.mock.calls.length;
    jest.advanceTimersByTime(5_000);
    await settle();
    expect(list.mock.calls.length).toBe(calls);
  });
});
