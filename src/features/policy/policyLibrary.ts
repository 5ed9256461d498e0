import { PolicyDocument, PolicySection } from './policyDocument';
import { createPolicyIndex, frontPageSection, PolicyIndex } from './answer/policyIndex';

/**
 * The documents a school has loaded, indexed; the first is the policy staff acknowledge. Empty in production until the
 * school's policy is added (POLICY_FILES empty and no owner has sent it in chat yet): then `primary` is undefined and
 * the index answers nothing.
 */
export interface PolicyLibrary {
  readonly documents: readonly PolicyDocument[];
  readonly primary: PolicyDocument | undefined;
  readonly index: PolicyIndex;
}

/** A library whose documents an owner can replace while the bot runs (a new version published from chat). */
export interface LivePolicyLibrary extends PolicyLibrary {
  /** Replaces the document with the same id and re-indexes; the next question is answered from it. */
  replace(doc: PolicyDocument): void;
  /** The school's policy, into a library that has none yet (its first version, sent in chat); it becomes the primary. */
  addFirst(doc: PolicyDocument): void;
}

/** Indexes the loaded documents, none or more. Readers take `documents`, `primary` and `index` afresh for each question. */
export function createPolicyLibrary(documents: readonly PolicyDocument[]): LivePolicyLibrary {
  let state = { documents, primary: documents[0] as PolicyDocument | undefined, index: createPolicyIndex(documents) };
  const swap = (next: readonly PolicyDocument[]): void => {
    // The new index is built before it is swapped in: a question asked meanwhile is answered from the old one.
    state = { documents: next, primary: next[0], index: createPolicyIndex(next) };
  };
  return {
    get documents() { return state.documents; },
    get primary() { return state.primary; },
    get index() { return state.index; },
    replace(doc) {
      const next = state.documents.map((d) => (d.id === doc.id ? doc : d));
      if (!next.includes(doc)) throw new Error(`No loaded policy has the id ${doc.id}`);
      swap(next);
    },
    addFirst(doc) {
      if (state.documents.length > 0) throw new Error(`A policy is already loaded (${state.documents[0].id}): a new version replaces it`);
      swap([doc]);
    },
  };
}

/**
 * What staff type after "section" to open one: its own number ("5", "3.1"); for an unnumbered sub-section of
 * a numbered section, the parent's number and a letter ("6a", "6b"), so it never reads as another section's
 * number; otherwise its position ("#7").
 */
export function sectionKey(doc: PolicyDocument, section: PolicySection): string {
  if (section.number) return section.number;
  const parent = section.parent !== null ? doc.sections.find((s) => s.ordinal === section.parent) : undefined;
  if (parent?.number) {
    const i = doc.sections.filter((s) => s.parent === parent.ordinal && s.number === null).indexOf(section);
    if (i >= 0 && i < 26) return `${parent.number}${String.fromCharCode(97 + i)}`;
  }
  return `#${section.ordinal}`;
}

/**
 * Finds a section by what staff type after "section": the document's own number ("5", "3.1", "5."), a
 * sub-section's key ("6a", see sectionKey), or "#7" for the seventh section of a document without numbers.
 * Searches the primary document first.
 */
export function findSection(library: PolicyLibrary, key: string, documentId?: string): { doc: PolicyDocument; section: PolicySection } | null {
  return findSectionIn(documentId === undefined ? library.documents : library.documents.filter((d) => d.id === documentId), key);
}

/** findSection over the given documents: a version of a policy that is no longer live, for a card answered from it. */
export function findSectionIn(docs: readonly PolicyDocument[], key: string): { doc: PolicyDocument; section: PolicySection } | null {
  const wanted = key.trim().replace(/^section\s+/i, '').replace(/\.$/, '');
  for (const doc of docs) {
    const byNumber = doc.sections.find((s) => s.number === wanted);
    if (byNumber) return { doc, section: byNumber };
    if (/^\d{1,2}(\.\d{1,2})*[a-z]$/i.test(wanted)) {
      const byKey = doc.sections.find((s) => sectionKey(doc, s) === wanted.toLowerCase());
      if (byKey) return { doc, section: byKey };
    }
    const ord = /^#?(\d{1,3})$/.exec(wanted);
    if (ord && (wanted.startsWith('#') || !doc.sections.some((s) => s.number !== null))) {
      const byOrdinal = doc.sections.find((s) => s.ordinal === Number(ord[1]));
      if (byOrdinal) return { doc, section: byOrdinal };
    }
    const byTitle = doc.sections.find((s) => s.title.toLowerCase() === wanted.toLowerCase());
    if (byTitle) return { doc, section: byTitle };
  }
  return null;
}

/**
 * The section an answer's key names ("liverpool-model#7": the document's id and the section's ordinal, "#0" the front
 * page), as teaching links and the choices of a "not sure" reply carry it; null when the policy no longer has it.
 */
export function sectionByKey(library: PolicyLibrary, key: string): { doc: PolicyDocument; section: PolicySection } | null {
  const at = key.lastIndexOf('#');
  const ordinal = at > 0 && /^\d{1,5}$/.test(key.slice(at + 1)) ? Number(key.slice(at + 1)) : NaN;
  const doc = Number.isNaN(ordinal) ? undefined : library.documents.find((d) => d.id === key.slice(0, at));
  const section = doc && (ordinal === 0 ? frontPageSection(doc) : doc.sections.find((s) => s.ordinal === ordinal));
  return doc && section ? { doc, section } : null;
}
