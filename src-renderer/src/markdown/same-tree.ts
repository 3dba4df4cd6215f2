// Structural equality of two parsed trees, so an unchanged block of a streaming answer is not
// drawn again when the text grows after it.

/** Whether two parse results (or parts of them) hold the same data. */
export function sameTree(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) return false;
  if (Array.isArray(left)) {
    if (!Array.isArray(right) || left.length !== right.length) return false;
    return left.every((item, index) => sameTree(item, right[index]));
  }
  if (Array.isArray(right)) return false;
  const leftKeys = Object.keys(left);
  if (leftKeys.length !== Object.keys(right).length) return false;
  return leftKeys.every((key) => sameTree((left as Record<string, unknown>)[key], (right as Record<string, unknown>)[key]));
}
