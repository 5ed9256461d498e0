/**
 * Bullets as a policy nests them: "- That they do not conduct themselves in a manner which may:-" with "  - bring the
 * school into disrepute;" under it. Read line by line, a bullet's depth is found from its indent against the bullets
 * above it in the same paragraph, so a sub-point is shown under its lead-in, not as a rule of its own.
 */

/** The depth of each indent seen so far in one paragraph, shallowest first: start each paragraph with []. */
export type BulletIndents = number[];

const BULLET = /^([ \t]*)[-*+\u2022\u25e6\u25aa]\s+/;

/** A line's bullet, its depth (0 for the outermost) and its text without the marker; undefined for a line that is not one. */
export function readBullet(line: string, indents: BulletIndents): { level: number; text: string } | undefined {
  const m = BULLET.exec(line);
  if (!m) return undefined;
  const width = m[1].replace(/\t/g, '    ').length;
  while (indents.length > 0 && indents[indents.length - 1] > width) indents.pop();
  if (indents.length === 0 || indents[indents.length - 1] < width) indents.push(width);
  return { level: indents.length - 1, text: line.slice(m[0].length) };
}

/** How a bullet reads at its depth: "• ", then indented "◦ ", then "▪ " (no-break spaces: a card keeps them). */
export function bulletMarker(level: number): string {
  const depth = Math.min(level, 2);
  return `${'\u00a0'.repeat(4 * depth)}${['\u2022', '\u25e6', '\u25aa'][depth]} `;
}
