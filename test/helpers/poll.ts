/**
 * Polls `probe` every `intervalMs` until it gives a value (a probe that throws counts as "not yet"); past the deadline
 * it fails naming what it waited for and, through `describe`, the last state seen.
 */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number,
  { describe = () => '', intervalMs = 200 }: { describe?: () => string; intervalMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
