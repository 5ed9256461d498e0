declare module 'wink-porter2-stemmer' {
  /** Porter2 (English) stemmer. */
  function stem(word: string): string;
  export = stem;
}
