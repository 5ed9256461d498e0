import { draftWindows, DRAFT_WINDOW_CHARS } from '../../../../src/features/policy/disclosure/disclosureDetector';
import { namesIn, pupilNamesIn, schoolNamesOf } from '../../../../src/features/policy/drafts/draftEvidence';
import { nameSpans } from '../../../../src/features/policy/teaching/redactNames';

/**
 * Issue 69, item 1: what "check my post" reads of a draft costs its length once. The names finder walked back over
 * hyphenated names with a pattern run over the whole text before each one, so a pasted draft of hyphenated capitalised
 * words held the event loop for seconds; it now walks a character at a time, and must find exactly what it found.
 */

/** The names finder as it was (kept here, where only short texts meet it): the reference for what must be found. */
function namesInBefore(draft: string): string[] {
  const merged: [number, number][] = [];
  for (const [found, foundEnd] of nameSpans(draft)) {
    let start = found;
    let end = foundEnd;
    for (let m = /[A-Z][a-z]+-$/.exec(draft.slice(0, start)); m; m = /[A-Z][a-z]+-$/.exec(draft.slice(0, start))) start -= m[0].length;
    for (let m = /^-[A-Z][a-z]+/.exec(draft.slice(end)); m; m = /^-[A-Z][a-z]+/.exec(draft.slice(end))) end += m[0].length;
    const last = merged[merged.length - 1];
    if (last && (start <= last[1] || draft.slice(last[1], start).trim() === '')) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return [...new Set(merged.map(([start, end]) => draft.slice(start, end)))];
}

describe('the names a draft holds (issue 69)', () => {
  it('when names are double-barrelled or several parts long, then each is found whole', () => {
    expect(namesIn('Well done Amelia Fielding-Okoro and Jo-Ann Smith-Jones-Baker!')).toEqual(['Amelia Fielding-Okoro', 'Jo-Ann Smith-Jones-Baker']);
  });

  it('when drafts are made of names, hyphens, capitals and spaces, then exactly what the old finder found is found', () => {
    // A fixed seed: the same 400 drafts every run.
    let seed = 20261127;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const parts = ['Amelia', 'Okoro', 'Jo', 'Ann', 'Smith', 'jones', 'Mrs', 'well done', 'in 4B', 'and', '-', '--', ' ', '!', 'X', 'Baker'];
    for (let i = 0; i < 400; i++) {
      const draft = Array.from({ length: 2 + Math.floor(next() * 10) }, () => parts[Math.floor(next() * parts.length)]).join(next() < 0.5 ? '' : ' ');
      expect({ draft, names: namesIn(draft) }).toEqual({ draft, names: namesInBefore(draft) });
    }
  });
});

describe('what of a draft the disclosure head reads (issue 69)', () => {
  it('when a draft is short, then it is read whole and only whole', () => {
    expect(draftWindows('Lovely day at the fair!')).toEqual(['Lovely day at the fair!']);
  });

  it('when a draft is long, then it is read whole and in windows of whole sentences, none longer than the window, together holding every word', () => {
    const sentences = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} tells of the week in class.`);
    const draft = sentences.join(' ');
    const [whole, ...windows] = draftWindows(draft);
    expect(whole).toBe(draft);
    expect(windows.length).toBeGreaterThan(3);
    for (const w of windows) expect(w.length).toBeLessThanOrEqual(DRAFT_WINDOW_CHARS);
    expect(windows.join(' ').split(/\s+/)).toEqual(draft.split(/\s+/));
  });

  it('when one sentence is longer than a window, then it is cut at spaces into windows, losing nothing', () => {
    const draft = `${'word '.repeat(300)}end`;
    const [, ...windows] = draftWindows(draft);
    for (const w of windows) expect(w.length).toBeLessThanOrEqual(DRAFT_WINDOW_CHARS);
    expect(windows.join(' ').split(/\s+/)).toEqual(draft.split(/\s+/));
  });
});

describe('names that are not a pupil\'s (issue 71)', () => {
  it('when a name follows a title, is the school\'s own or a place\'s, then it is not taken for a pupil', () => {
    expect(pupilNamesIn('Lovely send-off for Mrs Hughes today. Great decision Oakfield!', ['Oakfield'])).toEqual([]);
    expect(pupilNamesIn('Trip to Roundhay Park with Mr Patel, then fish and chips in Scarborough', [])).toEqual([]);
    expect(pupilNamesIn('Well done Jayden Okafor, and thank you Dr Adeyemi', [])).toEqual(['Jayden Okafor']);
  });

  it('when a name is the teacher\'s own family\'s, a word opening a sentence, or a name with a surname\'s particle, then it is read as that', () => {
    expect(pupilNamesIn('My son Tom scored his first goal for Didsbury Juniors', [])).toEqual([]);
    expect(pupilNamesIn('Happy 5th birthday to my gorgeous little girl Ava!', [])).toEqual([]);
    expect(pupilNamesIn('My nephew Jack and my wife, Sarah came too', [])).toEqual([]);
    expect(pupilNamesIn('Mo Salah and Virgil van Dijk were unreal today', [])).toEqual(['Virgil van Dijk']);
    // A class's children are still named: "my girls" and "my class" are how teachers speak of pupils.
    expect(pupilNamesIn('Well done my girls Ava and Mia in the netball final', [])).toEqual(['Ava', 'Mia']);
    expect(pupilNamesIn('My class: Jayden Okafor did great', [])).toEqual(['Jayden Okafor']);
  });

  it('when a draft holds a Markdown link or a web address, then the address is no one\'s name and the link\'s text is read as any text', () => {
    expect(pupilNamesIn('Tickets here: [Summer Fair](https://oakfield.example/summer-fair) from 2pm', [])).toEqual([]);
    expect(pupilNamesIn('Look at [Jayden Okafor](https://oakfield.example/news) in the paper!', [])).toEqual(['Jayden Okafor']);
    expect(pupilNamesIn('Photos at www.Oakfield.example/Jayden and https://x.example/Amelia-Okoro', [])).toEqual([]);
    expect(pupilNamesIn('Well done (Jayden) and <b>Amelia</b>', [])).toEqual(['Jayden', 'Amelia']);
  });

  it('when a policy names its school on its title or first page, then those words are the school\'s names; a placeholder gives none', () => {
    expect(schoolNamesOf({ title: 'Oakfield Primary School Social Media Policy', frontPage: ['Approved by the governors of Oakfield Primary School'], sections: [] })).toEqual(['Oakfield']);
    expect(schoolNamesOf({ title: 'Social Media Policy', frontPage: ['[establishment name]'], sections: [{ text: 'This policy applies to all staff of St Bede\'s Catholic Academy.' }] })).toEqual(['Bede']);
    expect(schoolNamesOf({ title: 'Model Social Media Policy for Schools', frontPage: [], sections: [] })).toEqual([]);
  });
});
