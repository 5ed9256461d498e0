import { renderJobProgressCard, JobCardInput } from '../../../../../src/features/acknowledgement/teams/cards/jobProgressCard';
import { cardProblems } from '../../../../support/cardAssertions';

const base: JobCardInput = { kind: 'remind', campaignId: 'ack-20261123-abc123', state: 'running', done: 12_400, total: 31_000, data: {} };
const text = (input: JobCardInput) => {
  const card = renderJobProgressCard(input);
  expect(cardProblems(card)).toEqual([]);
  return JSON.stringify(card);
};

describe('job progress card', () => {
  it('when a reminder pass is running, then it says how many of how many, with thousands separated', () => {
    expect(text(base)).toContain('Reminding 12,400 of 31,000');
    expect(text(base)).toContain('"text":"Reminders"');
    expect(text(base)).not.toContain('ack-20261123-abc123');
    expect(text({ ...base, done: 0, total: 0 })).toContain('Finding who has not acknowledged');
  });

  it('when a reminder pass is done, then it gives the counts the owner acts on', () => {
    const t = text({ ...base, state: 'done', data: { reminded: 30_000, recentlyReminded: 1000, awaitingCard: 12, unreachable: 3 } });
    expect(t).toContain('30,000 sent; 1,000 skipped (reminded recently); 12 still waiting for their first card; 3 not reached');
    expect(t).toContain('Finished.');
  });

  it('when people were not reached, then each reason is said apart: someone who never opened a chat in local mode has not "blocked the bot" (issue 52)', () => {
    const done = { ...base, state: 'done' as const };
    const local = text({ ...done, data: { reminded: 1, recentlyReminded: 0, awaitingCard: 0, unreachable: 4, blocked: 1, installFailed: 3, failed: 0, canInstall: 0 } });
    expect(local).toContain('3 people not reached: they have not opened a chat with me yet, and get the card when they do; 1 person blocked the bot in Teams');
    expect(local).not.toContain('could not install');
    const production = text({ ...done, data: { reminded: 1, recentlyReminded: 0, awaitingCard: 0, unreachable: 2, blocked: 0, installFailed: 2, failed: 0, canInstall: 1 } });
    expect(production).toContain('2 people not reached: the app could not be installed for them (ask IT)');
    expect(production).not.toContain('blocked');
  });

  it('when a job names its campaign, then the card shows the policy, audience and start date, never the campaign key (issue 52)', () => {
    const t = text({ ...base, data: { name: 'Social Media Policy for Schools, all staff, started 26 November 2026' } });
    expect(t).toContain('Social Media Policy for Schools, all staff, started 26 November 2026');
    expect(t).not.toContain('ack-20261123-abc123');
  });

  it('when an export or a campaign start is running or ends without a link, then it says so', () => {
    expect(text({ ...base, kind: 'export', done: 2000, total: 50_000 })).toContain('Writing 2,000 of 50,000 rows');
    // Before the rows are counted, never "Writing 0 so far rows" (issue 52).
    expect(text({ ...base, kind: 'export', done: 0, total: 0 })).toContain('Counting the rows');
    expect(text({ ...base, kind: 'export', done: 0, total: 0 })).not.toContain('so far rows');
    expect(text({ ...base, kind: 'export', done: 300, total: 0 })).toContain('Writing rows: 300 so far');
    expect(text({ ...base, kind: 'export', state: 'done', data: { rows: 50_000, linked: 0 } })).toContain('cannot be linked from chat');
    // The command to give IT is quoted, never in backticks, which a card shows as typed.
    const noLink = text({ ...base, kind: 'export', state: 'done', data: { rows: 50_000, linked: 0 } });
    expect(noLink).toContain('Ask IT to run \\"node dist/scripts/exportAcknowledgements.js ');
    expect(noLink).not.toContain('`');
    expect(text({ ...base, kind: 'recipients', done: 500, total: 0 })).toContain('Adding recipients: 500 so far');
  });

  it('when a job failed, then it gives the code, never a stack trace', () => {
    const t = text({ ...base, state: 'failed', error: 'STORE_UNAVAILABLE' });
    expect(t).toContain('This did not finish (STORE_UNAVAILABLE)');
    expect(t).not.toMatch(/at .*\.ts:\d+/);
  });
});
