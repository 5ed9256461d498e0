import { parsePolicyText } from '../../../../src/features/policy/ingest/parsePolicy';
import { PolicyDocument } from '../../../../src/features/policy/policyDocument';

// Shapes that real policies take once a Word or PDF file is turned into text, found while writing the corpus's
// policies in them (research/corpus/briefs/document-shapes.md). Each document here is invented for its test.

const TODAY = new Date('2026-01-15T12:00:00Z');
const parse = (text: string): PolicyDocument => parsePolicyText(text, 'shape-test.txt', TODAY);
const titles = (doc: PolicyDocument): string[] => doc.sections.map((s) => `${s.number ? `${s.number} ` : ''}${s.title}`);
const sectionText = (doc: PolicyDocument, title: string): string => {
  const s = doc.sections.find((x) => x.title === title);
  if (!s) throw new Error(`no section "${title}"; has ${titles(doc).join(', ')}`);
  return s.text;
};

const PROSE = 'Staff are expected to think carefully about what they share online and who can see it.';

describe('reading the shapes real policy documents take', () => {
  it('when a council numbers its headings "1.0", "2.0" with paragraphs "1.1", then those are sections 1 and 2 with their clauses', () => {
    const doc = parse([
      'Harbour Council', '', 'Social Media Policy for Employees', '', 'Policy owner: HR', 'Date of next review: May 2027', '',
      '1.0 Introduction', '', `1.1 ${PROSE}`, '', '1.2 The Council expects the same standards online as in any other setting.', '',
      '2.0 Scope', '', '2.1 This policy applies to every employee, including those based in schools.',
    ].join('\n'));
    expect(doc.title).toBe('Social Media Policy for Employees');
    expect(titles(doc)).toEqual(['1 Introduction', '1.1 Introduction', '1.2 Introduction', '2 Scope', '2.1 Scope']);
    expect(doc.sections.filter((s) => s.level === 1).map((s) => s.number)).toEqual(['1', '2']);
  });

  it('when the front page says "Date of next review:" or "Next review due:", then that is the review date, not the adoption date', () => {
    const body = ['', '1 Introduction', '', PROSE].join('\n');
    const a = parse(['Social Media Policy', 'Approved: March 2026', 'Date of next review: May 2027', body].join('\n'));
    expect(a.metadata.nextReview).toBe('May 2027');
    expect(a.metadata.lastReviewed).toBe('March 2026');
    expect(a.warnings.map((w) => w.code)).not.toContain('NO_REVIEW_DATE');
    const b = parse(['Social Media Policy', 'Next review due: July 2027', body].join('\n'));
    expect(b.metadata.nextReview).toBe('July 2027');
  });

  it('when an ALL-CAPS heading names a part or an appendix by letter, then the letter keeps its capital', () => {
    const doc = parse([
      'Staff Social Media Policy', '', 'PART A: YOUR PERSONAL USE', '', PROSE, '', 'PART B: OFFICIAL ACCOUNTS', '', PROSE, '',
      'APPENDIX C: CONTACTS', '', 'The office holds the list of who runs each account.',
    ].join('\n'));
    expect(titles(doc)).toEqual(['Part A: your personal use', 'Part B: official accounts', 'Appendix C: contacts']);
  });

  it('when a section is labelled by letter and number ("A5 ..."), then it is a heading even with a long title', () => {
    const doc = parse([
      'Staff Social Media Policy', '', 'A4 Parents and carers', '', PROSE, '',
      'A5 What you say about the Trust, your school and colleagues', '', 'Staff must not criticise colleagues online.',
    ].join('\n'));
    expect(titles(doc)).toEqual(['A4 Parents and carers', 'A5 What you say about the Trust, your school and colleagues']);
    expect(sectionText(doc, 'A4 Parents and carers')).not.toContain('A5');
  });

  it('when text extraction left a bullet mark before each heading, then those lines are headings and real lists stay lists', () => {
    const doc = parse([
      'Staff Social Media Policy', '', '- Overview', '', PROSE, '', '- Scope', '',
      'This policy applies to everyone who works at the school, including:', '• teachers and teaching assistants;', '• volunteers.', '',
      '- Personal use', '', 'Staff should keep their personal accounts private.',
    ].join('\n'));
    expect(titles(doc)).toEqual(['Overview', 'Scope', 'Personal use']);
    expect(sectionText(doc, 'Scope')).toContain('- teachers and teaching assistants;');
  });

  it('when a document repeats the same lead-in before several lists, then it is kept each time, not dropped as a page header', () => {
    const list = (role: string, rule: string): string[] => ['', `${role}`, '', 'Staff should:', '- ' + rule, '- tell their line manager.'];
    const doc = parse([
      'Staff Social Media Policy', '', '1 Personal accounts', ...list('Teachers', 'set their accounts to private;'),
      ...list('Support staff', 'decline friend requests from pupils;'), ...list('Volunteers', 'not post photos of pupils;'),
    ].join('\n'));
    const text = doc.sections.map((s) => s.text).join('\n');
    expect(text.match(/Staff should:/g)).toHaveLength(3);
  });

  it('when an ALL-CAPS heading is followed by a lettered clause "(a) ...", then the heading is not joined to the clause', () => {
    const doc = parse([
      'STAFF SOCIAL MEDIA POLICY', '', 'INTRODUCTION', '(a) The School recognises that members of staff use social media in their private lives.', '',
      'SCOPE', '(a) This policy applies to all teaching and support staff, including those on temporary contracts.',
    ].join('\n'));
    expect(titles(doc)).toEqual(['Introduction', 'Scope']);
    expect(sectionText(doc, 'Scope')).toBe('(a) This policy applies to all teaching and support staff, including those on temporary contracts.');
  });

  it('when an appendix is a form with blanks ("Name: ________"), then the blanks are not headings', () => {
    const doc = parse([
      'Staff Social Media Policy', '', '1 Introduction', '', PROSE, '', 'Appendix A: Acknowledgement form', '',
      'I have read and understood this policy.', '', 'Name: ________', '', 'Signature: ________', '', 'Date: ________',
    ].join('\n'));
    expect(titles(doc)).toEqual(['1 Introduction', 'Appendix A: Acknowledgement form']);
  });

  it('when a summary box marks its points with "■", then they are bullets', () => {
    const doc = parse(['Staff Social Media Policy', '', '1 Summary', '', PROSE, '', 'In short:', '■ keep accounts private;', '■ never friend pupils.'].join('\n'));
    expect(sectionText(doc, 'Summary')).toContain('In short:\n- keep accounts private;\n- never friend pupils.');
  });

  it('when a lead-in ends ":-" and a blank line comes before its "(i)" items, then the lead-in and the first item stay apart', () => {
    const doc = parse([
      'Model Policy on Social Media', '', '1 Purpose', '', PROSE, '', '2 Guidance', '', PROSE, '', 'Employees who use social networking sites are advised as follows:-', '',
      '(i) That they should not use these sites during working hours;', '', '(ii) That they should check their privacy settings.',
    ].join('\n'));
    const text = sectionText(doc, 'Guidance');
    expect(text).not.toMatch(/follows:-? \(i\)/);
    expect(text).toContain('(i) That they should not use these sites during working hours;');
  });

  it('when a numbered heading runs to ten words, then it and the sections after it are still headings', () => {
    const doc = parse([
      'Staff Social Media Policy', '', '1 Introduction', '', PROSE, '',
      '2 Political Activity, Trade Union Activity and Use of School Systems', '', 'Staff may take part in lawful campaigns in their own time.', '',
      '3 Review', '', 'The governors review this policy each year.',
    ].join('\n'));
    expect(titles(doc)).toEqual(['1 Introduction', '2 Political Activity, Trade Union Activity and Use of School Systems', '3 Review']);
  });

  it('when a contacts list gives a role and a name, number or address on each line, then those lines are text, not headings', () => {
    const doc = parse([
      'Staff Social Media Policy', '', '1 Introduction', '', PROSE, '', 'Key contacts', '',
      'Designated Safeguarding Lead: Ms R. Okafor', 'Deputy DSL: Mr T. Bell', 'IT support: 01632 960123', 'Data protection officer: dpo@meadows.example',
    ].join('\n'));
    expect(titles(doc)).toEqual(['1 Introduction', 'Key contacts']);
    expect(sectionText(doc, 'Key contacts')).toContain('Designated Safeguarding Lead: Ms R. Okafor');
    expect(sectionText(doc, 'Key contacts')).toContain('dpo@meadows.example');
  });
});
