import fs from 'node:fs';
import path from 'node:path';
import { renderAnswerCard } from '../../../../../src/features/policy/teams/cards/answerCard';
import { AdaptiveCardJson } from '../../../../../src/teams/cards';
import { renderContentsCard } from '../../../../../src/features/policy/teams/cards/contentsCard';
import { createPolicyLibrary, findSection, sectionKey } from '../../../../../src/features/policy/policyLibrary';
import { renderHelpCard } from '../../../../../src/features/policy/teams/cards/helpCard';
import { renderNotCoveredCard } from '../../../../../src/features/policy/teams/cards/notCoveredCard';
import { renderNoneChosenCard, renderNotSureCard } from '../../../../../src/features/policy/teams/cards/notSureCard';
import { renderSectionCard } from '../../../../../src/features/policy/teams/cards/sectionCard';
import { Verbs } from '../../../../../src/teams/verbs';
import { renderWelcomeCard } from '../../../../../src/features/policy/teams/cards/welcomeCard';
import { Answer, answerQuestion } from '../../../../../src/features/policy/answer/answerQuestion';
import { parsePolicyText } from '../../../../../src/features/policy/ingest/parsePolicy';
import { PolicyDocument } from '../../../../../src/features/policy/policyDocument';
import { createPolicyIndex } from '../../../../../src/features/policy/answer/policyIndex';
import { cardProblems, cardVerbs, shownText, TEAMS_CARD_BYTES_LIMIT } from '../../../../support/cardAssertions';
import { cardTemplateFiles, REPO_ROOT } from '../../../../support/repoRoot';

const SAMPLES = path.resolve(REPO_ROOT, 'samples/policies');
const POLICIES = ['cardinal-heenan', 'lancashire-model', 'liverpool-model', 'lowerhouse-junior', 'north-star-trust'] as const;
const TODAY = new Date('2026-01-15T12:00:00Z');

const docs: Record<string, PolicyDocument> = Object.fromEntries(POLICIES.map((name) =>
  [name, parsePolicyText(fs.readFileSync(path.join(SAMPLES, `${name}.txt`), 'utf8'), `${name}.txt`, TODAY)]));
const liverpool = docs['liverpool-model'];
const liverpoolIndex = createPolicyIndex([liverpool]);

type Answered = Extract<Answer, { answered: true }>;
const answered = (question: string): Answered => {
  const a = answerQuestion(liverpoolIndex, question);
  if (!a.answered) throw new Error(`Expected the policy to answer "${question}"`);
  return a;
};

const bytes = (card: unknown): number => Buffer.byteLength(JSON.stringify(card), 'utf8');

/** One of every policy card, in each state a person can see it, for the verb check. */
function renderEveryPolicyCard(): { name: string; card: AdaptiveCardJson }[] {
  const answer = answered('Can I accept a friend request from a parent?');
  const other = answered('What happens if I breach the policy?');
  const lancashire = docs['lancashire-model'];
  return [
    { name: 'answer', card: renderAnswerCard({ ...answer, secondary: null }, 'q') },
    { name: 'answer+secondary', card: renderAnswerCard({ ...answer, secondary: other.best }, 'q') },
    { name: 'answer+feedback', card: renderAnswerCard(answer, 'q', { given: true, helpful: false }) },
    { name: 'notCovered', card: renderNotCoveredCard(liverpool.title) },
    { name: 'notSure', card: renderNotSureCard({ ...answer, sure: false }, 'q') },
    { name: 'noneChosen', card: renderNoneChosenCard(liverpool.title) },
    { name: 'notCovered+reportLine', card: renderNotCoveredCard(liverpool.title, { whatHappened: 'a girl in 4B said her dad hurts her' }) },
    { name: 'notCovered+concernOffer', card: renderNotCoveredCard(liverpool.title, undefined, { kind: 'colleagueConduct', whatHappened: 'my colleague parks in the disabled bay' }) },
    { name: 'notCovered+concernOffer in a channel', card: renderNotCoveredCard(liverpool.title, undefined, { kind: 'onlineAbuse' }) },
    { name: 'answer+reportLine', card: renderAnswerCard({ ...answer, secondary: null }, '', { given: false, asked: false }, undefined, { whatHappened: 'a boy in 3C showed me marks' }) },
    { name: 'answer+reportLine in a channel', card: renderAnswerCard({ ...answer, secondary: null }, '', { given: false, asked: false }, undefined, {}) },
    { name: 'welcome', card: renderWelcomeCard(liverpool.title) },
    { name: 'help-owner', card: renderHelpCard(lancashire.title, true, lancashire.warnings) },
    { name: 'help-staff', card: renderHelpCard(lancashire.title, false, lancashire.warnings) },
    // An owner on the safeguarding team, whose policy was read without headings: every section of help, and that note.
    { name: 'help-owner-team', card: renderHelpCard(docs['lowerhouse-junior'].title, true, docs['lowerhouse-junior'].warnings, [], [], { team: true, rules: true }) },
    ...POLICIES.flatMap((name) => [
      { name: `contents-${name}`, card: renderContentsCard(docs[name]) },
      ...docs[name].sections.map((s) => ({ name: `section-${name}-${s.ordinal}`, card: renderSectionCard(docs[name], s) })),
    ]),
  ];
}

describe('answer card', () => {
  it('when the policy answers with one section, then the card quotes it, cites it and asks whether it helped', () => {
    const answer = answered('Can I accept a friend request from a parent?');
    expect(answer.best.section.number).toBe('5');
    const card = renderAnswerCard({ ...answer, secondary: null }, 'q-1');

    expect(cardProblems(card)).toEqual([]);
    const text = shownText(card);
    expect(text).toContain(answer.best.quote);
    expect(text).toContain('Section 5. Acceptable use');
    expect(text).toContain('Social Media Policy for Schools');
    expect(text).not.toContain('liverpool-model.txt');
    expect(text).toContain('Was this helpful?');
    expect(text).toContain('Read the full section');
    expect(text).not.toContain('Also relevant');
    expect(cardVerbs(card)).toEqual([Verbs.feedback, Verbs.feedback, Verbs.readSection]);
    expect(JSON.stringify(card)).toContain('"questionId":"q-1"');
  });

  it('when a second section matches nearly as well, then the card also cites it', () => {
    // Whether the model finds a close second for a given question changes with each training; the card's job is to
    // show one when the answer has it, so the answer's own second-ranked section is made its close second here.
    const base = answered('Can I use social media during work time?');
    const second = base.matches.slice(1).find((m) => m.section.number !== null);
    expect(second).toBeDefined();
    const answer: Answered = { ...base, secondary: second! };
    const card = renderAnswerCard(answer, 'q-2');

    expect(cardProblems(card)).toEqual([]);
    const text = shownText(card);
    const alsoRelevant = text.split('\n').find((l) => l.startsWith('Also relevant: Section '));
    expect(alsoRelevant).toContain(second!.section.title);
    expect(alsoRelevant).toContain(second!.doc.title);
    expect(text).toContain(second!.quote);
    expect(text).toContain(answer.best.quote);
  });

  it('when the person said the answer helped, then the question is gone and they are thanked', () => {
    const card = renderAnswerCard(answered('What happens if I breach the policy?'), 'q-3', { given: true, helpful: true });

    expect(cardProblems(card)).toEqual([]);
    const text = shownText(card);
    expect(text).not.toContain('Was this helpful?');
    expect(text).toContain('Thanks for your feedback.');
    expect(cardVerbs(card)).toEqual([Verbs.readSection]);
  });

  it('when the person said the answer did not help, then the card points them to their line manager', () => {
    const card = renderAnswerCard(answered('What happens if I breach the policy?'), 'q-4', { given: true, helpful: false });

    expect(cardProblems(card)).toEqual([]);
    expect(shownText(card)).toContain('line manager');
    expect(shownText(card)).not.toContain('Was this helpful?');
  });

  it('when the answered section is long, then "Read the full section" shows its heading and text within the size limit', () => {
    const answer = answered('What should I do if I see cyberbullying?');
    const card = renderAnswerCard(answer, 'q-5');

    expect(cardProblems(card)).toEqual([]);
    expect(shownText(card)).toContain('7. Reporting, responding to and recording cyberbullying incidents');
    expect(shownText(card)).toContain('Individuals should never engage with cyberbullying incidents.');
  });
});

describe('not-covered, welcome and help cards', () => {
  it('when the policy does not cover a question, then the card says so and offers next steps, without repeating what was asked', () => {
    const question = 'Where can I park my car?';
    expect(answerQuestion(liverpoolIndex, question).answered).toBe(false);
    const card = renderNotCoveredCard(liverpool.title);

    expect(cardProblems(card)).toEqual([]);
    const text = shownText(card);
    expect(text).toContain("The policy doesn't cover that");
    expect(text).toContain(liverpool.title);
    expect(text).toContain('line manager');
    expect(text).not.toMatch(/report it now/);
    expect(JSON.stringify(card)).not.toContain('park');
    expect(cardVerbs(card)).toEqual([Verbs.concernStart, Verbs.showContents]);
  });

  it('when a question may be about a particular child, then the card leads with the report line, and its button carries the text into the report', () => {
    const typed = 'a girl in 4B said her dad "hurts" her \\ ${documentTitle}';
    const card = renderNotCoveredCard(liverpool.title, { whatHappened: typed });

    expect(cardProblems(card).filter((p) => !p.startsWith('unexpanded bindings'))).toEqual([]);
    const first = (card.body as { type: string; items?: unknown[] }[])[0];
    expect(first.type).toBe('Container');
    expect(shownText(first)).toContain('If this is about something a child told you or showed you, report it now.');
    // The text is carried in the button's data, never shown in the card.
    expect(shownText(card)).not.toContain('4B');
    const report = JSON.stringify(first);
    expect(report).toContain(Verbs.concernChooseKind);
    expect(JSON.parse(report).items[2].actions).toEqual([expect.objectContaining({ verb: Verbs.concernChooseKind, data: { changeKind: true, whatHappened: typed } })]);
  });

  it('when the question that may be about a child was asked in a channel, then the report line starts the report privately and carries nothing', () => {
    const answer = answered('Can I accept a friend request from a parent?');
    const card = renderAnswerCard({ ...answer, secondary: null }, '', { given: false, asked: false }, undefined, {});

    expect(cardProblems(card)).toEqual([]);
    const first = (card.body as { items?: { actions?: unknown[] }[] }[])[0];
    expect(first.items?.[2].actions).toEqual([expect.objectContaining({ verb: Verbs.concernStart, data: {} })]);
    expect(JSON.stringify(card)).not.toContain(Verbs.feedback);
  });

  it('when the bot is installed, then the welcome card names the policy and offers a concern report and the contents', () => {
    const card = renderWelcomeCard(liverpool.title);

    expect(cardProblems(card)).toEqual([]);
    expect(shownText(card)).toContain(liverpool.title);
    expect(cardVerbs(card)).toEqual([Verbs.concernStart, Verbs.checkPostStart, Verbs.showContents]);
  });

  it('when a policy owner asks for help, then they see their commands and what needs fixing in the document', () => {
    const lancashire = docs['lancashire-model'];
    expect(lancashire.warnings.length).toBeGreaterThan(0);
    const card = renderHelpCard(lancashire.title, true, lancashire.warnings);

    expect(cardProblems(card)).toEqual([]);
    const text = shownText(card);
    expect(text).toContain('Policy owners');
    expect(text).toContain('campaign status');
    expect(text).toContain('[establishment name]');
    // Notes sit in a semantic "warning" container in default-coloured, readable text, not pale small text on white.
    const notes = JSON.stringify(card.body).includes('"style":"warning"');
    expect(notes).toBe(true);
    expect(JSON.stringify(card.body)).not.toMatch(/"color":"Warning"[^}]*"size":"Small"/);
  });

  it('when a member of staff who is not an owner asks for help, then owner commands and document notes are hidden', () => {
    const lancashire = docs['lancashire-model'];
    const card = renderHelpCard(lancashire.title, false, lancashire.warnings);

    expect(cardProblems(card)).toEqual([]);
    const text = shownText(card);
    expect(text).toContain('What I can do');
    expect(text).not.toContain('Policy owners');
    expect(text).not.toContain('[establishment name]');
    expect(cardVerbs(card)).toEqual([Verbs.concernStart, Verbs.checkPostStart, Verbs.showContents]);
  });
});

describe.each(POLICIES)('contents and section cards for %s', (name) => {
  const doc = docs[name];

  it('when someone asks for the contents, then every section is listed within the size limit', () => {
    const card = renderContentsCard(doc);

    expect(cardProblems(card)).toEqual([]);
    const text = shownText(card);
    expect(text).toContain(doc.title);
    for (const s of doc.sections) expect(text).toContain(s.title);
    if (doc.metadata.nextReview) expect(text).toContain(doc.metadata.nextReview);
  });

  it('when someone asks for the contents, then the version shown is the document\'s own, never its internal fingerprint', () => {
    const withLabel = shownText(renderContentsCard(doc));
    const withoutLabel = shownText(renderContentsCard({ ...doc, metadata: { ...doc.metadata, version: undefined } }));
    for (const text of [withLabel, withoutLabel]) {
      expect(text).not.toMatch(/\bref [0-9a-f]{8}\b/);
      expect(text).not.toContain(doc.metadata.contentHash.slice(0, 8));
    }
    if (doc.metadata.version) expect(withLabel).toContain('Version ');
    expect(withoutLabel).not.toContain('Version');
    expect(cardProblems(renderContentsCard({ ...doc, metadata: { ...doc.metadata, version: undefined, lastReviewed: undefined, nextReview: undefined } }))).toEqual([]);
  });

  it('when the contents list a section, then the key it shows opens exactly that section, and no key is another section\'s number', () => {
    const library = createPolicyLibrary([doc]);
    const numbers = new Set(doc.sections.flatMap((s) => (s.number ? [s.number] : [])));
    for (const s of doc.sections) {
      const key = sectionKey(doc, s);
      if (s.number === null) expect(numbers.has(key)).toBe(false);
      expect(findSection(library, key)?.section).toBe(s);
    }
  });

  it('when someone opens the longest section, then it renders in full and stays under the Teams size limit', () => {
    const cards = doc.sections.map((s) => ({ section: s, card: renderSectionCard(doc, s) }));
    const longest = cards.reduce((a, b) => (bytes(b.card) > bytes(a.card) ? b : a));

    expect(cardProblems(longest.card)).toEqual([]);
    expect(bytes(longest.card)).toBeLessThan(TEAMS_CARD_BYTES_LIMIT);
    const text = shownText(longest.card);
    expect(text).toContain(longest.section.title);
    const firstLine = longest.section.text.split('\n')[0].replace(/^- /, '');
    if (firstLine) expect(text).toContain(firstLine);
    for (const c of cards) expect(cardProblems(c.card)).toEqual([]);
  });
});

describe('unnumbered sub-sections in the contents', () => {
  it('when a numbered section has unnumbered sub-sections, then they are listed under its number with a letter key that opens them', () => {
    const text = shownText(renderContentsCard(liverpool));
    expect(text).toContain('6 \u203a Reporting safeguarding concerns (section 6a)');
    expect(text).not.toMatch(/section #\d/);
    const library = createPolicyLibrary([liverpool]);
    expect(findSection(library, '6a')?.section.title).toBe('Reporting safeguarding concerns');
    expect(findSection(library, '9')?.section.title).toBe('Breaches of this policy');
  });
});

describe('size limit', () => {
  it('when a section is far longer than a card can hold, then its card is cut short, says so and stays under the limit', () => {
    const para = 'Staff must not post photographs of pupils on personal accounts, and must report any concern to the designated safeguarding lead. ';
    const huge = `1. Introduction\n\nThis policy applies to all staff.\n\n2. Photographs\n\n${Array.from({ length: 150 }, () => para.repeat(5)).join('\n\n')}\n`;
    const doc = parsePolicyText(huge, 'huge.txt', TODAY);
    const section = doc.sections.find((s) => s.number === '2')!;
    expect(Buffer.byteLength(section.text)).toBeGreaterThan(TEAMS_CARD_BYTES_LIMIT);
    const card = renderSectionCard(doc, section);

    expect(cardProblems(card)).toEqual([]);
    expect(shownText(card)).toContain('This section is long; the rest is in the policy document.');

    const answer = answerQuestion(createPolicyIndex([doc]), 'Can I post photographs of pupils on my personal account?');
    expect(answer.answered).toBe(true);
    const answerCard = renderAnswerCard(answer as Answered, 'q-6');
    expect(cardProblems(answerCard)).toEqual([]);
  });
});

describe('verbs', () => {
  const verbValues = new Set<string>(Object.values(Verbs));

  it('when every policy card is rendered, then every verb it carries is one the bot registers', () => {
    const rendered = renderEveryPolicyCard();
    expect(rendered.flatMap(({ card }) => cardVerbs(card))).toEqual(expect.arrayContaining([Verbs.feedback, Verbs.concernStart, Verbs.showContents]));
    const unknown = rendered.flatMap(({ name, card }) => cardVerbs(card).filter((v) => !verbValues.has(v)).map((v) => `${name}: ${v}`));
    expect(unknown).toEqual([]);
  });

  it('when any card template spells a verb, then it is a binding to a known verb or a literal Verbs value', () => {
    const files = cardTemplateFiles();
    expect(files.length).toBeGreaterThanOrEqual(15);
    const bad: string[] = [];
    for (const file of files) {
      const template = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
      for (const verb of verbStrings(template)) {
        const bound = /^\$\{(?:\$root\.)?verbs\.([A-Za-z0-9_]+)\}$/.exec(verb);
        if (bound) {
          if (!(bound[1] in Verbs)) bad.push(`${file}: ${verb} names no Verbs entry`);
        } else if (!verb.includes('${') && !verbValues.has(verb)) {
          bad.push(`${file}: literal verb "${verb}" is not a Verbs value`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('when any card shows the bot\'s own wording, then it has no backticks: Adaptive Card markdown has no code spans, so a person would see them', () => {
    const withBackticks = cardTemplateFiles().filter((file) => fs.readFileSync(file, 'utf8').includes('`'));
    expect(withBackticks).toEqual([]);
    // The sample policies have none either, so any here would be the bot's: the owners' notes on a policy included.
    const shown = renderEveryPolicyCard().filter(({ card }) => shownText(card).includes('`')).map(({ name }) => name);
    expect(shown).toEqual([]);
  });
});

/** Every string value of a `verb` key anywhere in a template (Action.Execute and Action.Submit data alike). */
function verbStrings(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(verbStrings);
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) =>
    (k === 'verb' && typeof v === 'string' ? [v] : verbStrings(v)));
}
