/**
 * Whether a policy's sentence binds staff or only advises them. "Don't post this: as it stands it goes against your
 * school's policy" is true of "Staff must not post images of pupils" and not of "They are advised to consider whether
 * any photograph could cause offence. If in doubt, don't post it!": advice makes a draft a "think twice". Read from the
 * words of obligation and of advice, written from English usage, not from any school's policy.
 */

/** Words that make a sentence a rule whatever else it says. */
const BINDING = /\b(must|mustn't|shall not|should not|shouldn't|not permitted|not allowed|prohibited|forbidden|under no circumstances|never|strictly|are required|is required|will not be tolerated|is not acceptable|are not acceptable|unacceptable|may not|are not to|is not to)\b/i;

/** Words that make a sentence advice when nothing binding is said. */
const ADVISORY = /\b(advised|advise|advice|advisable|consider|considering|encouraged|encourage|recommended|recommend|if in doubt|be aware|be mindful|think carefully|good practice|it is wise|it would be wise|sensible)\b/i;

/** True when the sentence advises without binding: the draft is a "think twice", not a "don't post this". */
export function isAdviceOnly(sentence: string): boolean {
  const text = sentence.slice(0, 2_000);
  return ADVISORY.test(text) && !BINDING.test(text);
}
