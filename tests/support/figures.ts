/**
 * Evaluation figures a suite measured on its way to its assertions. A passing `npm test` prints only Jest, so they are
 * shown only when asked for (SHOW_FIGURES=1); `npm run eval` and `npm run eval:disclosure` print the same figures
 * in full, and a failing assertion shows the numbers it compared.
 */
export function showFigures(text: string): void {
  // eslint-disable-next-line no-console
  if (process.env.SHOW_FIGURES === '1') console.log(text);
}
