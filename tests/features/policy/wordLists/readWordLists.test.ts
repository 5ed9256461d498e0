import {
  nounForms, participle, pastTense, readLexiconGroups, readWordLists, verbForms, WordListError,
} from '../../../../src/features/policy/wordLists/readWordLists';
import disclosureWords from '../../../../src/features/policy/wordLists/disclosureSignals.json';
import concernWords from '../../../../src/features/policy/wordLists/concernCue.json';
import lexiconWords from '../../../../src/features/policy/wordLists/lexicon.json';

/**
 * The word lists are data (src/features/policy/wordLists/*.json), each written once in base forms; the lemmatiser
 * (compromise) makes the other forms when the app starts. These tests read the shipped files as the app does, check that
 * each list holds the forms its reader needs (irregular ones included), and that a file a reviewer got wrong stops the
 * app at start, naming every mistake.
 */

/** Every list of a word list file, read with the names the file itself holds. */
function readAll(json: { lists: object }, file: string) {
  const lists = json.lists as Record<string, { phrases?: unknown }>;
  const names = Object.keys(lists);
  return readWordLists(json, file, { words: names.filter((n) => !lists[n].phrases), phrases: names.filter((n) => lists[n].phrases) });
}

const disclosure = readAll(disclosureWords, 'disclosureSignals.json');
const concern = readAll(concernWords, 'concernCue.json');
const lexicon = readLexiconGroups(lexiconWords, 'lexicon.json');
/** Every word sequence a phrase list matches, written out. */
const phrasesOf = (places: readonly (readonly string[])[]): string[] =>
  places.flatMap((p) => p.reduce<string[]>((acc, place) => acc.flatMap((s) => place.split('|').map((w) => (s ? `${s} ${w}` : w))), ['']));

describe('the lemmatiser\'s forms', () => {
  it('when a verb is given, then every form of it is made, irregular ones included', () => {
    expect(verbForms('kill')).toEqual(expect.arrayContaining(['kill', 'kills', 'killed', 'killing']));
    expect(verbForms('shake')).toEqual(expect.arrayContaining(['shakes', 'shook', 'shaken', 'shaking']));
    expect(verbForms('bite')).toEqual(expect.arrayContaining(['bites', 'bit', 'bitten', 'biting']));
    expect(verbForms('hit')).toEqual(expect.arrayContaining(['hit', 'hits', 'hitting']));
    expect(pastTense('see')).toBe('saw');
    expect(participle('beat')).toBe('beaten');
    expect(participle('punch')).toBe('punched');
    expect(nounForms('child')).toEqual(['child', 'children']);
    expect(nounForms('foot')).toEqual(['foot', 'feet']);
  });

  it('when the lemmatiser has no true -ing form for a verb ("text"), then none is made, and no "will ..." future', () => {
    expect(verbForms('text')).toEqual(['text', 'texts', 'texted']);
    expect(verbForms('kill')).not.toContain('will kill');
  });
});

describe('the shipped word lists', () => {
  it('when the disclosure signals\' file is read, then each list holds the forms its reader needs', () => {
    const { words, phrases } = disclosure;
    expect([...words.violence]).toEqual(expect.arrayContaining(['kill', 'kills', 'killed', 'killing', 'shook', 'shaken', 'bit', 'bitten', 'beat', 'beaten', 'hit', 'burnt', 'burned']));
    // The lemmatiser gives "whip" for whip's past: the list writes "whipped" itself.
    expect(words.violence.has('whipped')).toBe(true);
    expect([...words.doneTo]).toEqual(expect.arrayContaining(['hit', 'beaten', 'punched', 'groomed', 'burnt', 'burned']));
    expect(words.doneTo.has('beat')).toBe(false);
    expect([...words.pastTold]).toEqual(expect.arrayContaining(['told', 'showed', 'said', 'saw', 'found', 'drew', 'wrote', 'rang']));
    expect([...words.childNouns]).toEqual(expect.arrayContaining(['pupil', 'pupils', 'child', 'children', 'kid', 'kids', 'eyfs']));
    expect([...words.bodyParts]).toEqual(expect.arrayContaining(['foot', 'feet', 'arm', 'arms', 'toes']));
    expect([...words.actors]).toEqual(expect.arrayContaining(['man', 'men', 'auntie', 'aunties', 'mates']));
    expect([...words.passive]).toEqual(expect.arrayContaining(['get', 'gets', 'got', 'getting', 'was', 'is']));
    expect(phrasesOf(phrases.harmPhrases)).toEqual(expect.arrayContaining(['threw things at', 'throwing stuff at', 'self harm', 'self harming', 'took his life', 'kill herself']));
    expect(phrasesOf(phrases.toldPhrases)).toContain('let slip');
  });

  it('when a form the lemmatiser gives would catch ordinary questions, then the list leaves it out', () => {
    const { words, phrases } = disclosure;
    // "Macbeth has stabbing scenes", "found an exploit in the game", "bride and groom", "abusing the photocopier".
    for (const form of ['stabbing', 'exploit', 'groom', 'abusing', 'neglecting']) expect(words.harmWords.has(form)).toBe(false);
    for (const form of ['stabbed', 'exploited', 'groomed', 'abused', 'neglected']) expect(words.harmWords.has(form)).toBe(true);
    // "I shouted at her son", "I sent photos of my class": the one typing's own doing.
    expect(phrasesOf(phrases.harmPhrases)).not.toEqual(expect.arrayContaining(['shouted at her']));
    expect(phrasesOf(phrases.harmPhrases).filter((p) => p.startsWith('sent '))).toEqual([]);
    expect(concern.words.harms.has('mocks')).toBe(false);
  });

  it('when the concern cue\'s file is read, then each list holds the forms its reader needs', () => {
    const { words } = concern;
    expect([...words.publishes]).toEqual(expect.arrayContaining(['post', 'posted', 'posting', 'tweeted', 'screenshotted', 'photoshopped']));
    expect([...words.harms]).toEqual(expect.arrayContaining(['bullied', 'bullying', 'swore', 'sworn', 'swearing', 'lies', 'lying', 'threats']));
    expect([...words.contacts]).toEqual(expect.arrayContaining(['messaged', 'texted', 'texting', "dm'd", 'whatsapped']));
    expect([...words.colleagues]).toEqual(expect.arrayContaining(['teacher', 'teachers', 'co-worker', 'co-workers', 'tas']));
    expect([...words.reporting]).toEqual(['told', 'said', 'asked', 'mentioned', 'explained', 'reported']);
  });

  it('when the lexicon is read, then an irregular verb marked <leave> stands for all its forms, in its group\'s place', () => {
    const group = (form: string) => lexicon.find((g) => g.includes(form)) ?? [];
    expect(group('quit')).toEqual(expect.arrayContaining(['leave', 'leaves', 'left', 'leaving']));
    expect(group('against the law')).toEqual(expect.arrayContaining(['break the law', 'broke the law', 'broken the law', 'breaking the law']));
    expect(group('incident')).toEqual(expect.arrayContaining(['go wrong', 'went wrong', 'gone wrong']));
    expect(lexicon.flat().filter((f) => f.includes('<') || f.includes('>'))).toEqual([]);
    expect(lexicon).toHaveLength(lexiconWords.groups.length);
  });
});

describe('a word list file a reviewer got wrong', () => {
  const refusal = (run: () => unknown): WordListError => {
    try {
      run();
    } catch (err) {
      return err as WordListError;
    }
    throw new Error('the file was read');
  };

  it('when lists are missing, unread, or hold entries that do not fit, then it is refused with every problem named', () => {
    const err = refusal(() => readWordLists({
      about: 'test lists',
      lists: {
        violence: { about: 'violence', verbs: ['kill', 'Punch', 'kill'], words: ['hit him'], except: ['kills', 'slapped'] },
        extra: { about: 'read by nothing', words: ['x'] },
        told: { verbs: ['tell'], typo: ['x'] },
        phrases: { about: 'a mix', phrases: ['told me'], words: ['x'] },
      },
    }, 'test.json', { words: ['violence', 'told', 'missing'], phrases: ['phrases'] }));
    expect(err).toBeInstanceOf(WordListError);
    expect(err.code).toBe('WORD_LIST_MALFORMED');
    expect(err.message).toContain('test.json');
    expect(err.message).toContain('(WORD_LIST_MALFORMED)');
    expect(err.problems).toEqual(expect.arrayContaining([
      expect.stringContaining('"Punch" must be lower-case'),
      expect.stringContaining('"kill" is written twice'),
      expect.stringContaining('"hit him" is not one word'),
      expect.stringContaining('"slapped" is not a form the lemmatiser gives'),
      expect.stringContaining('"extra" is read by nothing'),
      expect.stringContaining('told needs an "about"'),
      expect.stringContaining('"typo"'),
      expect.stringContaining('"missing" is missing'),
      expect.stringContaining('holds phrases and words'),
    ]));
  });

  it('when the file is not an object of lists, or an entry is not a string, then it is refused', () => {
    expect(refusal(() => readWordLists([], 'a.json', { words: ['x'] })).problems[0]).toContain('"about"');
    expect(refusal(() => readWordLists({ about: 'a', lists: { x: { about: 'x', words: 'hit' } } }, 'a.json', { words: ['x'] })).problems)
      .toEqual(expect.arrayContaining([expect.stringContaining('x.words must be a list of strings')]));
    expect(refusal(() => readWordLists({ about: 'a', lists: { x: { about: 'x', words: [3, ''] } } }, 'a.json', { words: ['x'] })).problems)
      .toEqual(expect.arrayContaining([expect.stringContaining('3'), expect.stringContaining('""')]));
  });

  it('when a phrase holds something other than words and marked verbs, then it is refused', () => {
    expect(refusal(() => readWordLists({ about: 'a', lists: { p: { about: 'p', phrases: ['<Throw> things', 'told-me!'] } } }, 'a.json', { words: [], phrases: ['p'] })).problems)
      .toEqual(expect.arrayContaining([expect.stringContaining('"<Throw> things" must be lower-case')]));
    expect(refusal(() => readWordLists({ about: 'a', lists: { p: { about: 'p', phrases: ['told me!'] } } }, 'a.json', { words: [], phrases: ['p'] })).problems)
      .toEqual([expect.stringContaining('"me!" is not one word')]);
  });

  it('when a lexicon group is malformed, then the lexicon is refused with each group named', () => {
    const err = refusal(() => readLexiconGroups({
      about: 'test', groups: [{ forms: ['post', 'le<ave'] }, ['not', 'an', 'object'], { forms: [] }, { forms: ['x'], note: 3 }],
    }, 'lexicon.json'));
    expect(err.problems).toEqual(expect.arrayContaining([
      expect.stringContaining('group 1.forms: "le<ave" marks a verb'),
      expect.stringContaining('group 2 must be an object'),
      expect.stringContaining('group 3 has no forms'),
      expect.stringContaining('group 4\'s note'),
    ]));
  });

  it('when the disclosure signals start with a malformed file, then loading them stops with the word list error', () => {
    jest.isolateModules(() => {
      jest.doMock('../../../../src/features/policy/wordLists/disclosureSignals.json', () => ({ about: 'emptied', lists: { violence: { about: 'v', verbs: ['kill'] } } }));
      expect(() => require('../../../../src/features/policy/disclosure/disclosureSignals')).toThrow(/disclosureSignals\.json cannot be read[\s\S]*"childNouns" is missing[\s\S]*WORD_LIST_MALFORMED/);
    });
  });

  it('when the lexicon starts with a form the index cannot search for, then loading it stops with the word list error', () => {
    jest.isolateModules(() => {
      jest.doMock('../../../../src/features/policy/wordLists/lexicon.json', () => ({ about: 'test', groups: [{ forms: ['pupil', 'the'] }] }));
      expect(() => require('../../../../src/features/policy/answer/lexicon')).toThrow(/group 1: "the" has no word the index searches for/);
    });
  });
});
