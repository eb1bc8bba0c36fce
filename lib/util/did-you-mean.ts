// lib/util/did-you-mean.ts
// The known name a misspelt one most likely meant (`accesTokenTTL` -> `accessTokenTTL`), for configuration errors.

/** Longer names are not compared: the cost stays bounded whatever an options object holds. */
const MAX_LENGTH = 64;

/** Case, `_` and `-` ignored: `access_token_ttl` and `AccessTokenTtl` both mean `accessTokenTTL`. */
const loose = (name: string): string => name.toLowerCase().replace(/[_-]/g, '');

/**
 * The name of `known` closest to `name`: the same but for case, `_` or `-`, else within 2 edits (Levenshtein) and
 * at most a third of the name changed (`nonces` -> `nonce`, but `ttl` is not `now`), else the one known name that
 * holds it whole (`prefix` -> `tablePrefix`, `body` -> `bodyBytes`). Undefined when none is that close.
 */
export function didYouMean(name: string, known: Iterable<string>): string | undefined {
  if (name.length > MAX_LENGTH) return undefined;
  const wanted = loose(name);
  const candidates = [...known].filter((candidate) => candidate.length <= MAX_LENGTH);
  let best: string | undefined;
  let bestDistance = Math.min(2, Math.ceil(wanted.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, loose(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined || wanted.length < 4) return best;
  const holding = candidates.filter((candidate) => loose(candidate).includes(wanted));
  return holding.length === 1 ? holding[0] : undefined;
}

/** Levenshtein distance: insertions, deletions and substitutions, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length];
}
