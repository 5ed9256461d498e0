import fs from 'node:fs';
import path from 'node:path';
import { renderPolicyChangeCard } from '../../../../../src/features/policy/teams/cards/policyChangeCard';
import { renderHelpCard } from '../../../../../src/features/policy/teams/cards/helpCard';
import { parsePolicyText } from '../../../../../src/features/policy/ingest/parsePolicy';
import { formatSectionLabel } from '../../../../../src/features/policy/policyDocument';
import { notPublishedNotice } from '../../../../../src/features/policy/teams/publishLost';
import { Verbs } from '../../../../../src/teams/verbs';
import { cardProblems, cardVerbs, shownText } from '../../../../support/cardAssertions';
import { REPO_ROOT } from '../../../../support/repoRoot';

const diff = {
  unchanged: 9,
  frontPageChanged: false,
  changes: Array.from({ length: 14 }, (_v, i) => ({
    kind: (['added', 'removed', 'reworded'] as const)[i % 3],
    label: `${i + 1}. Section **${i + 1}** [link](http://evil.example)`,
    changes: [{ was: 'from pupils', now: 'to pupils or former pupils' }, { was: '', now: 'never' }, { was: 'a', now: 'b' }, { was: 'c', now: 'd' }],
  })),
};

describe('the policy change card', () => {
  it('when a version is pending, then it lists at most 12 changes with their words as text, and offers Publish and Discard', () => {
    const card = renderPolicyChangeCard({ title: 'Social Media Policy', fileName: 'policy <2027>.docx', diff, warnings: [{ code: 'NO_REVIEW_DATE', message: 'No review date was found.' }], draftId: 'd-1', state: 'pending', notice: 'The wording changes.' });
    expect(cardProblems(card)).toEqual([]);
    expect(cardVerbs(card)).toEqual([Verbs.publishVersion, Verbs.discardVersion]);
    const json = JSON.stringify(card);
    expect(json).toContain('… and 2 more changed sections.');
    expect(json).toContain('No review date was found.');
    // Section titles and words from the document are TextRuns: shown as typed, never as markdown or links.
    const textBlocks = JSON.stringify((card.body as { type: string; text?: string }[]).filter((b) => b.type === 'TextBlock'));
    expect(textBlocks).not.toContain('evil.example');
    expect(json).toContain('"type":"TextRun","text":"1. Section **1** [link](http://evil.example)"');
  });

  it('when a version is pending, then every section it read is listed behind a button, as text, so the owner checks how it was read before publishing; once decided, the list goes', () => {
    const sections = Array.from({ length: 130 }, (_v, i) => `${i + 1}. Heading **${i + 1}** [x](http://evil.example)`);
    const card = renderPolicyChangeCard({ title: 'Social Media Policy', fileName: 'p.docx', diff, warnings: [], draftId: 'd-1', state: 'pending', sections });
    expect(cardProblems(card)).toEqual([]);
    const show = (card.actions as { type: string; title: string; card?: unknown }[]).find((a) => a.type === 'Action.ShowCard')!;
    expect(show.title).toBe('All 130 sections this version read');
    const listed = JSON.stringify(show.card);
    expect(listed).toContain('"type":"TextRun","text":"1. Heading **1** [x](http://evil.example)"');
    expect(listed).toContain('"type":"TextRun","text":"120. Heading **120** [x](http://evil.example)"');
    expect(listed).not.toContain('121. Heading');
    expect(listed).toContain('and 10 more.');
    const published = renderPolicyChangeCard({ title: 'Social Media Policy', fileName: 'p.docx', diff, warnings: [], draftId: 'd-1', state: 'published', sections });
    expect(JSON.stringify(published)).not.toContain('Action.ShowCard');
  });

  it('when a version was published or discarded, then the card says so and offers nothing more', () => {
    for (const state of ['published', 'discarded'] as const) {
      const card = renderPolicyChangeCard({ title: 'Social Media Policy', fileName: 'p.docx', diff, warnings: [], draftId: 'd-1', state, notice: 'Done.' });
      expect(cardProblems(card)).toEqual([]);
      expect(cardVerbs(card)).toEqual([]);
      expect(JSON.stringify(card)).toContain(state === 'published' ? 'Published: Social Media Policy' : 'Discarded: new version of Social Media Policy');
    }
  });

  it('when it is the school\'s first policy, then it shows the sections read as text (at most 12) and the warnings, with Publish and Discard; published, only what happened', () => {
    const sections = Array.from({ length: 15 }, (_v, i) => `${i + 1}. Section **${i + 1}** [link](http://evil.example)`);
    const card = renderPolicyChangeCard({
      title: 'Social Media Policy', fileName: 'Our policy.docx', diff: { changes: [], unchanged: 0, frontPageChanged: false },
      warnings: [{ code: 'NO_REVIEW_DATE', message: 'No review date was found.' }], draftId: 'd-1', state: 'pending', notice: 'Publishing makes this the school\'s policy.', first: { sections },
    });
    expect(cardProblems(card)).toEqual([]);
    expect(cardVerbs(card)).toEqual([Verbs.publishVersion, Verbs.discardVersion]);
    const json = JSON.stringify(card);
    expect(json).toContain('The school\'s policy: Social Media Policy');
    expect(json).toContain('I read 15 sections. Check that the headings below are your policy\'s before publishing.');
    expect(json).toContain('"type":"TextRun","text":"12. Section **12** [link](http://evil.example)"');
    expect(JSON.stringify(card.body)).not.toContain('13. Section');
    expect(json).toContain('… and 3 more sections.');
    // The rest are one press away, so the owner can check every heading before publishing.
    const all = (card.actions as { type: string; title: string; card?: unknown }[]).find((a) => a.type === 'Action.ShowCard')!;
    expect(all.title).toBe('All 15 sections this version read');
    expect(JSON.stringify(all.card)).toContain('"type":"TextRun","text":"15. Section **15** [link](http://evil.example)"');
    expect(json).toContain('No review date was found.');
    expect(json).not.toMatch(/added|reworded|unchanged/);

    const published = renderPolicyChangeCard({
      title: 'Social Media Policy', fileName: 'Our policy.docx', diff: { changes: [], unchanged: 0, frontPageChanged: false },
      warnings: [], draftId: 'd-1', state: 'published', notice: 'Live now.', first: { sections },
    });
    expect(cardProblems(published)).toEqual([]);
    expect(cardVerbs(published)).toEqual([]);
    expect(JSON.stringify(published)).toContain('Published: Social Media Policy');
    expect(JSON.stringify(published)).not.toContain('1. Section');
  });

  it('when a publish lost to another version (issue 49), then the card says it was not published, what to do, and what is live as text, and offers nothing', () => {
    const lost = notPublishedNotice({
      first: true, actor: 'aad-head', liveTitle: 'Oakfield **policy** [x](http://evil.example)',
      live: { policyId: 'oakfield', fileName: 'Oakfield <2027>.docx', contentHash: 'h', configuredHash: '', publishedBy: 'aad-owner', publishedAt: '2026-11-21T09:00:00.000Z', number: 1 },
    });
    for (const first of [{ first: { sections: ['1. Draft'] } }, {}]) {
      const card = renderPolicyChangeCard({ title: 'Head draft', fileName: 'Head draft.txt', diff, warnings: [], draftId: 'd-1', state: 'notPublished', ...lost, ...first });
      expect(cardProblems(card)).toEqual([]);
      expect(cardVerbs(card)).toEqual([]);
      const json = JSON.stringify(card);
      expect(json).toContain('Not published: ');
      expect(json).toContain('Another policy owner published a file as the school\'s policy while this one waited, so this one was not published');
      expect(json).toContain('send your file again');
      // The live policy's title and file name are an owner's words: a TextRun, never markdown.
      expect(json).toContain('"type":"TextRun","text":"Live now: Oakfield **policy** [x](http://evil.example) (Oakfield <2027>.docx), published 21 Nov 2026, 09:00 GMT."');
      expect(JSON.stringify((card.body as { type: string }[]).filter((b) => b.type === 'TextBlock'))).not.toContain('evil.example');
    }
    expect(notPublishedNotice({ first: false, actor: 'aad-owner', live: { policyId: 'p', fileName: 'p.docx', contentHash: 'h', configuredHash: '', publishedBy: 'aad-owner', publishedAt: '2026-11-21T09:00:00.000Z', number: 2 } }).notice)
      .toMatch(/^You published another file as a new version of this policy while this one waited/);
    expect(notPublishedNotice({ first: false, actor: 'aad-owner', live: { policyId: 'p', fileName: 'p.docx', contentHash: 'h', configuredHash: 'c', publishedBy: 'cli:it-lead', publishedAt: '2026-11-21T09:00:00.000Z', number: 2 } }).notice)
      .toMatch(/^IT published a file from the server \(policy-bot publish\) as a new version/);
  });

  it('when a version read without headings waits to be published, then its warning sends the owner to the card\'s own list of every section, not to contents (the live policy), and no card shows a backtick', () => {
    // A text export whose headings are plain lines: the sections were guessed from how lines look.
    const doc = parsePolicyText(fs.readFileSync(path.join(REPO_ROOT, 'samples', 'policies', 'lowerhouse-junior.txt'), 'utf8'), 'lowerhouse-junior.txt', new Date('2026-01-15T12:00:00Z'));
    const warning = doc.warnings.find((w) => w.code === 'NO_HEADINGS')!.message;
    const sections = doc.sections.map((s) => formatSectionLabel(s));
    expect(sections.length).toBeGreaterThan(12);
    const waiting = renderPolicyChangeCard({ title: doc.title, fileName: 'lowerhouse.docx', diff, warnings: doc.warnings, draftId: 'd-1', state: 'pending', sections });
    expect(cardProblems(waiting)).toEqual([]);
    const shown = shownText(waiting);
    expect(shown).toContain(warning);
    expect(warning).toContain('the card of a version waiting to be published lists every section it read');
    expect(warning).not.toMatch(/Check\W+contents/);
    // What the warning points at is there: every heading this version read, behind its button.
    expect(shown).toContain(`All ${sections.length} sections this version read`);
    for (const label of sections) expect(shown).toContain(label);
    // Once live, the same note is in the owners' help, where "before publishing" or "on this card" would be wrong.
    const help = renderHelpCard(doc.title, true, doc.warnings);
    expect(shownText(help)).toContain(warning);
    expect(warning).not.toMatch(/this card|before publishing/);
    for (const card of [waiting, help]) expect(shownText(card)).not.toContain('`');
  });
});
