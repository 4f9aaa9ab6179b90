// Lookups in ascending arrays of positions (line starts, piece starts, block starts).

/** Index of the last of the ascending `starts` that is ≤ `value` (0 when none is). */
export function lastAtOrBefore(starts: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
