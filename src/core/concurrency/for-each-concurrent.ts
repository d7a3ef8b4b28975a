/**
 * Runs `work` over `items` with at most `limit` calls in flight; resolves when all have settled.
 * `work` must not throw (callers classify failures into results); if it does, the error is rethrown
 * after the other items finished.
 */
export async function forEachConcurrent<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  let firstError: unknown
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]
      try {
        await work(item)
      } catch (err) {
        firstError ??= err
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  if (firstError !== undefined) throw firstError
}
