import fs from 'node:fs';
import path from 'node:path';
import { parsePolicyText } from '../../../../src/features/policy/ingest/parsePolicy';
import { PolicyDocument } from '../../../../src/features/policy/policyDocument';
import { createPolicyLibrary, sectionByKey } from '../../../../src/features/policy/policyLibrary';
import { carryTeaching, SECTION_GONE } from '../../../../src/features/policy/teaching/carryTeaching';
import { createInMemoryTeachingLinkStore } from '../../../../src/features/policy/teaching/teachingLinks';
import { REPO_ROOT } from '../../../support/repoRoot';

const live = parsePolicyText(fs.readFileSync(path.join(REPO_ROOT, 'samples', 'policies', 'liverpool-model.txt'), 'utf8'), 'liverpool-model.txt');

/** The next version: a new section first (every ordinal after it moves on by one), and the section `dropped` gone. */
function nextVersion(dropped: number): PolicyDocument {
  const added = { ordinal: 1, number: null, title: 'A word from the headteacher', level: 1, parent: null, text: 'Please read this policy carefully.' };
  const kept = live.sections.filter((s) => s.ordinal !== dropped);
  const renumbered = kept.map((s, i) => ({ ...s, ordinal: i + 2, parent: s.parent === null ? null : s.parent + (s.parent < dropped ? 1 : 0) }));
  return { ...live, metadata: { ...live.metadata, contentHash: 'f'.repeat(64) }, sections: [added, ...renumbered] };
}

describe('what owners taught, carried to a new version as it is published', () => {
  it('when sections are renumbered, then each link follows its section; a link to a section gone no longer points at whatever has its number', async () => {
    const store = createInMemoryTeachingLinkStore();
    const purpose = live.sections.find((s) => /purpose/i.test(s.title))!;
    const dropped = live.sections.find((s) => s.ordinal > purpose.ordinal + 1 && s.level === 1)!;
    const next = nextVersion(dropped.ordinal);
    await store.add({ question: 'can i take photos of pupils work for the display board?', section: `${live.id}#${purpose.ordinal}`, taughtBy: 'aad-owner', taughtAt: '2026-11-20T09:00:00.000Z' });
    await store.add({ question: 'a question on the section that goes', section: `${live.id}#${dropped.ordinal}`, taughtBy: 'aad-owner', taughtAt: '2026-11-21T09:00:00.000Z' });
    await store.add({ question: 'can i post memes about ofsted?', section: 'none', taughtBy: 'aad-owner', taughtAt: '2026-11-22T09:00:00.000Z' });
    await store.add({ question: 'who wrote this?', section: `${live.id}#0`, taughtBy: 'aad-owner', taughtAt: '2026-11-22T09:00:00.000Z' });

    const carried = await carryTeaching(store, live, next, '2026-11-28T10:00:00.000Z');

    expect(carried).toEqual({ moved: 1, gone: 1 });
    const links = await store.list();
    const nextLibrary = createPolicyLibrary([next]);
    const photos = links.find((l) => l.question.startsWith('can i take photos'))!;
    // Still the section the owner chose, by its title, at its new number; who taught it and when are kept.
    expect(sectionByKey(nextLibrary, photos.section)?.section.title).toBe(purpose.title);
    expect(photos.section).toBe(`${live.id}#${purpose.ordinal + 1}`);
    expect(photos).toMatchObject({ taughtBy: 'aad-owner', taughtAt: '2026-11-20T09:00:00.000Z' });
    const goneLink = links.find((l) => l.question === 'a question on the section that goes')!;
    expect(goneLink.section).toBe(`${live.id}#${SECTION_GONE}`);
    expect(sectionByKey(nextLibrary, goneLink.section)).toBeNull();
    // "Not covered" and the front page are the same in every version.
    expect(links.find((l) => l.question.includes('memes'))?.section).toBe('none');
    expect(links.find((l) => l.question === 'who wrote this?')?.section).toBe(`${live.id}#0`);
    expect(links).toHaveLength(4);
  });

  it('when nothing moved, then no link is touched', async () => {
    const store = createInMemoryTeachingLinkStore();
    const link = await store.add({ question: 'q', section: `${live.id}#3`, taughtBy: 'aad-owner', taughtAt: '2026-11-20T09:00:00.000Z' });
    const same = { ...live, metadata: { ...live.metadata, contentHash: 'e'.repeat(64) } };
    expect(await carryTeaching(store, live, same, '2026-11-28T10:00:00.000Z')).toEqual({ moved: 0, gone: 0 });
    expect(await store.list()).toEqual([link]);
  });
});
