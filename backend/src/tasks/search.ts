/** The words of a search: runs of letters and digits; everything else separates them. */
const wordPattern = /[\p{L}\p{N}]+/gu;

/** The most words a search matches on; more add cost and rarely help. */
export const maxSearchWords = 8;

export const hasSearchWord = (text: string): boolean => /[\p{L}\p{N}]/u.test(text);

/**
 * The tsquery for a search text: every word must appear, each as a prefix, so `run book`
 * finds "Write the runbook". Built from letters and digits only, so no tsquery syntax a
 * client types can reach PostgreSQL.
 */
export function searchQuery(text: string): string {
  const words = (text.toLowerCase().match(wordPattern) ?? []).slice(0, maxSearchWords);
  return words.map((word) => `${word}:*`).join(' & ');
}

/** The indexed expression (migration 0004) the list matches a search against. */
export const searchedText = `to_tsvector('simple', title || ' ' || description)`;
