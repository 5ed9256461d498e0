import { DisclosureDetector } from './disclosureDetector';

/** One labelled message of an evaluation set (research/eval/disclosure-*.jsonl, or an ordinary question of a qa set). */
export interface DisclosureCase {
  text: string;
  disclosure: boolean;
  /** The category of Keeping Children Safe in Education a disclosure falls in (the blind sets), or the split. */
  kind?: string;
  /** A disclosure told without alarm words (the blind sets mark them). */
  indirect?: boolean;
}

/** What the detector did with one set: each figure a count, with the cases behind the failures. */
export interface DisclosureFigures {
  disclosures: number;
  offered: number;
  indirect: number;
  indirectOffered: number;
  /** Disclosures not offered Report a concern but held back (the report line on the answer, nothing kept). */
  heldBackOnly: number;
  ordinary: number;
  ordinaryOffered: number;
  ordinaryHeldBack: number;
  /** Ordinary messages whose answer carries the report line (issue 70); the held-back ones without it are still not kept. */
  ordinaryReportLine: number;
  /** Disclosures with neither Report a concern first nor the report line. */
  noOfferNorLine: DisclosureCase[];
  byKind: Map<string, { disclosures: number; offered: number; heldBack: number }>;
  missed: DisclosureCase[];
  /** Disclosures neither offered nor held back: these alone could reach a policy owner. */
  notHeldBack: DisclosureCase[];
  falseOffers: DisclosureCase[];
}

/** Reads every case of a set with the detector and counts what it did. */
export async function evaluateDisclosures(detector: DisclosureDetector, cases: readonly DisclosureCase[]): Promise<DisclosureFigures> {
  const readings = await detector.readAll(cases.map((c) => c.text));
  const f: DisclosureFigures = {
    disclosures: 0, offered: 0, indirect: 0, indirectOffered: 0, heldBackOnly: 0, ordinary: 0, ordinaryOffered: 0, ordinaryHeldBack: 0,
    ordinaryReportLine: 0, noOfferNorLine: [], byKind: new Map(), missed: [], notHeldBack: [], falseOffers: [],
  };
  cases.forEach((c, i) => {
    const r = readings[i];
    if (c.disclosure) {
      f.disclosures++;
      if (r.offer) f.offered++;
      else if (r.holdBack) f.heldBackOnly++;
      if (!r.offer) f.missed.push(c);
      if (!r.holdBack) f.notHeldBack.push(c);
      if (!r.offer && !(r.reportLine ?? r.holdBack)) f.noOfferNorLine.push(c);
      if (c.indirect) {
        f.indirect++;
        if (r.offer) f.indirectOffered++;
      }
      const kind = c.kind ?? 'all';
      const k = f.byKind.get(kind) ?? { disclosures: 0, offered: 0, heldBack: 0 };
      k.disclosures++;
      if (r.offer) k.offered++;
      if (r.holdBack) k.heldBack++;
      f.byKind.set(kind, k);
    } else {
      f.ordinary++;
      if (r.offer) {
        f.ordinaryOffered++;
        f.falseOffers.push(c);
      }
      if (r.holdBack) f.ordinaryHeldBack++;
      if (r.reportLine ?? r.holdBack) f.ordinaryReportLine++;
    }
  });
  return f;
}
