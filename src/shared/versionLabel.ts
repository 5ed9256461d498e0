/** How a policy version's own label reads wherever the product shows it. */

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * A version as people read it: the document's own label made readable ("2 (February 2023)"), so that "version 2
 * (February 2023)" is one thing in a line of facts; any other label as written. Never the content fingerprint: it
 * means nothing to staff, and stays in the records and logs that prove which version was which. Here, apart from both
 * features, because the policy's contents and CLI and the acknowledgement's cards and export all name versions, and the
 * acknowledgement's sending thread must not load the policy feature and its model.
 */
export function formatVersionLabel(label: string): string {
  // "2 (02 2023)" from a version-history row reads "2 (February 2023)"; "2 (13 2023)" is not a month: as written.
  const dated = monthDatedLabel(label);
  const month = dated ? Number(dated.mm) : 0;
  return dated && month >= 1 && month <= 12 ? `${dated.v} (${MONTH_NAMES[month - 1]} ${dated.yyyy})` : label;
}

const SPACE = /\s/;
const DIGIT = /[0-9]/;
const DATE_SEPARATOR = /[\s/.-]/;

/**
 * A label ending in a month and year in brackets ("2 (02 2023)"): what /^(.*?)\s*\((\d{1,2})[\s/.-]+(\d{4})\)$/
 * matched, read in linear time (that pattern was quadratic on a long run of spaces); null where it did not match.
 */
export function monthDatedLabel(label: string): { v: string; mm: string; yyyy: string } | null {
  const close = label.length - 1;
  if (label[close] !== ')') return null;
  let year = close;
  while (year > 0 && DIGIT.test(label[year - 1])) year--;
  if (close - year !== 4) return null;
  let separator = year;
  while (separator > 0 && DATE_SEPARATOR.test(label[separator - 1])) separator--;
  let month = separator;
  while (month > 0 && DIGIT.test(label[month - 1])) month--;
  if (separator === year || separator - month < 1 || separator - month > 2 || label[month - 1] !== '(') return null;
  let end = month - 1;
  while (end > 0 && SPACE.test(label[end - 1])) end--;
  if (/[\n\r\u2028\u2029]/.test(label.slice(0, end))) return null;
  return { v: label.slice(0, end), mm: label.slice(month, separator), yyyy: label.slice(year, close) };
}
