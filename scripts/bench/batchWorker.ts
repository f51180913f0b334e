/** One thread of a batch: the service's own issueCredential in a loop (the 'domain-loop' BatchIssuer). */
import { parentPort, workerData } from 'node:worker_threads';
import { loadConfig } from '../../src/config.js';
import { createServices } from '../../src/services.js';
import { issueCredential } from '../../src/credentials/issue.js';
import { sampleCredential } from './fixture.js';
import type { BatchIssuer, BatchJob } from './batch.js';

const job = workerData as BatchJob;

function domainLoop(): BatchIssuer {
  const services = createServices(loadConfig(job.env));
  const organisation = services.repos.organisations.bySlug(job.orgSlug);
  if (!organisation) throw new Error(`no organisation ${job.orgSlug}`);
  return {
    async issue(count) {
      const latencies: number[] = [];
      for (let i = 0; i < count; i++) {
        const t0 = performance.now();
        await issueCredential(services.issueDeps, { organisation, credential: sampleCredential(), options: { format: job.format } });
        latencies.push(performance.now() - t0);
      }
      return latencies;
    },
  };
}

try {
  const issuer = domainLoop();
  await issuer.issue(5); // load the key, warm the contexts
  parentPort!.postMessage({ type: 'ready' });
  parentPort!.once('message', async () => {
    try {
      parentPort!.postMessage({ type: 'done', value: await issuer.issue(job.count) });
    } catch (error) {
      parentPort!.postMessage({ type: 'error', error: (error as Error).stack });
    }
  });
} catch (error) {
  parentPort!.postMessage({ type: 'error', error: (error as Error).stack });
}
