import { QuestionLog, UNSENT } from '../../../src/features/policy/teaching/questionLog';

/** One contract for every question-log adapter: what the policy feature relies on. */
export function describeQuestionLogContract(name: string, make: () => Promise<QuestionLog> | QuestionLog): void {
  describe(`question log contract: ${name}`, () => {
    it('when a question is recorded, then it reads back by its id with what was asked and how it was answered', async () => {
      const log = await make();
      const id = await log.recordQuestion({ question: 'can i friend a parent on fb', answered: true, citedSection: 'policy#4', askedAt: '2026-11-20T09:00:00.000Z' });
      expect(await log.getQuestion(id)).toEqual({
        id, question: 'can i friend a parent on fb', answered: true, citedSection: 'policy#4', askedAt: '2026-11-20T09:00:00.000Z', helpful: null, phrasing: null,
        sure: true, choice: null,
      });
      expect(await log.getQuestion('no-such-id')).toBeNull();
    });

    it('when a question is recorded without its text (not sent), then the owners\' lists leave it out until its asker sends it; the first send is kept', async () => {
      const log = await make();
      const id = await log.recordQuestion({ question: UNSENT, answered: false, citedSection: null, askedAt: '2026-11-20T09:00:00.000Z', sure: false });
      await log.recordChoice(id, 'policy#4', '2026-11-20T09:01:00.000Z');
      expect((await log.getQuestion(id))?.question).toBe(UNSENT);
      expect(await log.listFailed(10)).toEqual([]);
      expect(await log.listSuggested(10)).toEqual([]);
      // Counted all the same.
      expect((await log.countsSince('2026-11-01')).declined).toBe(1);

      expect(await log.shareQuestion(id, UNSENT, '2026-11-20T09:02:00.000Z')).toBe(false);
      expect(await log.shareQuestion(id, 'can I post the fair photos?', '2026-11-20T09:02:00.000Z')).toBe(true);
      expect(await log.shareQuestion(id, 'a second text', '2026-11-20T09:03:00.000Z')).toBe(false);
      expect(await log.shareQuestion('no-such-id', 'anything', '2026-11-20T09:03:00.000Z')).toBe(false);
      expect((await log.listFailed(10)).map((q) => [q.id, q.question])).toEqual([[id, 'can I post the fair photos?']]);
      expect((await log.listSuggested(10)).map((q) => [q.id, q.question, q.choice?.section])).toEqual([[id, 'can I post the fair photos?', 'policy#4']]);
    });

    it('when a question kept with text (by an earlier release) is sent, then nothing changes', async () => {
      const log = await make();
      const id = await log.recordQuestion({ question: 'kept before sending', answered: false, citedSection: null, askedAt: '2026-11-20T09:00:00.000Z' });
      expect(await log.shareQuestion(id, 'another text', '2026-11-20T09:02:00.000Z')).toBe(false);
      expect((await log.getQuestion(id))?.question).toBe('kept before sending');
    });

    it('when feedback is given twice, then the latest counts, and feedback on an unknown id is refused', async () => {
      const log = await make();
      const id = await log.recordQuestion({ question: 'q', answered: true, citedSection: 'policy#1', askedAt: '2026-11-20T09:00:00.000Z' });
      expect(await log.recordFeedback(id, false, '2026-11-20T09:01:00.000Z')).toBe(true);
      expect(await log.recordFeedback(id, true, '2026-11-20T09:02:00.000Z')).toBe(true);
      expect((await log.getQuestion(id))?.helpful).toBe(true);
      expect(await log.recordFeedback('no-such-id', true, '2026-11-20T09:03:00.000Z')).toBe(false);
    });

    it('when failures are listed, then they are the not-covered and unhelpful ones, newest first, up to the limit', async () => {
      const log = await make();
      const notCovered = await log.recordQuestion({ question: 'parking?', answered: false, citedSection: null, askedAt: '2026-11-20T09:00:00.000Z' });
      const helped = await log.recordQuestion({ question: 'tag pupils?', answered: true, citedSection: 'policy#2', askedAt: '2026-11-20T10:00:00.000Z' });
      const unhelpful = await log.recordQuestion({ question: 'old photos?', answered: true, citedSection: 'policy#3', askedAt: '2026-11-20T11:00:00.000Z' });
      await log.recordFeedback(helped, true, '2026-11-20T12:00:00.000Z');
      await log.recordFeedback(unhelpful, false, '2026-11-20T12:00:00.000Z');
      expect((await log.listFailed(10)).map((q) => q.id)).toEqual([unhelpful, notCovered]);
      expect((await log.listFailed(1)).map((q) => q.id)).toEqual([unhelpful]);
    });

    it('when an answer was phrased, then the phrasing and the section it cited are kept with the question', async () => {
      const log = await make();
      const id = await log.recordQuestion({
        question: 'q', answered: true, citedSection: 'policy#7', askedAt: '2026-11-20T09:00:00.000Z', phrasing: { text: 'No.', section: 'policy#7' },
      });
      expect((await log.getQuestion(id))?.phrasing).toEqual({ text: 'No.', section: 'policy#7' });
    });

    it('when questions pass the retention period, then they are deleted with their replies and only their counts remain', async () => {
      const log = await make();
      const old = await log.recordQuestion({ question: 'old parking?', answered: false, citedSection: null, askedAt: '2026-01-10T09:00:00.000Z' });
      const oldUnhelpful = await log.recordQuestion({ question: 'old tagging?', answered: true, citedSection: 'policy#2', askedAt: '2026-01-10T10:00:00.000Z' });
      await log.recordFeedback(oldUnhelpful, false, '2026-01-10T10:05:00.000Z');
      const oldHelped = await log.recordQuestion({ question: 'old photos?', answered: true, citedSection: 'policy#3', askedAt: '2026-01-11T10:00:00.000Z' });
      await log.recordFeedback(oldHelped, true, '2026-01-11T10:05:00.000Z');
      const recent = await log.recordQuestion({ question: 'recent', answered: false, citedSection: null, askedAt: '2026-04-20T09:00:00.000Z' });
      await log.recordDisclosureLike('2026-01-12T09:00:00.000Z');
      const before = await log.countsSince('2026-01-01');

      expect(await log.deleteAskedBefore('2026-04-01T00:00:00.000Z', '2026-06-30T02:00:00.000Z')).toBe(3);

      for (const id of [old, oldUnhelpful, oldHelped]) expect(await log.getQuestion(id)).toBeNull();
      expect(await log.recordFeedback(oldHelped, false, '2026-06-30T03:00:00.000Z')).toBe(false);
      expect((await log.listFailed(10)).map((q) => q.id)).toEqual([recent]);
      expect(before).toEqual({ asked: 4, declined: 2, unhelpful: 1, disclosureLike: 1, heldBack: 0, draftsChecked: 0, draftConcerns: {} });
      expect(await log.countsSince('2026-01-01')).toEqual(before);
      expect(await log.countsSince('2026-01-11')).toEqual({ asked: 2, declined: 1, unhelpful: 0, disclosureLike: 1, heldBack: 0, draftsChecked: 0, draftConcerns: {} });
      // A second run finds nothing more to delete and counts nothing twice.
      expect(await log.deleteAskedBefore('2026-04-01T00:00:00.000Z', '2026-07-01T02:00:00.000Z')).toBe(0);
      expect(await log.countsSince('2026-01-01')).toEqual(before);
    });

    it('when every question of a day was answered and none was marked, then the day is still deleted and counted', async () => {
      const log = await make();
      // The commonest day of all: answers nobody pressed "Was this helpful?" on.
      await log.recordQuestion({ question: 'old answered?', answered: true, citedSection: 'policy#2', askedAt: '2026-01-10T09:00:00.000Z' });
      await log.recordQuestion({ question: 'old answered too?', answered: true, citedSection: 'policy#3', askedAt: '2026-01-10T10:00:00.000Z' });
      const before = await log.countsSince('2026-01-01');

      expect(await log.deleteAskedBefore('2026-04-01T00:00:00.000Z', '2026-06-30T02:00:00.000Z')).toBe(2);

      expect(before).toEqual({ asked: 2, declined: 0, unhelpful: 0, disclosureLike: 0, heldBack: 0, draftsChecked: 0, draftConcerns: {} });
      expect(await log.countsSince('2026-01-01')).toEqual(before);
    });

    it('when a question was pressed Yes and No more times than one Azure transaction holds, then it is still deleted and counted once', async () => {
      const log = await make();
      const pressed = await log.recordQuestion({ question: 'old and pressed?', answered: true, citedSection: 'policy#4', askedAt: '2026-01-10T09:00:00.000Z' });
      for (let i = 0; i < 150; i++) await log.recordFeedback(pressed, i % 2 === 0, `2026-01-10T09:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000Z`);
      const before = await log.countsSince('2026-01-01');

      expect(await log.deleteAskedBefore('2026-04-01T00:00:00.000Z', '2026-06-30T02:00:00.000Z')).toBe(1);

      expect(await log.getQuestion(pressed)).toBeNull();
      expect(await log.countsSince('2026-01-01')).toEqual(before);
      expect(await log.deleteAskedBefore('2026-04-01T00:00:00.000Z', '2026-07-01T02:00:00.000Z')).toBe(0);
    });

    it('when questions are held back as possibly about a child, then only their day is counted, apart from those offered the report', async () => {
      const log = await make();
      await log.recordDisclosureLike('2026-03-02T09:00:00.000Z', 'offered');
      await log.recordDisclosureLike('2026-03-02T10:00:00.000Z', 'heldBack');
      await log.recordDisclosureLike('2026-03-03T10:00:00.000Z', 'heldBack');
      await log.recordDisclosureLike('2026-03-04T10:00:00.000Z');

      expect(await log.countsSince('2026-03-01')).toEqual({ asked: 0, declined: 0, unhelpful: 0, disclosureLike: 2, heldBack: 2, draftsChecked: 0, draftConcerns: {} });
      expect(await log.countsSince('2026-03-03')).toEqual({ asked: 0, declined: 0, unhelpful: 0, disclosureLike: 1, heldBack: 1, draftsChecked: 0, draftConcerns: {} });
      expect(await log.listFailed(10)).toEqual([]);
    });

    it('when a kept question is forgotten, then it and its replies are gone and its day counts it as held back, once', async () => {
      const log = await make();
      const kept = await log.recordQuestion({ question: 'a boy in 4B said his dad hurts him, does the policy cover that', answered: false, citedSection: null, askedAt: '2026-03-02T09:00:00.000Z' });
      const other = await log.recordQuestion({ question: 'parking?', answered: false, citedSection: null, askedAt: '2026-03-02T09:30:00.000Z' });
      await log.recordFeedback(kept, false, '2026-03-02T09:01:00.000Z');

      expect(await log.forgetQuestion(kept)).toBe(true);

      expect(await log.getQuestion(kept)).toBeNull();
      expect(await log.recordFeedback(kept, true, '2026-03-02T09:02:00.000Z')).toBe(false);
      expect((await log.listFailed(10)).map((q) => q.id)).toEqual([other]);
      expect(await log.countsSince('2026-03-01')).toEqual({ asked: 1, declined: 1, unhelpful: 0, disclosureLike: 0, heldBack: 1, draftsChecked: 0, draftConcerns: {} });
      expect(await log.forgetQuestion(kept)).toBe(false);
      expect(await log.forgetQuestion('no-such-id')).toBe(false);
      expect(await log.countsSince('2026-03-01')).toEqual({ asked: 1, declined: 1, unhelpful: 0, disclosureLike: 0, heldBack: 1, draftsChecked: 0, draftConcerns: {} });
    });

    it('when a reply was not sure and a person presses a choice, then the choice is kept with the question, once: a second press changes nothing', async () => {
      const log = await make();
      const id = await log.recordQuestion({ question: 'share the gofundme?', answered: true, citedSection: 'policy#7', askedAt: '2026-11-20T09:00:00.000Z', sure: false });
      expect(await log.getQuestion(id)).toMatchObject({ sure: false, choice: null });

      expect(await log.recordChoice(id, 'policy#9', '2026-11-20T09:01:00.000Z')).toEqual({ section: 'policy#9', at: '2026-11-20T09:01:00.000Z', review: 'open' });
      expect(await log.recordChoice(id, 'policy#7', '2026-11-20T09:02:00.000Z')).toEqual({ section: 'policy#9', at: '2026-11-20T09:01:00.000Z', review: 'open' });
      expect(await log.recordChoice(id, 'none', '2026-11-20T09:03:00.000Z')).toEqual({ section: 'policy#9', at: '2026-11-20T09:01:00.000Z', review: 'open' });
      expect((await log.getQuestion(id))?.choice).toEqual({ section: 'policy#9', at: '2026-11-20T09:01:00.000Z', review: 'open' });
      expect(await log.recordChoice('no-such-id', 'policy#9', '2026-11-20T09:04:00.000Z')).toBeNull();
      // A chosen section is not a failure: the question reads as answered, and is suggested instead.
      expect(await log.listFailed(10)).toEqual([]);
    });

    it('when two presses land at once, then one choice is kept and both presses read it', async () => {
      const log = await make();
      const id = await log.recordQuestion({ question: 'q', answered: true, citedSection: 'policy#1', askedAt: '2026-11-20T09:00:00.000Z', sure: false });
      const kept = await Promise.all([log.recordChoice(id, 'policy#2', '2026-11-20T09:01:00.000Z'), log.recordChoice(id, 'policy#3', '2026-11-20T09:01:00.000Z')]);
      expect(kept[0]).toEqual(kept[1]);
      expect((await log.getQuestion(id))?.choice).toEqual(kept[0]);
    });

    it('when sections are chosen, then each is a suggestion, newest first, until an owner accepts or dismisses it, once', async () => {
      const log = await make();
      const first = await log.recordQuestion({ question: 'first?', answered: true, citedSection: 'policy#1', askedAt: '2026-11-20T09:00:00.000Z', sure: false });
      const second = await log.recordQuestion({ question: 'second?', answered: true, citedSection: 'policy#1', askedAt: '2026-11-20T10:00:00.000Z', sure: false });
      const none = await log.recordQuestion({ question: 'none of them?', answered: true, citedSection: 'policy#1', askedAt: '2026-11-20T11:00:00.000Z', sure: false });
      const unpressed = await log.recordQuestion({ question: 'not pressed?', answered: true, citedSection: 'policy#1', askedAt: '2026-11-20T12:00:00.000Z', sure: false });
      await log.recordChoice(first, 'policy#4', '2026-11-20T09:01:00.000Z');
      await log.recordChoice(second, 'policy#5', '2026-11-20T10:01:00.000Z');
      await log.recordChoice(none, 'none', '2026-11-20T11:01:00.000Z');

      expect((await log.listSuggested(10)).map((q) => [q.id, q.question, q.choice?.section])).toEqual([[second, 'second?', 'policy#5'], [first, 'first?', 'policy#4']]);
      expect((await log.listSuggested(1)).map((q) => q.id)).toEqual([second]);
      // "None of these" is a failure the owners see as unanswered, as "not covered" is; an unpressed reply is neither.
      expect((await log.listFailed(10)).map((q) => q.id)).toEqual([none]);
      expect((await log.listFailed(10))[0].choice).toEqual({ section: 'none', at: '2026-11-20T11:01:00.000Z', review: 'open' });
      expect(await log.settleSuggestion(none, 'accepted')).toBe(false);
      expect(await log.settleSuggestion(unpressed, 'dismissed')).toBe(false);

      expect(await log.settleSuggestion(second, 'accepted')).toBe(true);
      expect(await log.settleSuggestion(second, 'accepted')).toBe(false);
      expect(await log.settleSuggestion(second, 'dismissed')).toBe(false);
      expect(await log.settleSuggestion(first, 'dismissed')).toBe(true);
      expect(await log.settleSuggestion('no-such-id', 'dismissed')).toBe(false);

      expect(await log.listSuggested(10)).toEqual([]);
      // Settled, the questions stay kept as they were, with what was chosen and what the owner did.
      expect(await log.getQuestion(second)).toMatchObject({ question: 'second?', choice: { section: 'policy#5', review: 'accepted' } });
      expect(await log.getQuestion(first)).toMatchObject({ question: 'first?', choice: { section: 'policy#4', review: 'dismissed' } });
      // A choice already settled is not pressed again by a stale card.
      expect(await log.recordChoice(first, 'policy#6', '2026-11-20T13:00:00.000Z')).toMatchObject({ section: 'policy#4', review: 'dismissed' });
    });

    it('when a question with a choice passes the retention period or is forgotten, then its choice goes with it', async () => {
      const log = await make();
      const old = await log.recordQuestion({ question: 'old unsure?', answered: true, citedSection: 'policy#1', askedAt: '2026-01-10T09:00:00.000Z', sure: false });
      const heldBack = await log.recordQuestion({ question: 'held back?', answered: true, citedSection: 'policy#1', askedAt: '2026-05-10T09:00:00.000Z', sure: false });
      const oldNone = await log.recordQuestion({ question: 'old none?', answered: true, citedSection: 'policy#1', askedAt: '2026-01-10T10:00:00.000Z', sure: false });
      await log.recordChoice(old, 'policy#4', '2026-01-10T09:01:00.000Z');
      await log.recordChoice(heldBack, 'policy#4', '2026-05-10T09:01:00.000Z');
      await log.recordChoice(oldNone, 'none', '2026-01-10T10:01:00.000Z');

      expect(await log.deleteAskedBefore('2026-04-01T00:00:00.000Z', '2026-06-30T02:00:00.000Z')).toBe(2);
      expect(await log.forgetQuestion(heldBack)).toBe(true);

      for (const id of [old, heldBack, oldNone]) expect(await log.getQuestion(id)).toBeNull();
      expect(await log.listSuggested(10)).toEqual([]);
      expect(await log.listFailed(10)).toEqual([]);
      expect(await log.recordChoice(old, 'policy#5', '2026-06-30T03:00:00.000Z')).toBeNull();
      expect(await log.settleSuggestion(old, 'accepted')).toBe(false);
    });

    it('when draft posts are checked, then only the day and the concerns they raised are counted, never a draft', async () => {
      const log = await make();
      await log.recordDraftCheck('2026-03-02T09:00:00.000Z', ['pupils-identified', 'pupil-images']);
      await log.recordDraftCheck('2026-03-02T10:00:00.000Z', []);
      await log.recordDraftCheck('2026-03-04T10:00:00.000Z', ['pupil-images']);

      expect(await log.countsSince('2026-03-01')).toMatchObject({ asked: 0, draftsChecked: 3, draftConcerns: { 'pupils-identified': 1, 'pupil-images': 2 } });
      expect(await log.countsSince('2026-03-03')).toMatchObject({ draftsChecked: 1, draftConcerns: { 'pupil-images': 1 } });
      expect(await log.listFailed(10)).toEqual([]);
    });
  });
}
