/**
 * The words the learned model reads: lower case, possessives and apostrophes folded ("school's" -> "school",
 * "don't" -> "dont"), split on anything that is not a letter or digit. Training (research/scripts/exportTrainingData.ts)
 * and answering use this one function, so the model sees text the same way in both.
 */
export function modelTokens(text: string): string[] {
  return text.toLowerCase().replace(/[\u2018\u2019]/g, "'").replace(/'s\b/g, '').replace(/'/g, '').match(/[a-z0-9]+/g) ?? [];
}
