/**
 * Runs `work` on every item, at most `limit` at a time (at least one), in order of start; resolves
 * once all are done, or rejects with the first failure (the rest still started finish).
 */
export async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
