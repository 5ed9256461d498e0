/**
 * The intermediate form every input format is read into: a flat list of blocks in reading order.
 * Text, Markdown and Word readers differ in how they find blocks; assembling sections is shared.
 */
export type Block =
  /**
   * leadIn: the heading as written when the author made a lead-in a heading ("Individuals should:", styled as a
   * heading and listed in the contents): it titles its section and still introduces the bullets under it.
   */
  | { kind: 'heading'; text: string; number: string | null; level: number | null; leadIn?: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'bullet'; text: string; depth: number }
  | { kind: 'table'; cells: string[] };

/** Blocks split at the start of the document body. */
export interface SplitBlocks {
  /** Title page, status tables, contents: read for metadata, never sections. */
  frontMatter: Block[];
  body: Block[];
}
