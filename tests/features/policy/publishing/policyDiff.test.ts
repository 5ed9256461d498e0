import { changedWords, diffPolicies, MAX_DIFF_CELLS } from '../../../../src/features/policy/publishing/policyDiff';
import { parsePolicyText } from '../../../../src/features/policy/ingest/parsePolicy';

const policy = (sections: string) => parsePolicyText(`Oakfield Primary School\nSocial Media Policy\nNext review: March 2027\n\n${sections}`, 'oakfield.txt');

describe('what changed between two versions', () => {
  const live = policy([
    '1. Introduction', '', 'This policy applies to every member of staff, governor and volunteer at the school.', '',
    '2. Contact with pupils', '', 'Staff must not accept friend requests from pupils on any personal account.', '',
    '3. Photographs', '', 'Photographs of pupils are posted only on the school account, with consent.', '',
  ].join('\n'));

  it('when a section is reworded, another added and one removed, then each is reported with the words that changed', () => {
    const next = policy([
      '1. Introduction', '', 'This policy applies to every member of staff, governor and volunteer at the school.', '',
      '2. Contact with pupils', '', 'Staff must not accept or send friend requests to pupils or former pupils on any personal account.', '',
      '3. Artificial intelligence', '', 'Pupils\' work is never put into public AI tools.', '',
    ].join('\n'));
    const diff = diffPolicies(live, next);
    expect(diff.unchanged).toBe(1);
    expect(diff.frontPageChanged).toBe(false);
    expect(diff.changes.map((c) => [c.kind, c.label])).toEqual([
      ['reworded', '2. Contact with pupils'],
      ['added', '3. Artificial intelligence'],
      ['removed', '3. Photographs'],
    ]);
    // Each run: the words that went and the words that came, between words both versions share.
    expect(diff.changes[0].changes).toEqual([
      { was: '', now: 'or send' },
      { was: 'from', now: 'to pupils or former' },
    ]);
  });

  it('when sections are renumbered but keep their titles and text, then nothing is reported but the renumbering', () => {
    const next = policy([
      '1. Introduction', '', 'This policy applies to every member of staff, governor and volunteer at the school.', '',
      '2. Using AI', '', 'Pupils\' work is never put into public AI tools.', '',
      '3. Contact with pupils', '', 'Staff must not accept friend requests from pupils on any personal account.', '',
      '4. Photographs', '', 'Photographs of pupils are posted only on the school account, with consent.', '',
    ].join('\n'));
    const diff = diffPolicies(live, next);
    expect(diff.changes.map((c) => [c.kind, c.label])).toEqual([
      ['added', '2. Using AI'],
      ['reworded', '3. Contact with pupils'],
      ['reworded', '4. Photographs'],
    ]);
    // Matched by title: only the number changed, so no words are reported.
    expect(diff.changes[1].changes).toEqual([]);
  });

  it('when nothing but the review date changes, then no section is reported and the front page is', () => {
    const next = parsePolicyText(`Oakfield Primary School\nSocial Media Policy\nNext review: March 2028\n\n${live.sections.map((s) => `${s.number}. ${s.title}\n\n${s.text}\n`).join('\n')}`, 'oakfield.txt');
    const diff = diffPolicies(live, next);
    expect(diff.changes).toEqual([]);
    expect(diff.frontPageChanged).toBe(true);
  });

  it('when words are compared, then case and spacing do not count as changes', () => {
    expect(changedWords('Staff  must NOT post', 'staff must not post')).toEqual([]);
    expect(changedWords('a b c', 'a x c')).toEqual([{ was: 'b', now: 'x' }]);
  });
});

describe('what changed, in a long policy', () => {
  it('when many long sections are reworded, then the words are given until the comparisons a diff may make are spent, and the rest are still reported reworded', () => {
    // Paragraphs of 300 words (a line of a policy is at most 10,000 characters), about 3,000 words a section.
    const sentence = (section: number, at: number) => `Staff read rule w${section}x${at % 700} and keep to it in school every day.`;
    const words = (section: number, tail: string) => Array.from({ length: 10 }, (_, p) => Array.from({ length: 25 }, (_, i) => sentence(section, p * 25 + i)).join(' ')).join('\n\n') + ` ${tail}`;
    const titles = ['Introduction', 'Contact', 'Photographs', 'Privacy', 'Conduct', 'Reporting', 'Devices', 'Groups', 'Messaging', 'Security', 'Training', 'Review'];
    const sections = (tail: string) => titles.map((title, k) => `${k + 1}. ${title}\n\n${words(k, tail)}\n`).join('\n');
    const live = policy(sections('staff must not post.'));
    const diff = diffPolicies(live, policy(sections('staff must never post.')));
    expect(diff.changes).toHaveLength(12);
    expect(diff.changes.every((c) => c.kind === 'reworded')).toBe(true);
    const withWords = diff.changes.filter((c) => c.changes.length > 0);
    // Each section costs its words squared in comparisons: only as many as the budget holds get their words.
    const n = `${live.sections[1].title}. ${live.sections[1].text}`.split(/\s+/).filter(Boolean).length;
    expect(n).toBeGreaterThan(3000);
    expect(withWords.length).toBe(Math.floor(MAX_DIFF_CELLS / (n * n)));
    expect(withWords.length).toBeLessThan(12);
    expect(withWords[0].changes).toEqual([{ was: 'not', now: 'never' }]);
  });

  it('when two texts are compared with a budget that cannot hold them, then no words are given and the budget is left as it was', () => {
    const budget = { cells: 10 };
    expect(changedWords('a b c d', 'a b x d', budget)).toEqual([]);
    expect(budget.cells).toBe(10);
    expect(changedWords('a b c', 'a b x', budget)).toEqual([{ was: 'c', now: 'x' }]);
    expect(budget.cells).toBe(1);
  });
});

