import { textLines } from '../../src/teams/cards';
import { readerPages } from '../../src/features/acknowledgement/teams/policyReader';
import { renderPolicyReaderCard } from '../../src/features/acknowledgement/teams/cards/policyReaderCard';
import { shownText } from '../support/cardAssertions';
import { policyVersion } from '../features/acknowledgement/domain/ackTestKit';

/** A made-up section whose sub-points sit under a lead-in, as policies nest them (a space, two, or a tab before "-"). */
const SECTION = [
  'Staff should be advised as follows:-',
  '- That they keep their accounts private;',
  '- That they do not behave in a manner which may:-',
  '  - bring the school into disrepute;',
  '  - lead to valid parental complaints;',
  '\t\t- (deeper still, as a tab indents it)',
  '- That they report any contact from a pupil.',
].join('\n');

const NBSP4 = '\u00a0'.repeat(4);

describe('bullets nested as the policy nests them', () => {
  test('when a section is shown in chat, then a sub-point sits indented under its lead-in, and the next point is back at the outside', () => {
    expect(textLines(SECTION).map((l) => l.text)).toEqual([
      'Staff should be advised as follows:-',
      '\u2022 That they keep their accounts private;',
      '\u2022 That they do not behave in a manner which may:-',
      `${NBSP4}\u25e6 bring the school into disrepute;`,
      `${NBSP4}\u25e6 lead to valid parental complaints;`,
      `${NBSP4}${NBSP4}\u25aa (deeper still, as a tab indents it)`,
      '\u2022 That they report any contact from a pupil.',
    ]);
  });

  test('when the policy is read in the reader, then its pages show the same nesting', () => {
    const pages = readerPages({
      id: 'p', source: 'p.txt', title: 'P', metadata: { title: 'P', contentHash: 'h' }, frontPage: [], warnings: [],
      sections: [{ ordinal: 1, number: '1', title: 'Guidance', level: 1, parent: null, text: SECTION }],
    });
    const text = shownText(renderPolicyReaderCard({ version: policyVersion('h', '2026-01-01T00:00:00Z'), pages, page: 1, canAcknowledge: true }));
    expect(text).toContain(`\u2022 That they do not behave in a manner which may:-`);
    expect(text).toContain(`${NBSP4}\u25e6 bring the school into disrepute;`);
    expect(text).not.toContain('\u2022 bring the school into disrepute;');
  });

  test('when bullets are not indented, then they all read at the outside, as before', () => {
    expect(textLines('- one\n- two\n\u2022 three').map((l) => l.text)).toEqual(['\u2022 one', '\u2022 two', '\u2022 three']);
  });
});
