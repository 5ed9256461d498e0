import fs from 'node:fs';
import { readPolicyFilesIsolated } from '../../../../src/features/policy';
import { parsePolicyText } from '../../../../src/features/policy/ingest/parsePolicy';
import { registerPolicyVersion } from '../../../../src/features/acknowledgement/domain/policyVersions';
import { describeChanges } from '../../../../src/features/acknowledgement/domain/versionChanges';
import { proposeRoundPoints } from '../../../../src/features/acknowledgement/domain/roundKeyPoints';
import { proposeKeyPoints } from '../../../../src/features/acknowledgement/domain/keyPoints';
import { changesBetween, changesSinceAcknowledged } from '../../../../src/features/acknowledgement/domain/changesSince';
import { AI_RULE, PARENTS_RULE, SAMPLE_POLICY, nextVersionText } from '../../../support/nextPolicyVersion';
import { memoryStore } from './ackTestKit';

/** The sample policy, and its next version with the friend-request rule reworded and a section on AI tools added. */
async function versions() {
  const [live] = await readPolicyFilesIsolated([SAMPLE_POLICY]);
  const next = parsePolicyText(nextVersionText(), 'liverpool-model.txt');
  next.id = live.id;
  return { live, next };
}

const OLD_FRIENDS_POINT = "Individuals should not accept or invite 'friend' requests from pupils or ex-pupils under the age of 18, or from parents on their personal social media accounts such as Facebook, unless they are family members.";

describe('what changed between two versions (issue 54)', () => {
  it('when a rule is reworded and a section added, then the reworded sentences are quoted was/now, the new section by its rule, each with where it is', async () => {
    const { live, next } = await versions();
    const changes = describeChanges(live, next);
    expect(changes.sinceHash).toBe(live.metadata.contentHash);
    expect(changes.sections.map((s) => [s.kind, s.label])).toEqual([['reworded', '5. Acceptable use'], ['added', '12. Artificial intelligence tools']]);
    const [reworded, added] = changes.sections;
    expect(reworded.runs).toHaveLength(1);
    expect(reworded.runs[0].was).toContain('or from parents on their personal social media accounts such as Facebook, unless they are family members.');
    expect(reworded.runs[0].now).toContain(PARENTS_RULE);
    expect(next.sections.find((s) => s.ordinal === reworded.ordinal)?.title).toBe('Acceptable use');
    expect(added.runs).toEqual([{ was: '', now: AI_RULE }]);
    expect(next.sections.find((s) => s.ordinal === added.ordinal)?.title).toBe('Artificial intelligence tools');
    // The sentence the old version had and the new one does not: a key point quoting it no longer stands.
    expect(changes.gone).toEqual([expect.stringContaining('unless they are family members.')]);
    expect(changes.truncated).toBeUndefined();
  });

  it('when a whole policy is rewritten, then the record is cut to fit a table row and says so', async () => {
    const { live } = await versions();
    const rewritten = parsePolicyText(live.sections.map((s) => `${s.number ?? ''}. ${s.title}\n\n${s.text.replace(/\b(\w)(\w*)\b/g, (_m, a: string, b: string) => `${a.toUpperCase()}${b}x`)}`).join('\n\n'), 'x.txt');
    const changes = describeChanges(live, rewritten);
    expect(JSON.stringify(changes).length).toBeLessThanOrEqual(24_000);
    expect(changes.truncated).toBe(true);
  });

  it('when a new version keeps the old version table, then it is labelled by the day it was published, and what changed is kept with it', async () => {
    const { live, next } = await versions();
    const store = memoryStore();
    const first = await registerPolicyVersion(store, live, { now: new Date('2026-09-01T08:00:00.000Z') });
    expect(first.version.versionLabel).toBe('2 (02 2023)');
    const second = await registerPolicyVersion(store, next, { now: new Date('2026-11-26T09:00:00.000Z'), replaces: live });
    expect(second.version.versionLabel).toBeUndefined();
    expect(second.version.changes?.sections.map((s) => s.kind)).toEqual(['reworded', 'added']);
    expect((await store.getPolicyVersion(next.id, next.metadata.contentHash))?.changes).toEqual(second.version.changes);
    // A version registered without the text it replaced (a file deployed by IT) keeps no changes: nothing is guessed.
    const third = parsePolicyText(`${nextVersionText()}\n13. Review\n\nThis policy must be reviewed every year.\n`, 'liverpool-model.txt');
    third.id = live.id;
    expect((await registerPolicyVersion(store, third, { now: new Date('2026-12-01T09:00:00.000Z') })).version.changes).toBeUndefined();
  });

  it('when a version has a label of its own, then it keeps it', async () => {
    const { live } = await versions();
    const store = memoryStore();
    await registerPolicyVersion(store, live, { now: new Date('2026-09-01T08:00:00.000Z') });
    const labelled = parsePolicyText(nextVersionText().replace('Version 2\t02 2023\tFull Policy revised and agreed at JCC', 'Version 2\t02 2023\tFull Policy revised and agreed at JCC\nVersion 3\t11 2026\tFriend requests from parents'), 'liverpool-model.txt');
    labelled.id = live.id;
    expect(labelled.metadata.version).toBe('3 (11 2026)');
    expect((await registerPolicyVersion(store, labelled, { now: new Date('2026-11-26T09:00:00.000Z'), replaces: live })).version.versionLabel).toBe('3 (11 2026)');
  });

  it('when a later round is proposed, then the changed rule comes first, the added rule next, and the owner\'s points carry over where their text still stands', async () => {
    const { live, next } = await versions();
    const changes = describeChanges(live, next);
    const ownWords = 'If a pupil contacts you online, do not reply: tell the DSL the same day.';
    const firstRound = [OLD_FRIENDS_POINT, 'Do not use any information in an attempt to locate, meet or contact a child.', ownWords];
    expect(proposeKeyPoints(live).proposed).toContain(OLD_FRIENDS_POINT);
    const p = proposeRoundPoints(next, changes, firstRound, 8);
    expect(p.changed).toEqual([PARENTS_RULE, AI_RULE]);
    expect(p.proposed).toEqual([
      PARENTS_RULE, AI_RULE,
      // The old friend-request point quoted wording that is gone: its rule as now worded takes its place.
      "Individuals should not accept or invite 'friend' requests from pupils or ex-pupils under the age of 18.",
      'Do not use any information in an attempt to locate, meet or contact a child.', ownWords,
    ]);
    expect(p.dropped).toEqual([OLD_FRIENDS_POINT]);
    expect(p.offered.some((o) => p.proposed.includes(o))).toBe(false);
    // Never more than the card holds.
    expect(proposeRoundPoints(next, changes, firstRound, 3).proposed).toHaveLength(3);
  });

  it('when a rule is only lengthened, or a bullet under "adults should:" is reworded, then each changed rule is proposed once, in its new words, and the old wording is not carried beside it', () => {
    const policy = (contact: string, disrepute: string) => [
      'Staff Social Media Policy', '', '1. Contact with pupils', '', 'This means that adults should:',
      `- not seek to communicate or respond to contact with ${contact} outside of the purposes of their work`,
      '- not give out their personal details', '', "2. The Don'ts", '',
      `- Don't make comments, post content or link to materials that will bring the school into disrepute${disrepute}`,
      "- Don't post derogatory, defamatory, offensive, harassing or discriminatory content", '',
    ].join('\n');
    const before = parsePolicyText(policy('pupils', ''), 'lead-ins.txt');
    const after = parsePolicyText(policy('pupils or former pupils under 18', ', including in private groups or messaging apps such as WhatsApp'), 'lead-ins.txt');
    after.id = before.id;
    const oldDisrepute = "Don't make comments, post content or link to materials that will bring the school into disrepute.";
    const derogatory = "Don't post derogatory, defamatory, offensive, harassing or discriminatory content.";
    const p = proposeRoundPoints(after, describeChanges(before, after), [oldDisrepute, derogatory], 8);
    expect(p.changed).toEqual([
      'Adults should not seek to communicate or respond to contact with pupils or former pupils under 18 outside of the purposes of their work.',
      "Don't make comments, post content or link to materials that will bring the school into disrepute, including in private groups or messaging apps such as WhatsApp.",
    ]);
    expect(p.proposed).toEqual([...p.changed, derogatory]);
    expect(p.dropped).toEqual([oldDisrepute]);
  });

  it('when a person acknowledged an earlier version, then their changes are read back to it, and nobody gets changes for a version they never acknowledged', async () => {
    const { live, next } = await versions();
    const store = memoryStore();
    const v1 = (await registerPolicyVersion(store, live, { now: new Date('2026-09-01T08:00:00.000Z') })).version;
    const v2 = (await registerPolicyVersion(store, next, { now: new Date('2026-11-26T09:00:00.000Z'), replaces: live })).version;
    await store.appendAcknowledgement({
      policyId: v1.policyId, versionHash: v1.versionHash, userId: 'aad-1', userPrincipalName: 'a@school.example', displayName: 'A',
      acknowledgedAt: '2026-09-02T08:00:00.000Z', channel: 'teams',
    });
    const mine = await changesSinceAcknowledged(store, v2, 'aad-1');
    expect(mine?.since.versionHash).toBe(v1.versionHash);
    expect(mine?.sections.map((s) => s.label)).toEqual(['5. Acceptable use', '12. Artificial intelligence tools']);
    expect(await changesSinceAcknowledged(store, v2, 'aad-2')).toBeUndefined();
    expect((await changesBetween(store, v1.versionHash, v2))?.since.versionHash).toBe(v1.versionHash);
    expect(await changesBetween(store, v2.versionHash, v2)).toBeUndefined();
  });
});

describe('what changed across versions published in between (a round skipped, or a person who missed one)', () => {
  const LIVESTREAM_RULE = 'Staff must not livestream lessons from their personal accounts.';

  /** A (the sample), B (a rule reworded, an AI section added), C (B's changes undone, a livestreaming section added). */
  async function threeVersions() {
    const { live, next } = await versions();
    const base = fs.readFileSync(SAMPLE_POLICY, 'utf8').trimEnd();
    const third = parsePolicyText(`${base}\n\n12. Livestreaming lessons\n\n${LIVESTREAM_RULE}\n`, 'liverpool-model.txt');
    third.id = live.id;
    const store = memoryStore();
    const a = (await registerPolicyVersion(store, live, { now: new Date('2026-09-01T08:00:00.000Z') })).version;
    await registerPolicyVersion(store, next, { now: new Date('2026-11-26T09:00:00.000Z'), replaces: live });
    const c = (await registerPolicyVersion(store, third, { now: new Date('2026-11-27T09:00:00.000Z'), replaces: next })).version;
    const docs = new Map([live, next, third].map((d) => [d.metadata.contentHash, d]));
    return { store, a, c, third, docs };
  }

  const expectOnlyLivestreaming = (changes: Awaited<ReturnType<typeof changesBetween>>, third: { sections: { ordinal: number; title: string }[] }) => {
    expect(changes?.sections.map((s) => [s.kind, s.label])).toEqual([['added', '12. Livestreaming lessons']]);
    const [added] = changes!.sections;
    expect(third.sections.find((s) => s.ordinal === added.ordinal)?.title).toBe('Livestreaming lessons');
    expect(added.runs).toEqual([{ was: '', now: LIVESTREAM_RULE }]);
    // Nothing quoted from the version in between: neither its reworded rule nor its AI section.
    expect(JSON.stringify(changes!.sections)).not.toContain(PARENTS_RULE);
    expect(JSON.stringify(changes!.sections)).not.toContain('Artificial intelligence');
  };

  it('when the two texts can be read, then the change is the net one between them, pointing into the version asked about', async () => {
    const { store, a, c, third, docs } = await threeVersions();
    const texts = { version: async (_p: string, hash: string) => docs.get(hash) };
    const changes = await changesBetween({ getPolicyVersion: store.getPolicyVersion.bind(store), texts }, a.versionHash, c);
    expect(changes?.since.versionHash).toBe(a.versionHash);
    expectOnlyLivestreaming(changes, third);
    expect(changes?.truncated).toBe(false);
  });

  it('when the earlier text is gone, then the kept steps are folded: what was added and removed again, or reworded and put back, is not listed', async () => {
    const { store, a, c, third, docs } = await threeVersions();
    const texts = { version: async (_p: string, hash: string) => (hash === c.versionHash ? docs.get(hash) : undefined) };
    expectOnlyLivestreaming(await changesBetween({ getPolicyVersion: store.getPolicyVersion.bind(store), texts }, a.versionHash, c), third);
  });

  it('when no text can be read (the sending thread), then the folded steps still list only the net change', async () => {
    const { store, a, c, third } = await threeVersions();
    await store.appendAcknowledgement({
      policyId: a.policyId, versionHash: a.versionHash, userId: 'aad-1', userPrincipalName: 'a@school.example', displayName: 'A',
      acknowledgedAt: '2026-09-02T08:00:00.000Z', channel: 'teams',
    });
    const changes = await changesSinceAcknowledged(store, c, 'aad-1');
    expect(changes?.since.versionHash).toBe(a.versionHash);
    expectOnlyLivestreaming(changes, third);
  });
});
