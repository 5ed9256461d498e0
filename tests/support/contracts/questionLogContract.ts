import { QuestionLog } from '../../../src/features/policy/teaching/questionLog';

/** One contract for every question-log adapter: what the policy feature relies on. */
export function describeQuestionLogContract(name: string, make: () => Promise<QuestionLog> | QuestionLog): void {
  describe(`question log contract: ${name}`, () => {
    it('when a question is recorded, then it reads back by its id with what was asked and how it was answered', async () => {
      const log = await make();
      const id = await log.recordQuestion({ question: 'can i friend a parent on fb', answered: true, citedSection: 'policy#4', askedAt: '2026-11-20T09:00:00.000Z' });
      expect(await log.getQuestion(id)).toEqual({
        id, question: 'can i friend a parent on fb', answered: true, citedSection: 'policy#4', askedAt: '2026-11-20T09:00:00.000Z', helpful: null, phrasing: null,
      });
      expect(await log.getQuestion('no-such-id')).toBeNull();
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
  });
}
