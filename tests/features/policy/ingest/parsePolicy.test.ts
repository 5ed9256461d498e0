import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { loadPolicyFile, PolicyLoadError } from '../../../../src/features/policy/ingest/loadPolicyFile';
import { parsePolicyText } from '../../../../src/features/policy/ingest/parsePolicy';
import { splitPassages } from '../../../../src/features/policy/answer/passages';
import { PolicyDocument, PolicySection } from '../../../../src/features/policy/policyDocument';
import { REPO_ROOT } from '../../../support/repoRoot';

const SAMPLES = path.resolve(REPO_ROOT, 'samples/policies');
const POLICIES = ['cardinal-heenan', 'lancashire-model', 'liverpool-model', 'lowerhouse-junior', 'north-star-trust'] as const;
type PolicyName = (typeof POLICIES)[number];

/** A fixed "today" before every sample's review date, so results do not depend on when the suite runs. */
const BEFORE_ANY_REVIEW = new Date('2026-01-15T12:00:00Z');

const raw = (name: PolicyName): string => fs.readFileSync(path.join(SAMPLES, `${name}.txt`), 'utf8');
const parse = (name: PolicyName, today: Date = BEFORE_ANY_REVIEW): PolicyDocument => parsePolicyText(raw(name), `${name}.txt`, today);

/** Every paragraph or bullet a reader sees, one per entry. */
const paragraphs = (doc: PolicyDocument): string[] => doc.sections.flatMap((s) => s.text.split(/\n+/).map((p) => p.trim()).filter(Boolean));
const allText = (doc: PolicyDocument): string => doc.sections.map((s) => `${s.title}\n${s.text}`).join('\n\n');
const byNumber = (doc: PolicyDocument, n: string): PolicySection => {
  const found = doc.sections.find((s) => s.number === n);
  if (!found) throw new Error(`${doc.id} has no section numbered ${n}; has ${doc.sections.map((s) => s.number ?? s.title).join(', ')}`);
  return found;
};
const byTitle = (doc: PolicyDocument, title: string): PolicySection => {
  const found = doc.sections.find((s) => s.title.toLowerCase() === title.toLowerCase());
  if (!found) throw new Error(`${doc.id} has no section titled "${title}"; has ${doc.sections.map((s) => s.title).join(', ')}`);
  return found;
};

/** The table-of-contents lines of a source file (a title, then a tab or dot leader, then a page number). */
const tocLines = (text: string): string[] => text.split(/\r?\n/)
  .filter((l) => /(\t|\.{2,})\s*\d{1,3}\s*$/.test(l))
  .map((l) => l.replace(/[\t ]+/g, ' ').trim());

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parse-policy-'));
afterAll(() => fs.rmSync(tempDir, { recursive: true, force: true }));

describe('parsing the five sample policies', () => {
  describe.each(POLICIES)('%s', (name) => {
    const doc = parse(name);

    it('when parsed, then it has sections with text and no structural warning', () => {
      expect(doc.sections.length).toBeGreaterThan(3);
      expect(doc.sections.filter((s) => s.text.trim() !== '').length).toBeGreaterThan(3);
      expect(doc.warnings.map((w) => w.code)).not.toContain('NO_SECTIONS');
      doc.sections.forEach((s, i) => expect(s.ordinal).toBe(i + 1));
    });

    it('when parsed, then the table of contents and document-status tables are not sections', () => {
      expect(doc.sections.map((s) => s.title)).not.toContainEqual(expect.stringMatching(/^(table of )?contents?$/i));
      const text = allText(doc);
      expect(text).not.toContain('Version 1\t');
      expect(text).not.toMatch(/Version \d+\s*(\||\s)\s*\d\d \d{4}/);
      expect(text).not.toMatch(/DOCUMENT STATUS/);
      for (const line of tocLines(raw(name))) expect(text).not.toContain(line);
    });

    it('when loaded from the .txt file on disk, then the result is the same as parsing its text', async () => {
      const file = await loadPolicyFile(path.join(SAMPLES, `${name}.txt`), BEFORE_ANY_REVIEW);
      expect(file.id).toBe(name);
      expect(file.source).toBe(`${name}.txt`);
      expect(file.sections).toEqual(doc.sections);
      expect(file.metadata).toEqual(doc.metadata);
    });

    it('when parsed, then the content hash is a sha256 that is the same every time for the same text', () => {
      expect(doc.metadata.contentHash).toMatch(/^[0-9a-f]{64}$/);
      expect(parse(name).metadata.contentHash).toBe(doc.metadata.contentHash);
    });
  });

  it('when the contents lists have page numbers, then none of those lines survive into any section', () => {
    // Guards the per-policy check above: the two policies with a contents page really do have such lines.
    expect(tocLines(raw('liverpool-model')).length).toBeGreaterThanOrEqual(13);
    expect(tocLines(raw('cardinal-heenan')).length).toBeGreaterThanOrEqual(13);
    for (const name of ['liverpool-model', 'cardinal-heenan'] as const) {
      expect(paragraphs(parse(name)).some((p) => /^\d+\. .+ \d$/.test(p))).toBe(false);
    }
  });

  it('when a page header repeats on every page (cardinal-heenan), then it appears in no section text', () => {
    const doc = parse('cardinal-heenan');
    const text = allText(doc);
    expect(text).not.toContain('Working together to safeguard children');
    expect(text).not.toContain('RESPECT, BELIEVE, ACHIEVE');
  });

  it('when a running header carries its page number, then every page of it is dropped and the sections stay top level', () => {
    // Made up for this test (no sample has such a header): a reference and page number that change on every page.
    const page = (n: number, body: string): string => `HSC/HR/07 Staff Online Conduct - page ${n}\n\n${body}`;
    const text = [
      page(1, 'Harbour Street School\nStaff Online Conduct Policy\n\n1. Purpose\nThis policy sets out how staff conduct themselves online.\n\n2. Personal accounts\nStaff must not accept friend requests from pupils.'),
      page(2, '3. School accounts\nOnly accounts approved by the headteacher may carry the school name.\n\n4. Reporting concerns\nStaff report any concern about a pupil online to the DSL.'),
      page(3, 'Appendix 1\nThe approval form for a school account is kept by the office.'),
    ].join('\n\n\n');
    const doc = parsePolicyText(text, 'harbour-street.txt', BEFORE_ANY_REVIEW);
    expect(allText(doc)).not.toMatch(/page \d/i);
    expect(doc.sections.map((s) => s.number).filter(Boolean)).toEqual(['1', '2', '3', '4']);
    expect(byNumber(doc, '3').text).toContain('Only accounts approved by the headteacher');
    expect(allText(doc)).toContain('Appendix 1');
  });

  it('when a title page has a subtitle, a long title line and "Owner: ..." lines, then they stay on the front page and the parts are top level', () => {
    // Made up for this test: the body starts at the first heading followed by prose; a long title line that does not
    // end like a sentence is not prose, so the subtitle above it is not taken for the first section.
    const text = [
      'Moorgate Schools Partnership',
      'A federation of three infant and junior schools',
      '',
      'Federation Policy: Social Networking, Messaging and Online Communication (Staff, Governors and Volunteers)',
      '',
      'Policy owner: Executive Headteacher',
      'Approved by: Full Governing Board',
      'Next review: March 2028',
      '',
      'Part 1 Why we have this policy',
      '',
      'This policy helps every adult in the federation use social networking safely and keep pupils safe online.',
      '',
      'Part 2 Personal accounts',
      '',
      'Staff must not accept friend requests from pupils or from parents they know only through school.',
    ].join('\n');
    const doc = parsePolicyText(text, 'moorgate.txt', BEFORE_ANY_REVIEW);
    expect(doc.sections.map((s) => [s.title, s.level])).toEqual([['Part 1 Why we have this policy', 1], ['Part 2 Personal accounts', 1]]);
    expect(doc.metadata.title).toBe('Federation Policy: Social Networking, Messaging and Online Communication (Staff, Governors and Volunteers)');
    expect(allText(doc)).not.toMatch(/Policy owner|Approved by|A federation of three/);
  });

  it('when status tables sit on the front page, then their rows are not in any section', () => {
    expect(allText(parse('cardinal-heenan'))).not.toMatch(/Key staff|J Asquith|To be reviewed|Approved by governing body/);
    expect(allText(parse('north-star-trust'))).not.toMatch(/Reflect change in policy|J Grayson|Non statutory/);
    expect(allText(parse('lowerhouse-junior'))).not.toMatch(/Written By|G\.Lloyd|Date of Review/);
  });

  describe('sentences broken across pages are joined', () => {
    it.each([
      ['liverpool-model', 'such as Facebook, unless they are family members'],
      ['cardinal-heenan', 'images of you which have been taken'],
      ['north-star-trust', 'These principles apply to the personal and professional use'],
    ] as const)('when %s breaks a sentence at a page end, then one paragraph reads "%s"', (name, phrase) => {
      expect(paragraphs(parse(name)).filter((p) => p.includes(phrase))).toHaveLength(1);
    });

    it('when lancashire 3.4 breaks after "In addition", then section 3.4 reads "In addition there are some cases" in one paragraph', () => {
      const s34 = byNumber(parse('lancashire-model'), '3.4');
      expect(s34.text.split(/\n+/).some((p) => p.includes('In addition there are some cases'))).toBe(true);
      expect(s34.text).toContain('inappropriate relationships with children and young people.');
    });
  });

  describe('numbered headings', () => {
    it('when liverpool numbers its sections 1 to 11, then they come in order with the document\'s titles', () => {
      const doc = parse('liverpool-model');
      const numbered = doc.sections.filter((s) => s.number !== null).map((s) => [s.number, s.title]);
      expect(numbered).toEqual([
        ['1', 'Introduction'],
        ['2', 'Purpose of the policy'],
        ['3', 'Roles, responsibilities and procedure'],
        ['4', 'Definition of social media'],
        ['5', 'Acceptable use'],
        ['6', 'Safeguarding'],
        ['7', 'Reporting, responding to and recording cyberbullying incidents'],
        ['8', 'Action by employer: inappropriate use of social media'],
        ['9', 'Breaches of this policy'],
        ['10', 'Monitoring and review'],
        ['11', 'Legislation'],
      ]);
      for (const s of doc.sections.filter((x) => x.number !== null)) {
        expect(s.level).toBe(1);
        expect(s.parent).toBeNull();
      }
    });

    it('when cardinal-heenan adopts the same model, then it has the same eleven numbered sections', () => {
      const titles = (d: PolicyDocument) => d.sections.filter((s) => s.number !== null).map((s) => `${s.number} ${s.title}`);
      expect(titles(parse('cardinal-heenan'))).toEqual(titles(parse('liverpool-model')));
    });

    it('when lancashire has clauses 3.1 to 3.4, then they are level-2 children of section 3', () => {
      const doc = parse('lancashire-model');
      const three = byNumber(doc, '3');
      expect(three.level).toBe(1);
      for (const n of ['3.1', '3.2', '3.3', '3.4']) {
        const sub = byNumber(doc, n);
        expect(sub.level).toBe(2);
        expect(sub.parent).toBe(three.ordinal);
      }
      expect(byNumber(doc, '3.1').text).toMatch(/^The use of social networking\/media\/messaging sites/);
      expect(byNumber(doc, '4.1').parent).toBe(byNumber(doc, '4').ordinal);
    });

    it('when lancashire quotes guidance numbered "12. Communication with children", then it stays inside section 5', () => {
      const doc = parse('lancashire-model');
      expect(doc.sections.map((s) => s.number)).not.toContain('12');
      expect(doc.sections.map((s) => s.title)).not.toContainEqual(expect.stringMatching(/Communication with children/i));
      const five = byNumber(doc, '5');
      expect(five.text).toContain('12. Communication with children (including the use of technology)');
      expect(five.text).toContain('This means that adults should:');
      expect(five.text).toContain('provide school devices such as cameras and mobile phones');
      const afterFive = doc.sections[doc.sections.indexOf(five) + 1];
      expect(afterFive.number).toBe('6');
    });

    it('when north-star numbers four sections, then each is a top-level section with its own text', () => {
      const doc = parse('north-star-trust');
      expect(doc.sections.map((s) => s.number)).toEqual(['1', '2', '3', '4']);
      expect(byNumber(doc, '4').title).toBe('The School LinkedIn and Facebook Account');
      expect(byNumber(doc, '3').text).toContain('must not be "friends" with or follow pupils');
    });
  });

  describe('ALL-CAPS and unnumbered headings', () => {
    it('when lancashire writes "1. PURPOSE", then it is section 1 titled Purpose', () => {
      const doc = parse('lancashire-model');
      const one = byNumber(doc, '1');
      expect(one.title.toLowerCase()).toBe('purpose');
      expect(one.text).toContain("This Policy sets out the school's position");
      expect(doc.sections.filter((s) => s.level === 1).map((s) => s.number)).toEqual(['1', '2', '3', '4', '5', '6']);
    });

    it('when lowerhouse writes "GUIDANCE AND ADVICE" and "SAFEGUARDING" in capitals, then both are headings', () => {
      const doc = parse('lowerhouse-junior');
      expect(byTitle(doc, 'GUIDANCE AND ADVICE').text).toMatch(/^Employees who choose to make use of social networking/);
      expect(byTitle(doc, 'SAFEGUARDING').text).toMatch(/^Communicating with both current and former pupils/);
    });

    it('when lowerhouse uses plain headings, then Overview, Scope and Use of images are sections with their text', () => {
      const doc = parse('lowerhouse-junior');
      expect(doc.sections[0].title).toBe('Overview');
      expect(byTitle(doc, 'Overview').text).toContain('Social media (e.g. Facebook, X, LinkedIn) is a broad term');
      expect(byTitle(doc, 'Scope').text).toContain("This policy is subject to Lowerhouse Junior School's codes of conduct");
      expect(byTitle(doc, 'Use of images').text).toContain('Under no circumstances should staff share or upload student/pupil pictures');
    });

    it('when lowerhouse quotes "12. Communication with children", then it stays inside its Safeguarding section', () => {
      const doc = parse('lowerhouse-junior');
      expect(doc.sections.map((s) => s.title)).not.toContainEqual(expect.stringMatching(/Communication with children/i));
      expect(byTitle(doc, 'Safeguarding').text).toContain('12. Communication with children');
    });

    it('when liverpool has "Reporting safeguarding concerns" under section 6, then it is a subsection of 6', () => {
      const doc = parse('liverpool-model');
      const reporting = byTitle(doc, 'Reporting safeguarding concerns');
      expect(reporting.number).toBeNull();
      expect(reporting.parent).toBe(byNumber(doc, '6').ordinal);
      expect(reporting.level).toBe(2);
      expect(reporting.text).toContain('must be reported to the lead safeguarding officer');
      expect(byNumber(doc, '6').text).not.toContain('must be reported to the lead safeguarding officer');
    });
  });

  it('when liverpool makes the lead-in "Individuals should:" a heading, then it titles a subsection of 3 and each of its bullets is quoted with it', () => {
    const doc = parse('liverpool-model');
    const individuals = byTitle(doc, 'Individuals should');
    expect(individuals.parent).toBe(byNumber(doc, '3').ordinal);
    const passages = splitPassages(individuals.text);
    expect(passages).toHaveLength(5);
    expect(passages.every((p) => p.leadIn === 'Individuals should:')).toBe(true);
    expect(passages.map((p) => p.text)).toContain('ensure their security settings are at the highest possible level.');
    expect(splitPassages(byTitle(doc, 'Managers are responsible for').text).map((p) => p.leadIn)).toEqual(Array(3).fill('Managers are responsible for:'));
  });

  it('when liverpool section 5 lists what not to upload, then the bullets keep the document\'s order', () => {
    const five = byNumber(parse('liverpool-model'), '5');
    const bullets = five.text.split('\n').filter((l) => l.startsWith('- ')).map((l) => l.slice(2));
    expect(bullets).toEqual([
      'is confidential to the school/trust or its staff',
      'amounts to bullying',
      'amounts to unlawful discrimination, harassment or victimisation',
      'brings the school/trust into disrepute',
      'contains lewd, sexually explicit, threatening or similarly inappropriate or offensive comments, images or video clips',
      'undermines the reputation of the school and/or individuals',
      'is defamatory or knowingly false',
      'breaches copyright',
      'is in any other way unlawful.',
    ]);
    expect(five.text.indexOf('Individuals should not upload any content')).toBeLessThan(five.text.indexOf('- is confidential'));
  });

  describe('metadata', () => {
    it('when cardinal-heenan\'s front page names the school and review dates, then the metadata says so', () => {
      const { metadata } = parse('cardinal-heenan');
      expect(metadata.organisation).toBe('Cardinal Heenan Catholic High School');
      expect(metadata.lastReviewed).toBe('December 2025');
      expect(metadata.nextReview).toBe('December 2026');
      expect(metadata.version).toMatch(/^3/);
    });

    it.each([
      ['liverpool-model', 'September 2027'],
      ['lowerhouse-junior', 'September 2026'],
      ['north-star-trust', 'June 2026'],
    ] as const)('when %s gives its next review date, then nextReview is "%s"', (name, when) => {
      expect(parse(name).metadata.nextReview).toBe(when);
    });

    it('when the front page keeps an update history by date ("Date | Details") with no version numbers, then its last dated row names the version, so a version that adds a row is told apart', () => {
      const policy = (rows: string[]) => parsePolicyText([
        'Online Conduct Policy', '', 'Approved By\tGoverning body', '', 'History of changes', '', 'Date\tDetails', ...rows, '',
        '1. Scope', '', 'Staff must keep their accounts private.', '', '2. Reporting', '', 'Staff must report concerns to the DSL.', '',
      ].join('\n'), 'online-conduct.txt', BEFORE_ANY_REVIEW);
      expect(policy(['March 2024\tFirst version']).metadata.version).toBe('March 2024');
      expect(policy(['March 2024\tFirst version', '12/11/2026\tImages of pupils clarified']).metadata.version).toBe('12/11/2026');
      // A history with no dated row yet names no version.
      expect(policy([]).metadata.version).toBeUndefined();
      expect(parse('north-star-trust').metadata.version).toBe('June 2024');
    });
  });

  describe('content hash', () => {
    it('when one word of a section changes, then the hash changes', () => {
      const original = raw('liverpool-model');
      const edited = original.replace('- breaches copyright', '- breaches trademarks');
      expect(edited).not.toBe(original);
      const before = parsePolicyText(original, 'liverpool-model.txt', BEFORE_ANY_REVIEW).metadata.contentHash;
      const after = parsePolicyText(edited, 'liverpool-model.txt', BEFORE_ANY_REVIEW).metadata.contentHash;
      expect(after).toMatch(/^[0-9a-f]{64}$/);
      expect(after).not.toBe(before);
    });

    it('when the same policy is parsed under another file name or date, then the hash is the same', () => {
      const a = parsePolicyText(raw('lowerhouse-junior'), 'lowerhouse-junior.txt', BEFORE_ANY_REVIEW).metadata.contentHash;
      const b = parsePolicyText(raw('lowerhouse-junior'), 'copy.txt', new Date('2030-01-01')).metadata.contentHash;
      expect(b).toBe(a);
    });
  });

  describe('warnings for the policy owner', () => {
    it('when lancashire still has "[establishment name]" and "[date]", then both are flagged as placeholders', () => {
      const placeholders = parse('lancashire-model').warnings.filter((w) => w.code === 'PLACEHOLDER').map((w) => w.message);
      expect(placeholders).toHaveLength(2);
      expect(placeholders.some((m) => m.includes('[establishment name]'))).toBe(true);
      expect(placeholders.some((m) => m.includes('[date]'))).toBe(true);
    });

    it.each(POLICIES.filter((n) => n !== 'lancashire-model'))('when %s has no template blanks, then it has no placeholder warning', (name) => {
      expect(parse(name).warnings.filter((w) => w.code === 'PLACEHOLDER')).toEqual([]);
    });

    it('when today is after the next review date, then the policy is flagged as overdue', () => {
      const doc = parse('liverpool-model', new Date('2027-10-01T09:00:00Z'));
      const overdue = doc.warnings.filter((w) => w.code === 'REVIEW_OVERDUE');
      expect(overdue).toHaveLength(1);
      expect(overdue[0].message).toContain('September 2027');
    });

    it('when today is before the next review date, then the policy is not flagged as overdue', () => {
      expect(parse('liverpool-model', new Date('2027-08-01T09:00:00Z')).warnings.map((w) => w.code)).not.toContain('REVIEW_OVERDUE');
      expect(parse('north-star-trust', new Date('2026-05-31T09:00:00Z')).warnings.map((w) => w.code)).not.toContain('REVIEW_OVERDUE');
    });

    it('when today is within the month the review is due, then the policy is not yet overdue', () => {
      expect(parse('north-star-trust', new Date('2026-06-15T09:00:00Z')).warnings.map((w) => w.code)).not.toContain('REVIEW_OVERDUE');
      expect(parse('north-star-trust', new Date('2026-07-01T09:00:00Z')).warnings.map((w) => w.code)).toContain('REVIEW_OVERDUE');
    });
  });
});

describe('loading other formats', () => {
  const markdownPolicy = [
    '# Oakfield Primary School Social Media Policy',
    '',
    '| Item | Date |',
    '|------|------|',
    '| Last reviewed | March 2026 |',
    '| Next review | March 2027 |',
    '',
    '## 1. Introduction',
    '',
    'This policy explains how staff at Oakfield Primary School',
    'use social media, at work and at home.',
    '',
    '## 2. Acceptable use',
    '',
    'Staff must not:',
    '',
    '- accept friend requests from pupils',
    '- post photographs of pupils on personal accounts',
    '- share confidential information about the school',
    '',
    '### 2.1 Personal accounts',
    '',
    'Set personal accounts to private.',
    '',
    '## Reporting concerns',
    '',
    'Tell the designated safeguarding lead the same day.',
    '',
  ].join('\n');
  const loadMarkdown = async (): Promise<PolicyDocument> => {
    const file = path.join(tempDir, 'oakfield-social-media.md');
    fs.writeFileSync(file, markdownPolicy);
    return loadPolicyFile(file, new Date('2026-06-01T00:00:00Z'));
  };

  it('when a Markdown policy has numbered headings, bullets and a review table, then it parses to those sections and that review date', async () => {
    const doc = await loadMarkdown();

    expect(doc.sections.map((s) => s.title)).toEqual(['Introduction', 'Acceptable use', 'Personal accounts', 'Reporting concerns']);
    expect(doc.sections.slice(0, 3).map((s) => [s.number, s.level])).toEqual([['1', 1], ['2', 1], ['2.1', 2]]);
    expect(doc.sections[2].parent).toBe(doc.sections[1].ordinal);
    expect(doc.sections[3].number).toBeNull();
    expect(doc.sections[0].text).toBe('This policy explains how staff at Oakfield Primary School use social media, at work and at home.');
    expect(doc.sections[1].text).toBe([
      'Staff must not:',
      '- accept friend requests from pupils',
      '- post photographs of pupils on personal accounts',
      '- share confidential information about the school',
    ].join('\n'));
    expect(doc.sections[3].text).toBe('Tell the designated safeguarding lead the same day.');
    expect(doc.metadata.nextReview).toBe('March 2027');
    expect(doc.metadata.nextReviewDate).toBe('2027-03-31');
    expect(doc.metadata.lastReviewed).toBe('March 2026');
    expect(doc.title).toBe('Oakfield Primary School Social Media Policy');
    expect(allText(doc)).not.toContain('Next review');
    expect(doc.warnings).toEqual([]);
  });


  it('when a Markdown heading is a lead-in ("## Staff must:"), then it titles its section without the colon and introduces its bullets', async () => {
    const file = path.join(tempDir, 'lead-in-heading.md');
    fs.writeFileSync(file, ['# Social Media Policy', '', '## 1. Conduct', '', '### Staff must:', '', '- keep their accounts private', '- report messages from pupils', ''].join('\n'));
    const doc = await loadPolicyFile(file, new Date('2026-06-01T00:00:00Z'));
    const staff = byTitle(doc, 'Staff must');
    expect(staff.parent).toBe(byNumber(doc, '1').ordinal);
    expect(splitPassages(staff.text)).toEqual([
      { text: 'keep their accounts private', leadIn: 'Staff must:' },
      { text: 'report messages from pupils', leadIn: 'Staff must:' },
    ]);
  });

  it('when a Markdown "##" heading without a number follows numbered "##" headings, then it is top-level, not inside 2.1', async () => {
    const doc = await loadMarkdown();
    const reporting = doc.sections.find((s) => s.title === 'Reporting concerns')!;
    expect([reporting.level, reporting.parent]).toEqual([1, null]);
  });

  it('when a Word document uses Heading 1 and Heading 2 styles, then its sections are those headings', async () => {
    const file = path.join(tempDir, 'oakfield-social-media.docx');
    fs.writeFileSync(file, minimalDocx([
      ['Heading1', 'Introduction'],
      [null, 'This policy explains how staff use social media at work and at home, and applies to everyone employed by the school.'],
      ['Heading1', 'Acceptable use'],
      [null, 'Staff must not accept friend requests from pupils or their parents on personal accounts.'],
      ['Heading2', 'Photographs'],
      [null, 'Only post photographs of pupils on the school account, with parental consent.'],
      ['Heading1', 'Reporting concerns'],
      [null, 'Tell the designated safeguarding lead the same day.'],
    ]));

    const doc = await loadPolicyFile(file, new Date('2026-06-01T00:00:00Z'));

    expect(doc.sections.map((s) => [s.title, s.level])).toEqual([
      ['Introduction', 1],
      ['Acceptable use', 1],
      ['Photographs', 2],
      ['Reporting concerns', 1],
    ]);
    const photos = doc.sections.find((s) => s.title === 'Photographs')!;
    expect(photos.parent).toBe(doc.sections.find((s) => s.title === 'Acceptable use')!.ordinal);
    expect(photos.text).toBe('Only post photographs of pupils on the school account, with parental consent.');
    expect(doc.sections[1].text).toContain('Staff must not accept friend requests from pupils');
    expect(doc.source).toBe('oakfield-social-media.docx');
  });


  it('when a Word document has a front-page table "Next review | March 2027", then the review date is read and checked', async () => {
    const file = path.join(tempDir, 'oakfield-with-status-table.docx');
    fs.writeFileSync(file, minimalDocx([
      ['Title', 'Oakfield Primary School Social Media Policy'],
      ['Heading1', 'Introduction'],
      [null, 'This policy explains how staff use social media at work and at home, and applies to everyone employed by the school.'],
      ['Heading1', 'Acceptable use'],
      [null, 'Staff must not accept friend requests from pupils or their parents on personal accounts.'],
    ], [['Last reviewed', 'March 2026'], ['Next review', 'March 2027']]));

    const doc = await loadPolicyFile(file, new Date('2027-06-01T00:00:00Z'));

    expect(doc.sections.map((s) => s.title)).toEqual(['Introduction', 'Acceptable use']);
    expect(doc.metadata.nextReview).toBe('March 2027');
    expect(doc.warnings.map((w) => w.code)).toContain('REVIEW_OVERDUE');
  });


  it('when a Markdown policy says "Next review: March 2027" on its own line, then the review date is read', async () => {
    const file = path.join(tempDir, 'oakfield-review-line.md');
    fs.writeFileSync(file, [
      '# Social Media Policy', '', 'Next review: March 2027', '',
      '## 1. Introduction', '', 'This policy applies to all staff.', '',
      '## 2. Photographs', '', 'Only post photographs of pupils on the school account.', '',
    ].join('\n'));

    const doc = await loadPolicyFile(file, new Date('2027-06-01T00:00:00Z'));

    expect(doc.metadata.nextReview).toBe('March 2027');
    expect(doc.warnings.map((w) => w.code)).toContain('REVIEW_OVERDUE');
  });

  it('when a .pdf file is damaged, then loading fails with POLICY_UNREADABLE naming the file', async () => {
    const file = path.join(tempDir, 'policy.pdf');
    fs.writeFileSync(file, '%PDF-1.4\n');
    const error = await loadPolicyFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyLoadError);
    expect((error as PolicyLoadError).code).toBe('POLICY_UNREADABLE');
    expect((error as PolicyLoadError).message).toContain('policy.pdf');
  });

  it('when the file is of a kind the bot does not read, then loading fails with POLICY_UNSUPPORTED_FORMAT listing the kinds it does', async () => {
    const file = path.join(tempDir, 'policy.odt');
    fs.writeFileSync(file, 'not read');
    const error = await loadPolicyFile(file).catch((e: unknown) => e);
    expect((error as PolicyLoadError).code).toBe('POLICY_UNSUPPORTED_FORMAT');
    expect((error as PolicyLoadError).message).toContain('.docx, .pdf');
  });

  it('when the file does not exist, then loading fails with POLICY_UNREADABLE', async () => {
    const error = await loadPolicyFile(path.join(tempDir, 'missing.txt')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyLoadError);
    expect((error as PolicyLoadError).code).toBe('POLICY_UNREADABLE');
  });
});

/** Builds a small Word document: paragraphs, optionally styled as headings defined in styles.xml. */
function minimalDocx(paragraphs: [style: string | null, text: string][], frontPageTable: string[][] = []): Buffer {
  const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const para = (style: string | null, text: string) =>
    `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ''}<w:r><w:t xml:space="preserve">${escape(text)}</w:t></w:r></w:p>`;
  const table = frontPageTable.length === 0 ? ''
    : `<w:tbl>${frontPageTable.map((cells) => `<w:tr>${cells.map((c) => `<w:tc>${para(null, c)}</w:tc>`).join('')}</w:tr>`).join('')}</w:tbl>`;
  const body = table + paragraphs.map(([style, text]) => para(style, text)).join('');
  const zip = new AdmZip();
  zip.addFile('[Content_Types].xml', Buffer.from(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    + '<Default Extension="xml" ContentType="application/xml"/>'
    + '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    + '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    + '</Types>'));
  zip.addFile('_rels/.rels', Buffer.from(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    + '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    + '</Relationships>'));
  zip.addFile('word/_rels/document.xml.rels', Buffer.from(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    + '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    + '</Relationships>'));
  zip.addFile('word/styles.xml', Buffer.from(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="${W}">`
    + '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
    + '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/></w:style>'
    + '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/></w:style>'
    + '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/></w:style>'
    + '</w:styles>'));
  zip.addFile('word/document.xml', Buffer.from(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${W}"><w:body>${body}</w:body></w:document>`));
  return zip.toBuffer();
}
