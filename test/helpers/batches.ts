import type { TestApp } from './app.js';

type Json = Record<string, any>;

/**
 * Polls a batch until it completes; past the deadline it fails saying where the batch stood. `query` is added to the
 * batch URL (`?limit=0` leaves the rows out of a large batch).
 */
export async function waitForBatch(app: TestApp['app'], auth: Json, id: string, { query = '', timeoutMs = 150_000 } = {}): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batch = (await app.inject({ method: 'GET', url: `/batches/${id}${query}`, headers: auth })).json() as Json;
    if (batch.state === 'completed') return batch;
    if (Date.now() > deadline) throw new Error(`batch ${id} did not complete within ${timeoutMs / 1000} s: state ${batch.state}, counts ${JSON.stringify(batch.counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
