/**
 * "Did you mean" for names picked from a long published list (managed rules, filter fields).
 */
import { closest, distance } from "fastest-levenshtein";

/** The candidate nearest to `word` (case-insensitive), when it is near enough to be a typo. */
export function nearMiss(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const lower = word.toLowerCase();
  const byLower = new Map(candidates.map((c) => [c.toLowerCase(), c]));
  const best = closest(lower, [...byLower.keys()]);
  return distance(lower, best) <= Math.max(2, Math.floor(word.length / 4)) ? byLower.get(best) : undefined;
}
