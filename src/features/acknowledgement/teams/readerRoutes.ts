import { TurnContext } from 'botbuilder';
import { AcknowledgementStore } from '../domain/acknowledgementStore';
import { AcknowledgementView, ViewAcknowledgement } from '../domain/acknowledgePolicy';
import { PolicyTexts } from '../domain/campaignPorts';
import { StaffGate } from '../domain/currentStaff';
import { AdaptiveCardJson, cardMessage } from '../../../teams/cards';
import { KeptFileOffers } from '../../../teams/fileLinks';
import { pageOfSection, readerPages } from './policyReader';
import { renderPolicyReaderCard } from './cards/policyReaderCard';
import { staffCardFor } from './staffCards';

/** What reading in Teams needs. */
export interface ReaderDeps {
  store: AcknowledgementStore;
  view: ViewAcknowledgement;
  policyTexts?: PolicyTexts;
  /** The document as published, as a signed link; the tag says whose download it was. */
  documents?: KeptFileOffers;
  now: () => Date;
  /** Only current staff open a campaign's reader: anyone else is told politely, and nothing is recorded. */
  gate: StaffGate;
  explain(err: unknown, where: string): string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The key a kept document is offered under. */
export const documentKey = (policyId: string, versionHash: string) => `policy:${policyId}:${versionHash}`;
/** A download's tag: who it was offered to and in which campaign ("user~campaign"). */
export const downloadTag = (userId: string, campaignId?: string) => (campaignId ? `${userId}~${campaignId}` : userId);

/**
 * Reading the policy in Teams: "Read the policy" posts the reader (its contents) as a message of its own, so the card
 * with the button stays; each page replaces the reader in place (Previous / Next / Contents), the last one offering "I
 * have read and understood". Every page opened is recorded against the version shown, and so is a download of the
 * document; an acknowledgement then carries when that version was first opened.
 */
export function createReaderRoutes(deps: ReaderDeps) {
  /**
   * The reader at `page` (or, for a change on the card, at the page its section is on), with the staff view it was drawn
   * from (so that a caller need not read it again).
   */
  async function readerCard(userId: string, data: Record<string, unknown>, page: number, notice?: string): Promise<{ reader: AdaptiveCardJson | string; view: AcknowledgementView }> {
    const view = await deps.view({ userId, policyId: str(data.policyId), versionHash: str(data.versionHash) });
    const version = view.version;
    await deps.gate.check(userId, 'read', view.campaign?.id ?? `${version.policyId}@${version.versionHash}`);
    // The version the view names: the live text, or the version as published on any instance (read from the store), so a
    // card for a version this instance has not taken up yet opens all the same. A card for a replaced version opens the
    // current one (the view names it), and says so.
    const doc = await deps.policyTexts?.version(version.policyId, version.versionHash);
    if (!doc || doc.metadata.contentHash !== version.versionHash) {
      return { view, reader: `The text of this version is not loaded here any more. Type "section 1" to read the policy as it is now, or ask me about it.` };
    }
    const pages = readerPages(doc);
    const section = Math.trunc(Number(str(data.section) || NaN));
    // A section named on a replaced version's card may not be where it was: that card opens at the contents.
    const at = Number.isFinite(section) && section > 0 && str(data.versionHash) === version.versionHash ? pageOfSection(pages, section) || page : page;
    const shown = Math.max(0, Math.min(pages.length, Math.trunc(at) || 0));
    const campaignId = view.campaign?.versionHash === version.versionHash ? view.campaign.id : undefined;
    await deps.store.recordPolicyRead({
      policyId: version.policyId, versionHash: version.versionHash, userId, at: deps.now().toISOString(), ...(campaignId ? { campaignId } : {}),
    });
    const offered = deps.documents ? await deps.documents.offerKept(documentKey(version.policyId, version.versionHash),
      () => deps.policyTexts?.file(version.policyId, version.versionHash) ?? Promise.resolve(undefined), downloadTag(userId, campaignId)) : undefined;
    const superseded = view.state === 'superseded' ? 'The card you used was for an earlier version; this is the current one. ' : '';
    return { view, reader: renderPolicyReaderCard({
      version, pages, page: shown, ...(view.campaign ? { campaignId: view.campaign.id } : {}), canAcknowledge: view.state !== 'acknowledged',
      ...(offered ? { document: { url: offered.url, fileName: offered.fileName, expiresAt: offered.expiresAt } } : {}),
      ...(superseded || notice ? { notice: `${superseded}${notice ?? ''}`.trim() } : {}),
    }) };
  }

  const userOf = (context: TurnContext, playground: boolean): string | undefined =>
    context.activity.from?.aadObjectId ?? (playground ? context.activity.from?.id : undefined);

  return {
    /** "Read the policy" on the staff card: the reader arrives as its own message; the card says where it is. */
    async open(context: TurnContext, data: Record<string, unknown>, playground: boolean): Promise<AdaptiveCardJson | string> {
      const userId = userOf(context, playground);
      if (!userId) return 'Your account could not be identified.';
      try {
        const { reader, view } = await readerCard(userId, data, 0);
        if (typeof reader === 'string') return reader;
        await context.sendActivity(cardMessage(reader, 'The policy, to read in Teams'));
        // A button pressed on the round's card is proof the card was opened, whether or not Teams sends read receipts
        // (staff can turn them off): the owner's status and the export no longer say "has not opened the card".
        if (view.campaign && view.campaign.versionHash === view.version.versionHash) {
          await deps.store.markOpened(view.campaign.id, userId, deps.now().toISOString()).catch(() => false);
        }
        return staffCardFor(view, { notice: 'The whole policy is in the message below, section by section. When you have read it, acknowledge here or at its end.' });
      } catch (err) {
        return deps.explain(err, 'readPolicy');
      }
    },

    /**
     * A page of the reader (0: the contents), or the page a section is on (a change on the staff card): pressed on the
     * reader, it replaces the reader; pressed on the staff card, the reader arrives as its own message at that page and
     * the card stays.
     */
    async page(context: TurnContext, data: Record<string, unknown>, playground: boolean): Promise<AdaptiveCardJson | string> {
      const userId = userOf(context, playground);
      if (!userId) return 'Your account could not be identified.';
      try {
        if (str(data.section)) {
          const { reader, view } = await readerCard(userId, data, 0);
          if (typeof reader === 'string') return reader;
          await context.sendActivity(cardMessage(reader, 'The policy, to read in Teams'));
          return staffCardFor(view, { notice: 'That section is in the message below. The whole policy is there too (Contents).' });
        }
        return (await readerCard(userId, data, Number(str(data.page) || data.page))).reader;
      } catch (err) {
        return deps.explain(err, 'readPage');
      }
    },
  };
}
