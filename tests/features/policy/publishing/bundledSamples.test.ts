import fs from 'node:fs';
import path from 'node:path';
import { policyDocxFromText } from '../../../../scripts/makePolicyDocuments';
import { loadPolicyBuffer } from '../../../../src/features/policy/ingest/loadPolicyFile';
import { bundledSampleMatching, readWords } from '../../../../src/features/policy/publishing/bundledSamples';
import { REPO_ROOT } from '../../../support/repoRoot';

const SAMPLES = ['cardinal-heenan', 'lancashire-model', 'liverpool-model', 'lowerhouse-junior', 'north-star-trust'];
const sampleText = (name: string): string => fs.readFileSync(path.join(REPO_ROOT, 'samples', 'policies', `${name}.txt`), 'utf8');
const fixture = (name: string): Buffer => fs.readFileSync(path.join(REPO_ROOT, 'tests', 'fixtures', 'documents', name));
const read = (content: Buffer | string, fileName: string) => loadPolicyBuffer(Buffer.from(content), fileName);

/**
 * Issue 49, item 4: the sample check compares what was read from a file (its title, front page and sections, with
 * spacing, line breaks and capitals not counting), not its bytes, so the sample in another format or with a line added
 * is still the sample, and a school's own policy, even one built on the same model, is not.
 */
describe('telling a bundled sample by what it reads as', () => {
  it.each(SAMPLES)('when %s is sent with a line added, with Windows line ends or with spaces at line ends, then it is still that sample', async (name) => {
    const text = sampleText(name);
    for (const variant of [`${text}\n`, `\n\n${text}\n\n\n`, text.replace(/\n/g, '\r\n'), text.replace(/\n/g, '  \n')]) {
      expect(bundledSampleMatching(await read(variant, 'Our policy.txt'))).toBe(`${name}.txt`);
    }
  });

  it.each(SAMPLES)('when %s is saved as Word or PDF, then it is still that sample', async (name) => {
    expect(bundledSampleMatching(await read(await policyDocxFromText(sampleText(name), `${name}.txt`), 'Social media policy.docx'))).toBe(`${name}.txt`);
    // The Word and PDF files of the test fixtures were saved by LibreOffice: page headers, footers and numbering included.
    expect(bundledSampleMatching(await read(fixture(`${name}.docx`), 'policy.docx'))).toBe(`${name}.txt`);
    expect(bundledSampleMatching(await read(fixture(`${name}.pdf`), 'policy.pdf'))).toBe(`${name}.txt`);
  });

  it('when headings change case, then it is still the sample', async () => {
    const shouted = sampleText('liverpool-model').replace(/^(\d+\. )(.+)$/gm, (_m, n: string, title: string) => `${n}${title.toUpperCase()}`);
    expect(shouted).not.toBe(sampleText('liverpool-model'));
    expect(bundledSampleMatching(await read(shouted, 'policy.txt'))).toBe('liverpool-model.txt');
  });

  it('when a school adopted the model word for word under its own name, then it is the school\'s policy, not the sample', async () => {
    const oakfield = fs.readFileSync(path.join(REPO_ROOT, 'tests', 'fixtures', 'policies', 'oakfield-social-media-policy.txt'));
    const doc = await read(oakfield, 'oakfield-social-media-policy.txt');
    // Its sections are the Liverpool model's, word for word: only its front page says whose it is.
    const model = await read(sampleText('liverpool-model'), 'liverpool-model.txt');
    expect(doc.sections.map((s) => s.text)).toEqual(model.sections.map((s) => s.text));
    expect(bundledSampleMatching(doc)).toBeUndefined();
    expect(bundledSampleMatching(await read(await policyDocxFromText(oakfield.toString('utf8'), 'oakfield.txt'), 'Oakfield policy.docx'))).toBeUndefined();
  });

  it('when a school\'s own policy quotes a paragraph of the sample, or changes one word of it, then it is the school\'s policy', async () => {
    const model = await read(sampleText('liverpool-model'), 'liverpool-model.txt');
    const quoted = model.sections.find((s) => s.text.length > 200)!.text.split('\n\n')[0];
    const own = `Oakfield Primary School\n\nStaff Social Media Policy\n\n1. Introduction\n\nThis policy is Oakfield's own.\n\n2. What the local authority says\n\n${quoted}\n\n3. Our rules\n\nStaff do not accept friend requests from pupils or parents.\n`;
    expect(bundledSampleMatching(await read(own, 'Oakfield policy.txt'))).toBeUndefined();
    const oneWord = sampleText('north-star-trust').replace(/North Star/, 'Oakfield');
    expect(bundledSampleMatching(await read(oneWord, 'policy.txt'))).toBeUndefined();
  });

  it('when the words are read, then only letters and digits count, in lower case, in order', () => {
    expect(readWords({
      title: 'Social Media  Policy', frontPage: ['Last reviewed:\tDecember 2025'],
      sections: [{ ordinal: 1, number: '5', title: 'ACCEPTABLE USE', level: 1, parent: null, text: 'Staff’s accounts:\n- private;\r\n- never “friends”.' }],
    })).toBe('social media policy last reviewed december 2025 5 acceptable use staff s accounts private never friends');
  });

  it('when the samples folder is missing (a trimmed deployment), then nothing is a sample', async () => {
    expect(bundledSampleMatching(await read(sampleText('liverpool-model'), 'policy.txt'), path.join(REPO_ROOT, 'no-such-folder'))).toBeUndefined();
  });
});
