/**
 * One eddsa-rdfc-2022 verification loop in a process of its own (forked by scripts/bench-rdfc.ts): the service's
 * verifyCredential as configured (small documents' proofs checked inline, see verifyPool.ts) or with every proof check
 * sent to a worker thread, or the proof check alone.
 * Answers with its figures and the compiled-context counts of this thread (the pool's workers count their own).
 */
import { loadConfig } from '../../src/config.js';
import { sampleCredential } from './fixture.js';
import { peakRssMb, runFor } from './measure.js';
import type { JobResult } from './runner.js';

export interface RdfcJob {
  mode: 'service' | 'pool' | 'proofOnly';
  env: Record<string, string>;
  orgSlug: string;
  durationMs: number;
  warmupMs: number;
}

async function measure(job: RdfcJob): Promise<JobResult> {
  const { createServices } = await import('../../src/services.js');
  const { issueCredential } = await import('../../src/credentials/issue.js');
  const { verifyCredential } = await import('../../src/credentials/verify.js');
  const { verifyCredentialProof } = await import('../../src/credentials/vcLibrary.js');
  const { VerifyPool } = await import('../../src/credentials/verifyPool.js');
  const { compiledRdfStats } = await import('../../src/credentials/compiledRdf.js');
  const services = await createServices(loadConfig(job.env));
  const organisation = await services.repos.organisations.bySlug(job.orgSlug);
  if (!organisation) throw new Error(`no organisation ${job.orgSlug}`);
  if (job.mode === 'pool') services.verifyDeps.proofs = new VerifyPool();
  const issued = await issueCredential(services.issueDeps, { organisation, credential: sampleCredential(), options: { format: 'eddsa-rdfc-2022', issuer: 'organisation' } });
  const credential = issued.verifiableCredential as Record<string, unknown>;
  const figures = await runFor(job.durationMs, job.mode === 'proofOnly'
    ? async () => {
      if (!(await verifyCredentialProof(credential, services.documentLoader)).verified) throw new Error('proof check failed');
    }
    : async () => {
      const result = await verifyCredential(services.verifyDeps, credential);
      if (!result.verified) throw new Error(`service verification failed: ${JSON.stringify(result.checks)}`);
    }, { warmupMs: job.warmupMs });
  const stats = compiledRdfStats();
  return { ...figures, extra: { compiledRdf: stats.compiled, compiledRdfFallbacks: stats.fallbacks } };
}

process.on('message', async (job: RdfcJob) => {
  try {
    const result = await measure(job);
    process.send!({ ok: true, result: { ...result, peakRssMb: peakRssMb() } }, () => process.exit(0));
  } catch (error) {
    process.send!({ ok: false, error: (error as Error).stack ?? String(error) }, () => process.exit(1));
  }
});
