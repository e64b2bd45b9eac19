/** Quotes a word for POSIX shells: single quotes, a single quote inside written as `'\''`. */
export function shQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
