import fs from 'node:fs';
import path from 'node:path';
import { isDisclosureLike, readDisclosureSignals } from '../../../../src/features/policy/disclosure/disclosureSignals';
import { REPO_ROOT } from '../../../support/repoRoot';
import { showFigures } from '../../../support/figures';

/**
 * The detector that puts "Report a concern" before a policy answer. Measured on research/eval/disclosure-set.jsonl (written
 * before the detector, research/eval/README.md) and on every answer-quality set, whose questions are all ordinary policy
 * questions. The floors are the figures the detector reached when they were set; the test prints the figures.
 */
interface Labelled { text: string; disclosure: boolean; voice: string; split: 'dev' | 'holdout' | 'fresh' | 'last' }

const lines = (file: string): string[] => fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());

const labelled: Labelled[] = lines(path.join(REPO_ROOT, 'research', 'eval', 'disclosure-set.jsonl')).map((l) => JSON.parse(l) as Labelled);

/** Every question of the answer-quality sets, with the shared sample beside the repository when there is one. */
function ordinarySets(): { name: string; questions: string[] }[] {
  const files = fs.readdirSync(path.join(REPO_ROOT, 'research', 'eval')).filter((f) => /^qa-.*\.jsonl$/.test(f)).map((f) => path.join(REPO_ROOT, 'research', 'eval', f));
  const shared = path.resolve(REPO_ROOT, '..', 'shared', 'eval', 'qa-sample.jsonl');
  if (fs.existsSync(shared)) files.push(shared);
  return files.map((f) => ({ name: path.relative(path.resolve(REPO_ROOT, '..'), f), questions: lines(f).map((l) => (JSON.parse(l) as { q: string }).q) }));
}

describe('disclosure-like questions', () => {
  /** Caught disclosures and wrongly caught ordinary questions of one split, printed with the cases. */
  const figures = (split: string) => {
    const cases = labelled.filter((c) => c.split === split);
    const disclosures = cases.filter((c) => c.disclosure);
    const ordinary = cases.filter((c) => !c.disclosure);
    const missed = disclosures.filter((c) => !isDisclosureLike(c.text)).map((c) => c.text);
    const wronglyCaught = ordinary.filter((c) => isDisclosureLike(c.text)).map((c) => c.text);
    showFigures(`disclosure set, ${split}: caught ${disclosures.length - missed.length} of ${disclosures.length} disclosures; `
      + `wrongly caught ${wronglyCaught.length} of ${ordinary.length} ordinary questions\nmissed: ${JSON.stringify(missed, null, 1)}\n`
      + `wrongly caught: ${JSON.stringify(wronglyCaught, null, 1)}`);
    return { disclosures: disclosures.length, caught: disclosures.length - missed.length, ordinary: ordinary.length, wronglyCaught: wronglyCaught.length };
  };

  /**
   * The splits in the order they were written (research/eval/README.md): dev was tuned on, holdout and fresh were read once and
   * then looked at, last was read once after the final change. Floors: the figures reached, less a little.
   */
  it.each([
    ['dev', 60, 150, 76, 1],
    ['holdout', 30, 40, 28, 1],
    ['fresh', 25, 40, 20, 1],
    ['last', 25, 40, 20, 1],
  ] as const)('when the %s split is read, then nearly every disclosure is caught and almost no ordinary question is', (split, disclosures, ordinary, caught, wrong) => {
    const f = figures(split);
    expect(f.disclosures).toBeGreaterThanOrEqual(disclosures);
    expect(f.ordinary).toBeGreaterThanOrEqual(ordinary);
    expect(f.caught).toBeGreaterThanOrEqual(caught);
    expect(f.wronglyCaught).toBeLessThanOrEqual(wrong);
  });

  it('when every answer-quality question (all ordinary) is read, then almost none is taken for a disclosure', () => {
    const figures = ordinarySets().map(({ name, questions }) => ({ name, total: questions.length, caught: questions.filter(isDisclosureLike) }));
    showFigures(figures.map((f) => `${f.name}: wrongly caught ${f.caught.length} of ${f.total} ${JSON.stringify(f.caught)}`).join('\n'));
    const total = figures.reduce((n, f) => n + f.total, 0);
    const caught = figures.reduce((n, f) => n + f.caught.length, 0);
    expect(total).toBeGreaterThanOrEqual(700);
    expect(caught).toBeLessThanOrEqual(2);
  });

  it.each([
    ['can I post photos of my class on Instagram'],
    ['what if a parent tells me about a fake account'],
    ['can pupils add me on facebook'],
    ['What should I do if a pupil tells me they are being abused at home?'],
    ['Can I post the marks from the Year 9 mock on the class page?'],
    ['a pupil told me they found my old tweets, should I delete them?'],
  ])('when an ordinary question reads "%s", then it is not taken for a disclosure', (text) => {
    expect(isDisclosureLike(text)).toBe(false);
  });

  it.each([
    ['Aleksander Nowak in 5P showed me bruises on his legs and said his dad kicks him'],
    ['a girl in my year 10 form told me she is being made to send pictures to a man she met online'],
    ['she showed me the cuts on her wrists at break'],
    ['One of the boys in reception has a burn on his hand, mum said he touched the iron but he told me mummy did it'],
  ])('when a message reads "%s", then it is taken for a disclosure', (text) => {
    expect(isDisclosureLike(text)).toBe(true);
  });

  // Forms the lemmatiser makes from the lists' base forms (wordLists/disclosureSignals.json) that the lists written out
  // by hand lacked: each one found a disclosure in the corpus and caught no ordinary question (issue 68).
  it.each([
    ['a mum was screaming at her son in the playground this morning, he is in year 2'],
    ['a boy in my tutor group told me an older lad has been giving him weed'],
  ])('when a message tells harm in a form the lists make ("%s"), then it is taken for a disclosure', (text) => {
    expect(isDisclosureLike(text)).toBe(true);
  });

  // Forms the lemmatiser would make that the lists leave out (their "except"), and the one typing's own doing.
  it.each([
    ['our year 8 drama club is doing Macbeth with lots of stabbing, can I post the trailer on the school page'],
    ['the kids found an exploit in the game server today, can I ban them'],
    ['a year 11 keeps abusing me on tiktok, should I reply'],
    ['I shouted at her son in class today, will his mum complain on facebook?'],
    ['I sent photos of my class to the parents whatsapp today, was that ok'],
  ])('when an ordinary message reads "%s", then it is not taken for a disclosure', (text) => {
    expect(isDisclosureLike(text)).toBe(false);
  });

  it('when a disclosure is read, then the signals say which kinds of words were found, and none of the words themselves', () => {
    const signals = readDisclosureSignals('Finn Ashworth in 3C showed me cigarette burns on his arm, what should I do?');
    expect(signals).toMatchObject({ child: true, specific: true, injury: true, told: true, hypothetical: false, disclosureLike: true });
    expect(JSON.stringify(signals)).not.toMatch(/Ashworth|burns|3C/);
  });
});

describe('a long message: its names are read where something happened', () => {
  const sentence = 'Mia Kowalski has bruises on her arms again.';
  it('when a sentence whose name decides it comes after thousands of characters, then it reads as it does alone', () => {
    expect(readDisclosureSignals(sentence).disclosureLike).toBe(true);
    for (const padding of ['St. '.repeat(3000), 'What a lovely week it has been at the summer fair. '.repeat(200)]) {
      const signals = readDisclosureSignals(`${padding}${sentence}`);
      expect(signals.disclosureLike).toBe(true);
      expect(signals.specific).toBe(true);
    }
  });

  it('when the padding says nothing happened, then no name in it is read as a child\'s', () => {
    const signals = readDisclosureSignals('Mia Kowalski won the poetry prize. '.repeat(300));
    expect(signals.disclosureLike).toBe(false);
  });
});

