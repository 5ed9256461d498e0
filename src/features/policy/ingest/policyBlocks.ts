/**
 * The intermediate form every input format is read into: a flat list of blocks in reading order.
 * Text, Markdown and Word readers differ in how they find blocks; assembling sections is shared.
 */
export type Block =
  | { kind: 'heading'; text: string; number: string | null; level: number | null }
  | { kind: 'paragraph'; text: string }
  | { kind: 'bullet'; text: string; depth: number }
  | { kind: 'table'; cells: string[] };

/** Blocks split at the start of the document body. */
export interface SplitBlocks {
  /** Title page, status tables, contents: read for metadata, never sections. */
  frontMatter: Block[];
  body: Block[];
}
