import { LearnedModel } from '../answer/learnedModel';
import { dot } from '../answer/modelEncoder';
import { redactNames } from './redactNames';

/**
 * An owner's answer to a question the bot could not answer well: "this question is answered by that section"
 * (`unanswered` offers the three best candidates and "none of these"). From then on the question and close
 * rewordings of it get that section.
 */
export interface TeachingLink {
  id: string;
  question: string;
  /** "<document id>#<section ordinal>", the key answers cite sections by. */
  section: string;
  taughtBy: string;
  taughtAt: string;
}

/** The owner-only commands on teaching: linking a question, removing a link, and the two lists. */
export type TeachingCommand = 'teach' | 'unteach' | 'unanswered' | 'taught';

/** One line of the teaching audit, kept for the record: an owner-only command refused to someone who is not an owner. */
export interface TeachingAuditEntry {
  at: string;
  /** The Entra object id the channel signed the activity with ("unknown" when it carried none). */
  actor: string;
  action: 'owner.refused';
  command: TeachingCommand;
}

/** Port: where teaching links and the teaching audit are kept (SQLite beside the question log, or Azure Tables). */
export interface TeachingLinkStore {
  /** Adds a link and returns it with its id. */
  add(link: Omit<TeachingLink, 'id'>): Promise<TeachingLink>;
  /** Removes a link (kept in the record as removed, by whom and when); false when there is no such live link. */
  remove(id: string, removedBy: string, removedAt: string): Promise<boolean>;
  /** The live links, oldest first. */
  list(): Promise<TeachingLink[]>;
  /** Appends a line to the teaching audit, which is never changed. */
  appendAudit(entry: TeachingAuditEntry): Promise<void>;
  /** The teaching audit, oldest first. */
  listAudit(): Promise<TeachingAuditEntry[]>;
}

/** In-memory store, for tests and the CLI. */
export function createInMemoryTeachingLinkStore(): TeachingLinkStore {
  const links = new Map<string, TeachingLink>();
  const audit: TeachingAuditEntry[] = [];
  let next = 1;
  return {
    async add(link) {
      const saved = { ...link, id: `t${next++}` };
      links.set(saved.id, saved);
      return saved;
    },
    async remove(id) {
      return links.delete(id);
    },
    async list() {
      return [...links.values()];
    },
    async appendAudit(entry) {
      audit.push({ ...entry });
    },
    listAudit: async () => audit.map((e) => ({ ...e })),
  };
}

/** A taught section for a question, with how close the question is to the one the owner taught. */
export interface TaughtMatch {
  link: TeachingLink;
  similarity: number;
}

/**
 * Finds the taught link whose question is the asked one or a close rewording of it: the model's similarity
 * of the two questions is at least the model's `rewordingSimilarity`, set by training on the corpus (the
 * similarity above which two questions almost always share their answer; see research/training/answer/write_model.py).
 */
export function createTaughtMatcher(model: LearnedModel, links: readonly TeachingLink[]): (question: string) => TaughtMatch | null {
  const vectors = links.map((l) => model.encodeQuestion(l.question));
  return (question) => {
    if (links.length === 0) return null;
    // A link keeps the question as the owner saw it, names, places and numbers taken out ("Can [name] and I run a [name]
    // club at [address]"): the question is read both as typed and as it would have been kept, the closer counting.
    const asTyped = model.encodeQuestion(question);
    // Nothing is taken out of a question without a capital or a digit (a name, an address, a number): no second reading.
    const kept = /[\p{Lu}\p{N}]/u.test(question) ? redactNames(question) : question;
    const asKept = kept === question ? asTyped : model.encodeQuestion(kept);
    let best: TaughtMatch | null = null;
    links.forEach((link, i) => {
      const similarity = Math.max(dot(asTyped, vectors[i]), dot(asKept, vectors[i]));
      if (similarity >= model.rewordingSimilarity && (!best || similarity > best.similarity)) best = { link, similarity };
    });
    return best;
  };
}
