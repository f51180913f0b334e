/**
 * One measurement in a process of its own (forked by scripts/bench.ts): fresh module instances (the baseline sees
 * plain jsonld.js), its own heap, and its own peak RSS. Receives a job over IPC and answers with its figures.
 */
import crypto from 'node:crypto';
import type { SqliteDatabase } from '../../src/db/client.js';
import { loadConfig } from '../../src/config.js';
import { createBareLibrary, type BareKey, type DidDocuments } from './bareLibrary.js';
import { sampleCredential, type Format } from './fixture.js';
import { peakRssMb, runFor, type Figures } from './measure.js';

export type Job =
  | { kind: 'bare'; op: 'issue' | 'verify'; format: Format; key: BareKey; didDocuments: DidDocuments; durationMs: number; warmupMs: number }
  | { kind: 'service'; op: 'issue' | 'verify' | 'verifyProof'; format: Format; env: Record<string, string>; orgSlug: string; durationMs: number; warmupMs: number }
  | { kind: 'statusList'; env: Record<string, string>; orgSlug: string; entries: number; durationMs: number; warmupMs: number }
  | { kind: 'rawEd25519'; key: BareKey; durationMs: number; warmupMs: number };

export type JobResult = Figures & { extra?: Record<string, number> };

async function bare(job: Extract<Job, { kind: 'bare' }>): Promise<JobResult> {
  const library = await createBareLibrary(job.key, job.didDocuments);
  const credential = (): Record<string, unknown> => ({
    ...sampleCredential(), id: `urn:uuid:${crypto.randomUUID()}`, issuer: job.key.did, validFrom: new Date().toISOString().slice(0, 19) + 'Z',
    credentialStatus: {
      id: 'http://localhost/status/bench#7', type: 'BitstringStatusListEntry', statusPurpose: 'revocation',
      statusListIndex: '7', statusListCredential: 'http://localhost/status/bench',
    },
  });
  if (job.op === 'issue') return runFor(job.durationMs, () => library.issue(job.format, credential()), { warmupMs: job.warmupMs });
  const signed = await library.issue(job.format, credential());
  const extra = { signedBytes: typeof signed === 'string' ? signed.length : JSON.stringify(signed).length };
  const figures = await runFor(job.durationMs, async () => {
    if (!(await library.verify(job.format, signed))) throw new Error('baseline verification failed');
  }, { warmupMs: job.warmupMs });
  return { ...figures, extra };
}

/**
 * The physical limit of any verification path: node:crypto `verify` of one Ed25519 signature, in a loop over the same
 * bytes (the sample credential's JWS signing input) with the same key object, nothing else.
 */
async function rawEd25519(job: Extract<Job, { kind: 'rawEd25519' }>): Promise<JobResult> {
  const privateKey = crypto.createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(job.key.seed, 'base64url')]), format: 'der', type: 'pkcs8' });
  const publicKey = crypto.createPublicKey(privateKey);
  const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'vc+jwt', kid: job.key.vmId })).toString('base64url');
  const data = Buffer.from(`${header}.${Buffer.from(JSON.stringify(sampleCredential())).toString('base64url')}`);
  const signature = crypto.sign(null, data, privateKey);
  return runFor(job.durationMs, async () => {
    if (!crypto.verify(null, data, publicKey, signature)) throw new Error('raw Ed25519 verification failed');
  }, { warmupMs: job.warmupMs });
}

async function serviceContext(env: Record<string, string>, orgSlug: string) {
  const { createServices } = await import('../../src/services.js');
  const services = await createServices(loadConfig(env));
  const organisation = await services.repos.organisations.bySlug(orgSlug);
  if (!organisation) throw new Error(`no organisation ${orgSlug}`);
  return { services, organisation };
}

async function service(job: Extract<Job, { kind: 'service' }>): Promise<JobResult> {
  const { issueCredential } = await import('../../src/credentials/issue.js');
  const { verifyCredential } = await import('../../src/credentials/verify.js');
  const { services, organisation } = await serviceContext(job.env, job.orgSlug);
  const issue = () => issueCredential(services.issueDeps, { organisation, credential: sampleCredential(), options: { format: job.format, issuer: 'organisation' } });
  if (job.op === 'issue') return runFor(job.durationMs, issue, { warmupMs: job.warmupMs });
  const issued = await issue();
  const input = issued.jwt ?? issued.verifiableCredential;
  if (job.op === 'verifyProof') {
    // The proof check alone (src/credentials/vcLibrary.ts), without the service's issuer, date and status checks.
    const { verifyCredentialProof } = await import('../../src/credentials/vcLibrary.js');
    return runFor(job.durationMs, async () => {
      if (typeof issued.verifiableCredential === 'string' || !(await verifyCredentialProof(issued.verifiableCredential, services.documentLoader)).verified) throw new Error('proof check failed');
    }, { warmupMs: job.warmupMs });
  }
  const figures = await runFor(job.durationMs, async () => {
    const result = await verifyCredential(services.verifyDeps, input);
    if (!result.verified) throw new Error(`service verification failed: ${JSON.stringify(result.checks)}`);
  }, { warmupMs: job.warmupMs });
  // Documents canonicalised from compiled contexts, and those left to jsonld.js; JCS proofs the fast path verified,
  // and those left to the library: on this thread (small credentials are checked here; the pool's workers count their own).
  const { compiledRdfStats } = await import('../../src/credentials/compiledRdf.js');
  const { jcsFastPathStats } = await import('../../src/credentials/jcsProof.js');
  const stats = compiledRdfStats();
  const jcs = jcsFastPathStats();
  return { ...figures, extra: { compiledRdf: stats.compiled, compiledRdfFallbacks: stats.fallbacks, jcsFastPath: jcs.verified, jcsLeftToLibrary: jcs.leftToLibrary } };
}

/**
 * A status list with `entries` issued entries (1% revoked), written straight into SQLite, then a credential issued
 * into it by the service and verified in a loop. Counts how often the list is fetched and decoded.
 */
async function statusList(job: Extract<Job, { kind: 'statusList' }>): Promise<JobResult> {
  const { issueCredential } = await import('../../src/credentials/issue.js');
  const { verifyCredential } = await import('../../src/credentials/verify.js');
  const { STATUS_LIST_FILL_LIMIT } = await import('../../src/credentials/statusLists.js');
  const { services, organisation } = await serviceContext(job.env, job.orgSlug);
  // Bulk-written straight into the SQLite file: the bench runs on the embedded database.
  const { sqlite } = services.database as SqliteDatabase;
  // Large enough that the entries leave it open for one more (under its fill limit): 2,097,152 for 1,000,000 entries.
  const size = Math.max(131_072, 2 ** Math.ceil(Math.log2((job.entries + 1024) / STATUS_LIST_FILL_LIMIT)));
  const listId = crypto.randomUUID();
  const now = new Date().toISOString();
  const setupStart = performance.now();
  sqlite.transaction(() => {
    // Created far in the past so the service picks it first for this organisation's revocation entries.
    sqlite.prepare('insert into status_lists (id, organisation_id, purpose, size, allocated, version, created_at) values (?, ?, ?, ?, ?, 0, ?)')
      .run(listId, organisation.id, 'revocation', size, job.entries, '2000-01-01T00:00:00.000Z');
    const credential = sqlite.prepare('insert into credentials (id, organisation_id, types, subject_id, format, sha256, issued_at) values (?, ?, ?, null, ?, ?, ?)');
    const entry = sqlite.prepare('insert into status_entries (list_id, status_index, credential_id, purpose, is_set, updated_at) values (?, ?, ?, ?, ?, ?)');
    const types = JSON.stringify(['VerifiableCredential', 'OpenBadgeCredential']);
    for (let i = 0; i < job.entries; i++) {
      const id = `urn:bench:${listId}:${i}`;
      credential.run(id, organisation.id, types, 'eddsa-rdfc-2022', '0', now);
      entry.run(listId, i, id, 'revocation', i % 100 === 0 ? 1 : 0, now);
    }
  })();
  const setupMs = performance.now() - setupStart;
  const issued = await issueCredential(services.issueDeps, { organisation, credential: sampleCredential(), options: { format: 'eddsa-rdfc-2022', issuer: 'organisation' } });
  const entry = (issued.verifiableCredential as Record<string, unknown>).credentialStatus as { statusListCredential: string };
  if (!entry.statusListCredential.endsWith(listId)) throw new Error('the benchmark credential did not land in the large list');
  let fetches = 0;
  const signedList = services.statusLists.signedList.bind(services.statusLists);
  services.statusLists.signedList = (id: string) => { fetches++; return signedList(id); };
  const coldStart = performance.now();
  const first = await verifyCredential(services.verifyDeps, issued.verifiableCredential);
  const coldMs = performance.now() - coldStart;
  if (!first.verified) throw new Error(`status-list verification failed: ${JSON.stringify(first.checks)}`);
  const figures = await runFor(job.durationMs, async () => {
    const result = await verifyCredential(services.verifyDeps, issued.verifiableCredential);
    if (!result.verified) throw new Error('status-list verification failed');
  }, { warmupMs: job.warmupMs });
  return { ...figures, extra: { entries: job.entries, listBits: size, setupMs, coldFirstVerifyMs: coldMs, listFetchesAndDecodes: fetches, verifications: figures.ops + 1 } };
}

process.on('message', async (job: Job) => {
  try {
    let result: JobResult;
    if (job.kind === 'bare') result = await bare(job);
    else if (job.kind === 'service') result = await service(job);
    else if (job.kind === 'rawEd25519') result = await rawEd25519(job);
    else result = await statusList(job);
    process.send!({ ok: true, result: { ...result, peakRssMb: result.peakRssMb ?? peakRssMb() } }, () => process.exit(0));
  } catch (error) {
    process.send!({ ok: false, error: (error as Error).stack ?? String(error) }, () => process.exit(1));
  }
});
