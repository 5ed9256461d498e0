import fs from 'node:fs';
import path from 'node:path';
import { loadDisclosureDetector } from '../../../../src/compose/disclosure';
import { DisclosureDetector } from '../../../../src/features/policy/disclosure/disclosureDetector';
import { DisclosureCase, evaluateDisclosures } from '../../../../src/features/policy/disclosure/evaluateDisclosures';
import { createLogger } from '../../../../src/shared/logger';
import { REPO_ROOT } from '../../../support/repoRoot';
import { showFigures } from '../../../support/figures';
import { ORDINARY } from '../../../support/modelItems';

/**
 * The shipped disclosure model (models/encoder) on the dev sets its thresholds were set on: research/eval/disclosure-set.jsonl
 * and every qa set's ordinary questions. Floors at the figures the shipped model reached (research/DECISIONS.md,
 * issue 48), so a retrain that loses ground fails here. The blind sets are measured by `npm run eval:disclosure` and
 * by tests/security/disclosureBlindSets.test.ts, never held to floors here (a floor is a target to tune to).
 */
const jsonl = (file: string): Record<string, unknown>[] => fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
const labelled: DisclosureCase[] = jsonl(path.join(REPO_ROOT, 'research', 'eval', 'disclosure-set.jsonl')).map((r) => ({ text: String(r.text), disclosure: r.disclosure === true }));
const qa: DisclosureCase[] = fs.readdirSync(path.join(REPO_ROOT, 'research', 'eval')).filter((f) => /^qa-.*\.jsonl$/.test(f))
  .flatMap((f) => jsonl(path.join(REPO_ROOT, 'research', 'eval', f)).map((r) => ({ text: String(r.q), disclosure: false })));

describe('the shipped disclosure model', () => {
  let detector: DisclosureDetector;
  beforeAll(async () => { detector = await loadDisclosureDetector(createLogger('silent')); });

  it('when it reads messages, then the encoder itself scores them (a failing encoder would fall back to the word list and hold everything back)', async () => {
    const readings = await detector.readAll([ORDINARY.friendRequests, 'a girl in 4B told me her dad hits her with a belt']);
    for (const r of readings) expect(Number.isFinite(r.score)).toBe(true);
    expect(readings.map((r) => r.offer)).toEqual([false, true]);
  });

  it('when it reads the team\'s own disclosure set, then it offers Report a concern for nearly every disclosure and holds back every one', async () => {
    const f = await evaluateDisclosures(detector, labelled);
    showFigures(`disclosure-set: offered ${f.offered}/${f.disclosures}, not held back ${f.notHeldBack.length}; ordinary offered ${f.ordinaryOffered}/${f.ordinary}, held back ${f.ordinaryHeldBack}`);
    expect(f.offered).toBeGreaterThanOrEqual(FLOORS.setOffered);
    expect(f.notHeldBack).toEqual([]);
    expect(f.ordinaryOffered).toBeLessThanOrEqual(FLOORS.setFalseOffers);
  });

  it('when it reads every ordinary question of the answer-quality sets, then it offers the report for at most 1% of them', async () => {
    const f = await evaluateDisclosures(detector, qa);
    showFigures(`qa sets: ordinary offered ${f.ordinaryOffered}/${f.ordinary}, held back ${f.ordinaryHeldBack}`);
    expect(f.ordinary).toBeGreaterThanOrEqual(750);
    expect(f.ordinaryOffered).toBeLessThanOrEqual(FLOORS.qaFalseOffers);
    expect(f.ordinaryHeldBack).toBeLessThanOrEqual(FLOORS.qaHeldBack);
  });

  // The messages issue 48 was filed with: each is offered the report, or carries the report line (held back).
  it.each([
    'one of my reception kids has had the same clothes on all week and keeps taking food out of the bins at lunch',
    'the new football coach keeps giving a year 8 boy lifts home and messages him on snapchat late at night',
    "year 10 lad has been sharing videos from some far right channel in form time and said the 'invasion' needs to be stopped by force",
  ])('when staff type "%s", then it is held back and never reaches the owner', async (text) => {
    expect((await detector.read(text)).holdBack).toBe(true);
  });

  it.each([
    // Each at least MODEL_MARGIN from both thresholds (modelItems.model.test.ts checks them), so this holds wherever the
    // logit falls within rounding.
    ORDINARY.friendRequests,
    ORDINARY.beforePostingAPhoto,
    ORDINARY.abusiveParent,
  ])('when staff ask "%s", then it is an ordinary question', async (text) => {
    expect(await detector.read(text)).toMatchObject({ offer: false, holdBack: false });
  });
});

/**
 * The shipped model reached 158/158 and 4/291 on the disclosure set, and 5/750 offered and 63/750 held back on the qa
 * sets (research/DECISIONS.md, issue 48). The floors leave two messages either way for another CPU's rounding of the
 * int8 graph; the qa sets' bounds are the thresholds' own rules (1% offered, 10% held back).
 */
const FLOORS = { setOffered: 156, setFalseOffers: 6, qaFalseOffers: 7, qaHeldBack: 75 };
