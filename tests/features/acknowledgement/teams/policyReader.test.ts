import path from 'node:path';
import { readPolicyFilesIsolated } from '../../../../src/features/policy';
import { pageOfSection, readerPages } from '../../../../src/features/acknowledgement/teams/policyReader';
import { renderPolicyReaderCard } from '../../../../src/features/acknowledgement/teams/cards/policyReaderCard';
import { cardProblems, shownText } from '../../../support/cardAssertions';
import { REPO_ROOT } from '../../../support/repoRoot';
import { policyVersion } from '../domain/ackTestKit';

describe('the policy reader', () => {
  it('when each sample policy is read, then every word of every section is on a page, headings kept, and every page is a valid card within Teams\' size', async () => {
    const files = ['liverpool-model', 'lowerhouse-junior', 'lancashire-model', 'north-star-trust', 'cardinal-heenan'].map((f) => path.join(REPO_ROOT, 'samples', 'policies', `${f}.txt`));
    for (const doc of await readPolicyFilesIsolated(files)) {
      const pages = readerPages(doc);
      const version = policyVersion(doc.metadata.contentHash, '2026-01-01T00:00:00Z', { title: doc.metadata.title });
      const all = [0, ...pages.map((_, i) => i + 1)].map((page) => renderPolicyReaderCard({ version, pages, page, canAcknowledge: true }));
      for (const card of all) expect(cardProblems(card)).toEqual([]);
      const text = all.map(shownText).join('\n').replace(/\s+/g, ' ');
      for (const s of doc.sections.filter((x) => x.ordinal > 0)) {
        for (const word of s.text.split(/\s+/).filter((w) => w.length > 3).slice(0, 40)) expect(text).toContain(word.replace(/^[-\u2022]/, ''));
        expect(text).toContain(s.title);
      }
    }
  });

  it('when a section is longer than a page, then it continues on the next, cut at a space', () => {
    const long = Array.from({ length: 3000 }, (_, i) => `word${i}`).join(' ');
    const pages = readerPages({
      id: 'p', source: 'p.txt', title: 'P', metadata: { title: 'P', contentHash: 'h' }, frontPage: [], warnings: [],
      sections: [{ ordinal: 1, number: '1', title: 'Long', level: 1, parent: null, text: long }],
    }, 9000);
    expect(pages.length).toBeGreaterThan(2);
    expect(pages[1].continued).toBe(true);
    expect(pages.flatMap((p) => p.blocks.map((b) => b.text)).join(' ')).toBe(long);
  });

  it('when a change names a section, then the reader opens at the page it is on: a top-level section, a sub-section under it, a long one\'s first page', async () => {
    const [doc] = await readPolicyFilesIsolated([path.join(REPO_ROOT, 'samples', 'policies', 'liverpool-model.txt')]);
    const pages = readerPages(doc);
    const five = doc.sections.find((s) => s.number === '5')!;
    expect(pages[pageOfSection(pages, five.ordinal) - 1].label).toBe('5. Acceptable use');
    const sub = doc.sections.find((s) => s.title === 'Reporting safeguarding concerns')!;
    expect(sub.parent).not.toBeNull();
    expect(pages[pageOfSection(pages, sub.ordinal) - 1].label).toBe('6. Safeguarding');
    expect(pageOfSection(pages, 9999)).toBe(0);
    const long = readerPages({
      id: 'p', source: 'p.txt', title: 'P', metadata: { title: 'P', contentHash: 'h' }, frontPage: [], warnings: [],
      sections: [{ ordinal: 1, number: '1', title: 'Long', level: 1, parent: null, text: Array.from({ length: 3000 }, (_, i) => `word${i}`).join(' ') },
        { ordinal: 2, number: '2', title: 'Next', level: 1, parent: null, text: 'Short.' }],
    }, 9000);
    expect(pageOfSection(long, 1)).toBe(1);
    expect(long[pageOfSection(long, 2) - 1].label).toBe('2. Next');
  });

  it('when the contents page tells the reader how to go on, then it names the button the page has', async () => {
    const [doc] = await readPolicyFilesIsolated([path.join(REPO_ROOT, 'samples', 'policies', 'liverpool-model.txt')]);
    const pages = readerPages(doc);
    const contents = renderPolicyReaderCard({ version: policyVersion(doc.metadata.contentHash, '2026-01-01T00:00:00Z'), pages, page: 0, canAcknowledge: true });
    const titles = JSON.stringify(contents).match(/"title":"[^"]*"/g) ?? [];
    expect(titles).toContain('"title":"Start reading"');
    expect(shownText(contents)).toContain('Press Start reading to go section by section');
    expect(shownText(contents)).not.toMatch(/with Next\b/);
  });
});
