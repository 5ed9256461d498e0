import { createHeadteacherNames, howNamed, withinOneEdit } from '../../../../src/features/concerns/domain/headteacherNames';

/** Whether the text surely names the person (howNamed's strongest reading). */
const namesPerson = (text: string, name: string): boolean => howNamed(text, name) === 'surely';

describe('whether a text names the headteacher by name', () => {
  it('when the text has their whole name, a title or initial then the surname, then it names them, however the directory writes the name', () => {
    for (const directoryName of ['Lynne Robbins', 'Robbins, Lynne', 'Mrs Lynne Robbins (Headteacher)', 'Lynne ROBBINS']) {
      for (const text of ['Lynne Robbins', 'mrs robbins grabbed his arm', 'Ms Robbins\' office', 'Mrs Robbins’s car', 'L Robbins', 'Dr. Robbins said']) {
        expect({ directoryName, text, named: namesPerson(text, directoryName) }).toEqual({ directoryName, text, named: true });
      }
    }
  });

  it('when the text has the surname alone, the first name alone, or another person of either name, then it does not', () => {
    for (const text of ['Robbins grabbed his arm', 'Lynne was there', 'Tom Robbins in Year 6', 'Lynne Smith', 'K Robbins', 'robbins-smith', 'Mrs Robbinson']) {
      expect({ text, named: namesPerson(text, 'Lynne Robbins') }).toEqual({ text, named: false });
    }
  });

  it('when the surname or a first name stands alone with a capital, then it may name them; in lower case, or hidden in another word, it does not', () => {
    for (const text of ['Robbins grabbed his arm', 'Lynne was there', 'Tom Robbins in Year 6', 'Mrs Lynne-Robbins']) {
      expect({ text, how: howNamed(text, 'Lynne Robbins') }).toEqual({ text, how: text.startsWith('Mrs') ? 'surely' : 'maybe' });
    }
    for (const text of ['robbins grabbed his arm', 'Robbinson said', 'Lyn was there', 'the lynne case']) {
      expect({ text, how: howNamed(text, 'Lynne Robbins') }).toEqual({ text, how: 'no' });
    }
  });

  it('when a title comes before the surname misspelt by one letter, or its initial alone, each with a capital, then it is near (asked, never acted on); without a title or a capital, or further off, it is not', () => {
    for (const [text, name] of [
      ['Mrs Robins grabbed his arm', 'Lynne Robbins'], ['Mrs Robbnis shouted', 'Lynne Robbins'], ['mrs Robbinss', 'Lynne Robbins'],
      ['Mr Fernandes took his phone', 'Paul Fernandez'], ['Mrs H grabbed him', 'Helen Hughes'], ['it was Mrs H.', 'Helen Hughes'], ['Miss A shouted', 'Sarah Adams'],
    ]) {
      expect({ text, how: howNamed(text, name) }).toEqual({ text, how: 'near' });
    }
    for (const [text, name] of [
      ['the robins class', 'Lynne Robbins'], ['Mrs Robinson', 'Lynne Robbins'], ['Mrs Rabbits', 'Lynne Robbins'], ['Mrs K grabbed him', 'Helen Hughes'],
      ['Mr Hall', 'Helen Hill'], ['Mrs Hugs', 'Helen Hughes'], ['mrs robins', 'Lynne Robbins'], ['mrs h grabbed him', 'Helen Hughes'],
      // "miss" and "sir" in lower case are not titles.
      ['so she would miss a lesson', 'Sarah Adams'], ['upset to miss lunch', 'Karen Lynch'], ['told sir i was late', 'Ian Ibbotson'],
    ]) {
      expect({ text, how: howNamed(text, name) }).toEqual({ text, how: 'no' });
    }
  });

  it('when two words differ by one letter added, dropped, changed or two swapped, then they are within one edit; by two, they are not', () => {
    for (const [a, b] of [['robbins', 'robins'], ['robins', 'robbins'], ['fernandes', 'fernandez'], ['robbnis', 'robbins'], ['robbins', 'robbins'], ['xrobbins', 'robbins']]) {
      expect({ a, b, near: withinOneEdit(a, b) }).toEqual({ a, b, near: true });
    }
    for (const [a, b] of [['robinson', 'robbins'], ['rabbits', 'robbins'], ['rboibns', 'robbins'], ['r', 'robbins']]) {
      expect({ a, b, near: withinOneEdit(a, b) }).toEqual({ a, b, near: false });
    }
  });

  it('when a name carries zero-width characters or full-width letters, then it is read as typed plainly', () => {
    expect(howNamed('Mrs Rob\u200bbins grabbed him', 'Lynne Robbins')).toBe('surely');
    expect(howNamed('Ｍｒｓ Ｒｏｂｂｉｎｓ', 'Lynne Robbins')).toBe('surely');
  });

  it('when a name is typed with look-alike Cyrillic or Greek letters, or with accents, then it is read as the name; a directory name with accents matches it typed without', () => {
    expect(howNamed('Mrs R\u043ebbins grabbed him', 'Lynne Robbins')).toBe('surely');
    expect(howNamed('\u041cr\u0455 R\u043ebbin\u0455 was there', 'Lynne Robbins')).toBe('surely');
    expect(howNamed('Mrs R\u00f3bbins grabbed him', 'Lynne Robbins')).toBe('surely');
    expect(howNamed('Chlo\u00eb Dupr\u00e9 took his phone', 'Chloe Dupre')).toBe('surely');
    expect(howNamed('Mrs Dupre took his phone', 'Chlo\u00eb Dupr\u00e9')).toBe('surely');
    // Look-alikes with accents or stress marks of their own, and invisible operators, are read through too.
    for (const text of ['Mrs R\u03ccbbins grabbed him', 'Mrs R\u04e7bbins grabbed him', 'Mrs R\u043e\u0308bbins grabbed him', 'Mrs Rob\u2063bins', 'Mrs Rob\u180ebins', 'Mrs Rob\u00adbins']) {
      expect({ text, named: howNamed(text, 'Lynne Robbins') }).toEqual({ text, named: 'surely' });
    }
    // Cyrillic words that are not look-alikes of the name are not it.
    expect(howNamed('\u0420\u043e\u0431\u0431\u0438\u043d\u0441', 'Lynne Robbins')).toBe('no');
  });

  it('when the directory name is a single letter or empty, then nothing is said to name it', () => {
    expect(namesPerson('Mrs R was there', 'R')).toBe(false);
    expect(namesPerson('anything at all', '')).toBe(false);
  });

  it('when a hyphenated or apostrophe surname is used, then it is matched whole', () => {
    expect(namesPerson('Mr O\'Neill-Hart shouted', 'Sean O\'Neill-Hart')).toBe(true);
    expect(namesPerson('Mr Hart shouted', 'Sean O\'Neill-Hart')).toBe(false);
  });
});

describe('the headteacher\'s name as last read from the directory', () => {
  it('when asked again within ten minutes, then it is not read again; after, it is; a read that fails keeps the last known', async () => {
    let clock = 0;
    const reads: string[] = [];
    let answer: () => Promise<string | undefined> = async () => 'Lynne Robbins';
    const names = createHeadteacherNames(() => { reads.push('read'); return answer(); }, { now: () => clock });
    expect(names.known()).toEqual([]);
    expect(await names.names()).toEqual(['Lynne Robbins']);
    clock += 9 * 60_000;
    expect(await names.names()).toEqual(['Lynne Robbins']);
    expect(reads).toHaveLength(1);
    clock += 2 * 60_000;
    answer = async () => { throw new Error('directory down'); };
    expect(await names.names()).toEqual(['Lynne Robbins']);
    expect(reads).toHaveLength(2);
    answer = async () => undefined;
    expect(await names.names()).toEqual([]);
    expect(names.known()).toEqual([]);
  });

  it('when two reports ask at once, then the directory is read once', async () => {
    let reads = 0;
    const names = createHeadteacherNames(async () => { reads++; return 'Lynne Robbins'; });
    const [a, b] = await Promise.all([names.names(), names.names()]);
    expect([a, b, reads]).toEqual([['Lynne Robbins'], ['Lynne Robbins'], 1]);
  });
});
