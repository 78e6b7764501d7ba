/** Deepest nesting any door takes in a request (REST body or query, JSON-RPC params). */
export const MAX_NESTING = 32;

/**
 * Whether a value holds an object or array deeper than `limit` (the root is depth 0). Iterative,
 * so the check itself cannot overflow the stack, whatever it is given.
 */
export function exceedsDepth(root: unknown, limit: number): boolean {
  if (root === null || typeof root !== 'object') return false;
  const stack: Array<[object, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [object, number];
    if (depth >= limit) return true;
    // Only containers are pushed: a large array of scalars costs no tuple per item.
    for (const child of Object.values(value) as unknown[]) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
