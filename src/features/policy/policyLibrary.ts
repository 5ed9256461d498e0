import { PolicyDocument, PolicySection } from './policyDocument';
import { createPolicyIndex, PolicyIndex } from './answer/policyIndex';

/** The documents a school has loaded, indexed; the first is the policy staff acknowledge. */
export interface PolicyLibrary {
  readonly documents: readonly PolicyDocument[];
  readonly primary: PolicyDocument;
  readonly index: PolicyIndex;
}

/** Raised when no policy document is loaded: the bot must not start without one. */
export class NoPolicyError extends Error {
  readonly code = 'POLICY_MISSING';
  constructor() {
    super('No policy document was loaded: set POLICY_FILES to at least one .txt, .md or .docx file');
  }
}

/** Indexes the loaded documents. */
export function createPolicyLibrary(documents: readonly PolicyDocument[]): PolicyLibrary {
  if (documents.length === 0) throw new NoPolicyError();
  return { documents, primary: documents[0], index: createPolicyIndex(documents) };
}

/**
 * Finds a section by what staff type after "section": the document's own number ("5", "3.1", "5."),
 * or "#7" for the seventh section of a document without numbers. Searches the primary document first.
 */
export function findSection(library: PolicyLibrary, key: string, documentId?: string): { doc: PolicyDocument; section: PolicySection } | null {
  const wanted = key.trim().replace(/^section\s+/i, '').replace(/\.$/, '');
  const docs = documentId === undefined ? library.documents : library.documents.filter((d) => d.id === documentId);
  for (const doc of docs) {
    const byNumber = doc.sections.find((s) => s.number === wanted);
    if (byNumber) return { doc, section: byNumber };
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
