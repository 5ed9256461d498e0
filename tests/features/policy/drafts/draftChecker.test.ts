import { ConcernHead, createDraftChecker, DraftHeads, DraftHeadsError, parseDraftHeads, PolicyRule } from '../../../../src/features/policy/drafts/draftChecker';
import { DraftGate, GATE_COLUMNS, gateProbability, parseDraftGate } from '../../../../src/features/policy/drafts/draftGate';
import { DRAFT_CONCERNS, DraftConcernId } from '../../../../src/features/policy/drafts/draftConcerns';
import { SentenceEncoder } from '../../../../src/shared/sentenceEncoder';

/**
 * The checker's decisions over a fake encoder: each text's vector says which concerns it raises (a 1 in that
 * concern's place), and each head reads its own place. The model reads what the person said of the post on the card
 * before the draft (draftFrame.ts); a concern the school's policy has no rule on is never a "don't post".
 */
const DIMS = DRAFT_CONCERNS.length;

/** Texts containing a concern's marker word raise it: "[names]" raises pupils-identified, and so on. */
const MARKERS: Record<string, DraftConcernId> = {
  '[names]': 'pupils-identified', '[politics]': 'political', '[drunk]': 'offensive', '[trip]': 'location-timing', '[selling]': 'commercial', '[official]': 'speaking-as-school',
  // The frame the card's choices put before the draft: a photo of pupils from a personal account.
  '[a photo or video of pupils; my personal account;': 'pupil-images',
  '[a photo or video of colleagues;': 'pupil-images',
  '[photo on school account]': 'pupil-images',
};

function fakeEncoder(): SentenceEncoder {
  return {
    dimensions: DIMS,
    model: { name: 'fake', sha256: '0' },
    async encode(texts) {
      return texts.map((t) => Float32Array.from(DRAFT_CONCERNS.map((id) => (Object.entries(MARKERS).some(([m, c]) => c === id && t.includes(m)) ? 1 : 0))));
    },
  };
}

const heads = (): DraftHeads => Object.fromEntries(DRAFT_CONCERNS.map((id, i): [DraftConcernId, ConcernHead] => {
  const weights = new Float32Array(DIMS);
  weights[i] = 4;
  return [id, { weights, bias: -2, threshold: 0 }];
})) as DraftHeads;

const rule = (id: DraftConcernId): PolicyRule => ({ quote: `The rule on ${id}.`, citation: '4. Use of social media', documentTitle: 'Oakfield Social Media Policy', section: 4 });

const checker = (rules: Partial<Record<DraftConcernId, PolicyRule | null>> = {}) => createDraftChecker({
  encoder: fakeEncoder(), heads: heads(), ruleFor: async (id) => (id in rules ? rules[id] ?? null : rule(id)),
});

const personal = { media: 'none', account: 'personal', audience: 'public' } as const;

describe('checking a draft post', () => {
  it('when a draft raises nothing and has no photo, then nothing in the policy stops it', async () => {
    expect(await checker().check('Lovely walk in the Dales today', personal)).toEqual({ verdict: 'fine', concerns: [] });
  });

  it('when a draft names a pupil, then the verdict is "don\'t post", the name is what raised it, and the school\'s rule is quoted', async () => {
    const r = await checker().check('Well done Jayden Okafor in 4B [names] for the poem', personal);
    expect(r.verdict).toBe('stop');
    expect(r.concerns).toHaveLength(1);
    expect(r.concerns[0]).toMatchObject({ id: 'pupils-identified', rule: rule('pupils-identified'), weight: 'stop' });
    expect(r.concerns[0].evidence).toEqual(["names someone: 'Jayden Okafor'", "names a class or year: '4B'"]);
  });

  it('when the card says the photo shows pupils, then the model reads that with the draft, and what raised it is what the card said', async () => {
    const seen: string[] = [];
    const encoder = fakeEncoder();
    const spying = createDraftChecker({ encoder: { ...encoder, encode: async (texts) => { seen.push(...texts); return encoder.encode(texts); } }, heads: heads(), ruleFor: async (id) => rule(id) });
    const mine = await spying.check('Sports day!', { ...personal, media: 'pupils' });
    expect(seen[0]).toBe('[a photo or video of pupils; my personal account; public] Sports day!');
    expect(mine).toMatchObject({ verdict: 'stop', concerns: [{ id: 'pupil-images', evidence: ['a photo or video of pupils from a personal account'], weight: 'stop' }] });
  });

  it('when the photo shows colleagues, then it is for them to agree to: "think twice", with a fix about their consent, never "post it from the school\'s account"', async () => {
    const r = await checker().check('Leaving do for Sue tonight', { media: 'colleagues', account: 'personal', audience: 'friends' });
    expect(r.verdict).toBe('think');
    expect(r.concerns.find((c) => c.id === 'pupil-images')).toMatchObject({ weight: 'think', fix: expect.stringContaining('everyone in the photo is happy') });
    expect(JSON.stringify(r)).not.toContain('school\'s account');
  });

  it('when the images concern is raised on a photo posted from the school\'s own account, then the fix is about consent, never "post it from the school\'s account"', async () => {
    const r = await checker().check('Sports day! [photo on school account]', { media: 'pupils', account: 'school', audience: 'public' });
    const images = r.concerns.find((c) => c.id === 'pupil-images');
    expect(images).toMatchObject({ weight: 'think', fix: expect.stringContaining('photo consent on record') });
    expect(images?.fix).not.toContain('school\'s account');
  });

  it('when a photo the model does not flag goes with the post, then the reply names the school\'s rule on images to check it against', async () => {
    const school = await checker().check('Sports day!', { media: 'pupils', account: 'school', audience: 'public' });
    expect(school).toEqual({ verdict: 'fine', concerns: [], photoRule: rule('pupil-images') });
    expect((await checker().check('Sports day!', personal)).photoRule).toBeUndefined();
  });

  it('when school news is posted from the school\'s own account, then it is not told it speaks for the school, and from a personal one it is', async () => {
    const draft = 'Our new head starts in January [official] [selling]';
    const school = await checker().check(draft, { ...personal, account: 'school' });
    expect(school.concerns.map((c) => c.id)).toEqual(['commercial']);
    const mine = await checker().check(draft, personal);
    expect(mine.concerns.map((c) => c.id)).toEqual(['speaking-as-school', 'commercial']);
  });

  it('when a pupil has a double-barrelled surname, then the whole name is what raised it', async () => {
    const r = await checker().check('Well done Amara Fielding-Okoro [names] for the poem', personal);
    expect(r.concerns[0].evidence).toEqual(["names someone: 'Amara Fielding-Okoro'"]);
  });

  it('when a trip draft says where and when, then those words are what raised it', async () => {
    const r = await checker().check('Year 4 [trip] will be at the Science Museum on Friday at 2pm, come and wave!', personal);
    const trip = r.concerns.find((c) => c.id === 'location-timing');
    expect(trip?.evidence[0]).toMatch(/^says where or when: /);
    expect(trip?.evidence[0]).toContain("'on Friday'");
    expect(trip?.evidence[0]).toContain("'at the Science Museum'");
    expect(trip?.evidence[0]).toContain("'2pm'");
  });

  it('when a time is written with a full stop (8.15am), then the whole time is what raised it', async () => {
    const r = await checker().check('Coach [trip] leaves at 8.15am sharp', personal);
    expect(r.concerns.find((c) => c.id === 'location-timing')?.evidence[0]).toContain("'8.15am'");
  });

  it('when a concern has no pattern for its evidence, then the draft\'s sentence its head scores highest stands as the evidence', async () => {
    const r = await checker().check('Had a great weekend. Vote for the [politics] candidate on Thursday. See you Monday.', personal);
    expect(r.concerns.find((c) => c.id === 'political')?.evidence).toEqual(["'Vote for the [politics] candidate on Thursday.'"]);
  });

  it('when a second model points to the evidence, then the deciding model reads the draft once, whole, and the pointing model alone reads its sentences', async () => {
    const decided: string[][] = [];
    const pointed: string[][] = [];
    const encoder = fakeEncoder();
    const twoModels = createDraftChecker({
      encoder: { ...encoder, encode: async (texts) => { decided.push([...texts]); return encoder.encode(texts); } }, heads: heads(), ruleFor: async (id) => rule(id),
      pointer: { encoder: { ...encoder, encode: async (texts) => { pointed.push([...texts]); return encoder.encode(texts); } }, heads: heads() },
    });
    const r = await twoModels.check('Had a great weekend. Vote for the [politics] candidate on Thursday. See you Monday.', personal);
    expect(r.concerns.find((c) => c.id === 'political')?.evidence).toEqual(["'Vote for the [politics] candidate on Thursday.'"]);
    expect(decided).toHaveLength(1);
    expect(pointed).toHaveLength(1);
    expect(pointed[0]).toHaveLength(3);
    // Told fine: the pointing model is never read.
    pointed.length = 0;
    await twoModels.check('Had a great weekend.', personal);
    expect(pointed).toEqual([]);
  });

  it('when a draft is told fine, then the model reads it once, whole; its sentences are read only for a concern whose evidence is one of them', async () => {
    const reads: string[][] = [];
    const encoder = fakeEncoder();
    const counting = createDraftChecker({ encoder: { ...encoder, encode: async (texts) => { reads.push([...texts]); return encoder.encode(texts); } }, heads: heads(), ruleFor: async (id) => rule(id) });
    await counting.check('Had a great weekend. See you Monday.', personal);
    expect(reads).toEqual([['[no photo or video; my personal account; public] Had a great weekend. See you Monday.']]);
    reads.length = 0;
    // A name is its own evidence: no sentence is read for it.
    await counting.check('Well done Jayden Okafor [names]. See you Monday.', personal);
    expect(reads).toHaveLength(1);
    reads.length = 0;
    // Two concerns that need the strongest sentence read the sentences once between them.
    const r = await counting.check('Vote for the [politics] candidate. Buy my candles [selling]. See you Monday.', personal);
    expect(r.concerns.map((c) => [c.id, c.evidence])).toEqual([['political', ["'Vote for the [politics] candidate.'"]], ['commercial', ["'Buy my candles [selling].'"]]]);
    expect(reads.map((texts) => texts.length)).toEqual([1, 3]);
  });

  it('when the school\'s policy has no rule on a stop concern, then it says so and the verdict is only "think twice"', async () => {
    const r = await checker({ offensive: null }).check('Absolutely [drunk] last night haha', personal);
    expect(r).toMatchObject({ verdict: 'think', concerns: [{ id: 'offensive', rule: null }] });
  });

  it('when the school\'s only rule on a stop concern advises rather than binds, then the verdict is "think twice" with that sentence quoted; a binding one is "don\'t post"', async () => {
    const advice = { ...rule('offensive'), quote: 'Staff are advised to consider whether a comment or photograph could cause offence. If in doubt, don\'t post it!' };
    const advised = await checker({ offensive: advice }).check('Absolutely [drunk] last night haha', personal);
    expect(advised).toMatchObject({ verdict: 'think', concerns: [{ id: 'offensive', rule: advice }] });
    const binding = { ...rule('offensive'), quote: 'Staff must not post offensive comments, and are advised to consider how others will read them.' };
    expect((await checker({ offensive: binding }).check('Absolutely [drunk] last night haha', personal)).verdict).toBe('stop');
    // A child named stays a stop on advice alone: the harm is a child's.
    expect((await checker({ 'pupils-identified': { ...advice, quote: 'Staff are advised to consider whether a post could identify a pupil.' } }).check('Well done [names]', personal)).verdict).toBe('stop');
  });

  it('when a draft raises only think-twice concerns, then the verdict is "think twice"', async () => {
    expect((await checker().check('Buy my candles [selling], link in bio', personal)).verdict).toBe('think');
  });
});

describe('the draft heads file', () => {
  const good = { drafts: Object.fromEntries(DRAFT_CONCERNS.map((id) => [id, { weights: new Array(4).fill(0.1), bias: 0, threshold: 0.5 }])) };

  it('when every concern has a head that fits the encoder, then they are read', () => {
    expect(Object.keys(parseDraftHeads(good, 4)).sort()).toEqual([...DRAFT_CONCERNS].sort());
  });

  it('when a concern is missing or a head does not fit, then it is refused with the reason', () => {
    expect(() => parseDraftHeads({ drafts: { ...good.drafts, contact: undefined } }, 4)).toThrow(DraftHeadsError);
    expect(() => parseDraftHeads(good, 5)).toThrow(/needs 5 weights/);
    expect(() => parseDraftHeads({}, 4)).toThrow(/no drafts heads/);
  });
});

describe('names that are not a pupil\'s (issue 71)', () => {
  const named = (schoolNames: string[]) => createDraftChecker({ encoder: fakeEncoder(), heads: heads(), ruleFor: async (id) => rule(id), schoolNames: () => schoolNames });

  it('when a draft names adults with titles, the school and places beside a pupil, then only the pupil\'s name is what raised it', async () => {
    const r = await named(['Oakfield']).check('Mrs Hughes and Jayden Okafor at Oakfield Primary, then lunch in Leeds [names]', personal);
    expect(r.concerns.map((c) => c.id)).toEqual(['pupils-identified']);
    expect(r.concerns[0].evidence).toEqual(["names someone: 'Jayden Okafor'"]);
  });

  it('when the only names are an adult\'s and the school\'s, then no name is given as what raised it', async () => {
    const r = await named(['Oakfield']).check('Lovely send-off for Mrs Hughes. Great decision Oakfield [names]', personal);
    expect(r.concerns[0].evidence.join(' ')).not.toMatch(/names someone/);
  });
});

describe('the gate: does the draft raise anything at all (issue 71)', () => {
  // A gate that reads only how many heads fired: one head alone (each fired head is 2 over its threshold, each other 2
  // under) is far under its threshold, two are far over it.
  const gate = (): DraftGate => {
    const weights = new Float64Array(GATE_COLUMNS.length);
    weights[GATE_COLUMNS.indexOf('fired')] = 5;
    return { weights, bias: -7.5, threshold: 0.5 };
  };
  const gated = () => createDraftChecker({ encoder: fakeEncoder(), heads: heads(), gate: gate(), ruleFor: async (id) => rule(id) });

  it('when one head fires and the gate says the draft raises nothing, then nothing in the policy stops it', async () => {
    expect(await gated().check('Worst episode ever [drunk]', personal)).toEqual({ verdict: 'fine', concerns: [] });
  });

  it('when the gate says the draft raises something, then the concerns stand as the heads raised them', async () => {
    const r = await gated().check('Vote for me, buy my cakes [politics] [selling]', personal);
    expect(r.concerns.map((c) => c.id)).toEqual(['political', 'commercial']);
  });

  it('when the gate silences the only concern and a photo goes with the post, then the reply still names the rule on images', async () => {
    const r = await gated().check('Sports day! [selling]', { media: 'pupils', account: 'school', audience: 'public' });
    expect(r).toEqual({ verdict: 'fine', concerns: [], photoRule: rule('pupil-images') });
  });

  it('when no head fires, then the gate is not read and the draft is fine', async () => {
    const never: DraftGate = { weights: new Float64Array(GATE_COLUMNS.length), bias: 50, threshold: 0.5 };
    const r = await createDraftChecker({ encoder: fakeEncoder(), heads: heads(), gate: never, ruleFor: async (id) => rule(id) }).check('Lovely walk', personal);
    expect(r).toEqual({ verdict: 'fine', concerns: [] });
  });
});

describe('reading the gate from heads.json', () => {
  const good = { columns: [...GATE_COLUMNS], weights: GATE_COLUMNS.map(() => 0.5), bias: -1, threshold: 0.2 };

  it('when the file has no gate, then the heads alone decide', () => {
    expect(parseDraftGate({ drafts: {} })).toBeNull();
  });

  it('when the gate is well formed, then its weights, bias and threshold are read', () => {
    expect(parseDraftGate({ gate: good })).toMatchObject({ bias: -1, threshold: 0.2 });
  });

  it('when the gate was written for other columns or lacks a weight, then it is refused', () => {
    expect(() => parseDraftGate({ gate: { ...good, columns: [...GATE_COLUMNS].reverse() } })).toThrow(/columns/);
    expect(() => parseDraftGate({ gate: { ...good, weights: good.weights.slice(1) } })).toThrow(/weight/);
  });

  it('the probability is the logistic of the bias and the weighted columns', () => {
    const g = parseDraftGate({ gate: good })!;
    const margins = DRAFT_CONCERNS.map((_, i) => (i === 0 ? 1 : -1));
    // margins sum -9, largest 1, second -1, one fired, no card columns: z = -1 + 0.5 * (-9 + 1 - 1 + 1) = -5
    expect(gateProbability(g, margins, personal)).toBeCloseTo(1 / (1 + Math.exp(5)), 12);
  });
});
