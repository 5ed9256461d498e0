import { PolicyDocument, PolicySection, formatSectionLabel } from '../../src/features/policy/policyDocument';
import { AnswerMatch } from '../../src/features/policy/answer/answerQuestion';
import { renderAnswerCard } from '../../src/features/policy/teams/cards/answerCard';
import { renderSectionCard } from '../../src/features/policy/teams/cards/sectionCard';
import { renderContentsCard } from '../../src/features/policy/teams/cards/contentsCard';
import { renderHelpCard } from '../../src/features/policy/teams/cards/helpCard';
import { renderWelcomeCard } from '../../src/features/policy/teams/cards/welcomeCard';
import { renderNotCoveredCard } from '../../src/features/policy/teams/cards/notCoveredCard';
import { renderPolicyChangeCard } from '../../src/features/policy/teams/cards/policyChangeCard';
import { renderTaughtCard, renderUnansweredCard } from '../../src/features/policy/teams/cards/teachingCards';
import { PolicyVersion } from '../../src/features/acknowledgement/domain/acknowledgementTypes';
import { emptyDeliveryCounts } from '../../src/features/acknowledgement/domain/acknowledgementStore';
import { renderAcknowledgementCard } from '../../src/features/acknowledgement/teams/cards/acknowledgementCard';
import { renderCampaignPreviewCard } from '../../src/features/acknowledgement/teams/cards/campaignPreviewCard';
import { renderCampaignStatusCard } from '../../src/features/acknowledgement/teams/cards/campaignStatusCard';
import { renderManagerDigestCard, renderOwnerDigestCard } from '../../src/features/acknowledgement/teams/cards/digestCards';
import { renderPolicyReaderCard } from '../../src/features/acknowledgement/teams/cards/policyReaderCard';
import { readerPages } from '../../src/features/acknowledgement/teams/policyReader';
import { AdaptiveCardJson } from '../../src/teams/cards';
import { cardProblems, markdownCarriers, textRuns } from '../support/cardAssertions';

/**
 * "Text a person typed is shown as text, never as markup": a policy owner sends the school's policy in chat and its
 * first version goes live, so the document's title, version, review date, section numbers and titles, sentences and
 * quotes, the key points an owner types and the file's name are a person's text. Teams reads a TextBlock (and a
 * FactSet's facts) as markdown (links, **bold**, lists, <at> mentions); a TextRun in a RichTextBlock is never read so.
 */
const MARKUP = ['[click](https://evil.example)', '**x**', '<at>y</at>'];
const hostile = (words: string) => `${words} [click](https://evil.example) **x** <at>y</at>`;

const TITLE = hostile('Social Media Policy');
const ORGANISATION = hostile('Oakfield');
const VERSION = hostile('v3');
const REVIEW = hostile('September 2027');
const SECTION_TITLE = hostile('Reporting');
const CHILD_TITLE = hostile('Who to tell');
const SENTENCE = `${hostile('Tell the DSL the same day')}.`;
const CHILD_SENTENCE = `${hostile('Write down what you saw')}.`;
const BULLET = hostile('Keep a note');
const KEY_POINT = hostile('Never accept friend requests from pupils');
const FILE_NAME = `${hostile('Our policy')}.docx`;
const QUESTION = hostile('Can I tell my class');

const section: PolicySection = { ordinal: 1, number: '5', title: SECTION_TITLE, level: 1, parent: null, text: `${SENTENCE}\n\n- ${BULLET}` };
const child: PolicySection = { ordinal: 2, number: '5.1', title: CHILD_TITLE, level: 2, parent: 1, text: CHILD_SENTENCE };
const doc: PolicyDocument = {
  id: 'oakfield', source: FILE_NAME, title: TITLE,
  metadata: { title: TITLE, organisation: ORGANISATION, version: VERSION, lastReviewed: REVIEW, nextReview: REVIEW, contentHash: 'c0ffee'.repeat(10) },
  sections: [section, child],
  frontPage: [`Organisation: ${ORGANISATION}`],
  warnings: [{ code: 'EMPTY_SECTIONS', message: `Section "${SECTION_TITLE}" needs checking.` }],
};
const LABEL = formatSectionLabel(section);
const CHILD_LABEL = formatSectionLabel(child);

const match = (s: PolicySection, quote: string): AnswerMatch => ({ doc, section: s, score: 1, quote });
const answer = { answered: true as const, question: 'Who do I tell?', sure: true, best: match(section, SENTENCE), secondary: match(child, CHILD_SENTENCE), matches: [] };

const version: PolicyVersion = {
  policyId: 'oakfield', versionHash: 'c0ffee'.repeat(10), title: TITLE, versionLabel: VERSION, reviewDate: REVIEW,
  keyPoints: [KEY_POINT], material: true, publishedAt: '2026-09-01T08:00:00.000Z',
};
const campaign = {
  id: 'ack-1', policyId: 'oakfield', versionHash: version.versionHash, audience: { kind: 'all' as const }, dueDate: '2026-10-01',
  startedAt: '2026-09-01T08:00:00.000Z', startedBy: 'owner', round: 1, seriesId: 'ack-1', status: 'active' as const,
};
const preview = { version, audience: { kind: 'all' as const }, members: 3, withChat: 3, installable: 0, unreachable: 0, alreadyAcknowledged: 0, canInstall: false };
const diff = { changes: [{ kind: 'reworded' as const, label: LABEL, changes: [{ was: SENTENCE, now: CHILD_SENTENCE }] }], unchanged: 1, frontPageChanged: true };
const pages = readerPages(doc);

/** Every card that shows the document's text, or an owner's key point, or the file's name, with what it must show. */
const cards: { name: string; card: AdaptiveCardJson; shows: string[] }[] = [
  { name: 'answer (phrased, with a close second)', card: renderAnswerCard(answer, 'q-1', { given: false }, { text: `${hostile('You tell the DSL')}\n- ${BULLET}`, cited: answer.best }), shows: [TITLE, SENTENCE, CHILD_SENTENCE, LABEL, CHILD_LABEL, hostile('You tell the DSL'), BULLET] },
  { name: 'answer after feedback', card: renderAnswerCard({ ...answer, secondary: null }, 'q-1', { given: true, helpful: false }), shows: [TITLE, SENTENCE, LABEL] },
  { name: 'Read the full section', card: renderSectionCard(doc, section), shows: [TITLE, LABEL, SENTENCE, BULLET, CHILD_LABEL, CHILD_SENTENCE] },
  { name: 'contents', card: renderContentsCard(doc), shows: [TITLE, VERSION, REVIEW, LABEL, CHILD_LABEL] },
  { name: 'help for an owner', card: renderHelpCard(doc.title, true, doc.warnings), shows: [TITLE, SECTION_TITLE] },
  { name: 'help for staff', card: renderHelpCard(doc.title, false, doc.warnings), shows: [TITLE] },
  { name: 'welcome', card: renderWelcomeCard(doc.title), shows: [TITLE] },
  { name: 'not covered', card: renderNotCoveredCard(doc.title), shows: [TITLE] },
  { name: 'first version, pending', card: renderPolicyChangeCard({ title: TITLE, fileName: FILE_NAME, diff: { changes: [], unchanged: 0, frontPageChanged: false }, warnings: doc.warnings, draftId: 'd', state: 'pending', notice: 'Check it.', first: { sections: [LABEL, CHILD_LABEL] } }), shows: [TITLE, FILE_NAME, LABEL, CHILD_LABEL, SECTION_TITLE] },
  { name: 'first version, published', card: renderPolicyChangeCard({ title: TITLE, fileName: FILE_NAME, diff: { changes: [], unchanged: 0, frontPageChanged: false }, warnings: [], draftId: 'd', state: 'published', notice: 'Live.', first: { sections: [LABEL] } }), shows: [TITLE, FILE_NAME] },
  { name: 'new version, pending', card: renderPolicyChangeCard({ title: TITLE, fileName: FILE_NAME, diff, warnings: doc.warnings, draftId: 'd', state: 'pending' }), shows: [TITLE, FILE_NAME, LABEL] },
  { name: 'new version, discarded', card: renderPolicyChangeCard({ title: TITLE, fileName: FILE_NAME, diff, warnings: [], draftId: 'd', state: 'discarded' }), shows: [TITLE, FILE_NAME] },
  { name: 'staff acknowledgement card', card: renderAcknowledgementCard({ state: 'pending', version, campaignId: 'ack-1', dueDate: '2026-10-01' }), shows: [TITLE, VERSION, REVIEW, KEY_POINT] },
  { name: 'staff card, acknowledged', card: renderAcknowledgementCard({ state: 'acknowledged', version, acknowledgedAt: '2026-09-14T10:03:00.000Z' }), shows: [TITLE, VERSION] },
  { name: 'staff card, superseded', card: renderAcknowledgementCard({ state: 'superseded', version, replacedHash: 'old' }), shows: [TITLE, KEY_POINT] },
  { name: 'campaign preview', card: renderCampaignPreviewCard({ preview, dueDate: '2026-10-01', points: [KEY_POINT], offered: [], today: '2026-09-01' }), shows: [TITLE, VERSION, KEY_POINT] },
  {
    name: 'campaign status',
    card: renderCampaignStatusCard({
      campaign, version, total: 3, acknowledged: 1, outstanding: 2, openedNotAcknowledged: 1, notOpened: 1, excused: 0, left: 0, percent: 33,
      unreached: 0, awaitingCard: 0, deliveries: { ...emptyDeliveryCounts(), sent: 3 }, groups: [],
    }),
    shows: [TITLE, VERSION],
  },
  { name: 'line manager digest', card: renderManagerDigestCard({ campaign, title: TITLE, people: ['Sam Jones'] }), shows: [TITLE] },
  { name: 'owner digest', card: renderOwnerDigestCard({ campaign, title: TITLE, outstanding: 2, excused: 0, managersNotified: 1, withoutManager: [] }), shows: [TITLE] },
  { name: 'reader contents', card: renderPolicyReaderCard({ version, pages, page: 0, canAcknowledge: true }), shows: [TITLE, VERSION, LABEL] },
  { name: 'reader page', card: renderPolicyReaderCard({ version, pages, page: 1, canAcknowledge: true, document: { url: 'https://bot.example/f/1', fileName: FILE_NAME, expiresAt: '2026-09-01T10:00:00.000Z' } }), shows: [TITLE, VERSION, LABEL, SENTENCE] },
  {
    name: 'unanswered questions',
    card: renderUnansweredCard([{ questionId: 'q-1', question: QUESTION, status: 'Not covered, 21 Nov', candidates: [{ title: LABEL, section: 'oakfield#1' }] }], `Linked: that question and close rewordings of it now get ${LABEL}.`),
    shows: [QUESTION, LABEL],
  },
  { name: 'taught links', card: renderTaughtCard([{ linkId: 'l-1', question: QUESTION, answer: `\u2192 ${LABEL}, taught 21 Nov` }]), shows: [QUESTION, LABEL] },
];

describe('a policy\'s own text on every card is shown as text, never as markdown', () => {
  it.each(cards.map((c) => [c.name, c] as const))('%s: no TextBlock or fact holds the document\'s text, and TextRuns show it as written', (_name, { card, shows }) => {
    // The parser check as every card test; "${" never appears in this document, so nothing is reported unexpanded.
    expect(cardProblems(card)).toEqual([]);
    for (const carrier of markdownCarriers(card)) {
      for (const markup of MARKUP) expect(carrier).not.toContain(markup);
      expect(carrier).not.toContain('evil.example');
    }
    const runs = textRuns(card);
    for (const text of shows) expect(runs.some((run) => run.includes(text))).toBe(true);
  });

  it('when a section\'s text has paragraphs and bullets, then "Read the full section" shows each as its own line of text, in order', () => {
    const card = renderSectionCard(doc, section);
    const runs = textRuns(card);
    expect(runs).toEqual([TITLE, LABEL, SENTENCE, `\u2022 ${BULLET}`, CHILD_LABEL, CHILD_SENTENCE]);
  });
});
