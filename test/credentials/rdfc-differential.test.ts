/**
 * The compiled contexts (src/credentials/compiledRdf.ts) must give byte-identical canonical N-Quads to unmodified
 * jsonld.js + rdf-canonize. References come from a worker thread with its own, plain jsonld.js
 * (scripts/bench/plainWorker.ts). Three corpora: every kind of credential the service issues (signed and verified with
 * the in-process comparison switched on, then compared with the plain library part by part), the W3C vector and Open
 * Badges 3.0 examples, and generated variants (RDFC_VARIANTS, 1,000 by default; `npm run test:differential` runs
 * 10,000). Any difference fails.
 */
import fs from 'node:fs';
import fc from 'fast-check';
import t from 'tap';
import { buildTestApp, openBadgeCredential, plainCredential, BASE_URL, type TestApp } from '../helpers/app.js';
import { PlainLibrary } from '../helpers/plainLibrary.js';
import { credentialVariant } from '../helpers/rdfcVariants.js';
import { MASONRY_ACHIEVEMENT, cohort, toCsv } from '../fixtures/batches/cohort.js';
import { waitForBatch } from '../helpers/batches.js';
import { sampleCredential } from '../../scripts/bench/fixture.js';
import { AppError } from '../../src/errors.js';
import { compiledRdfStats } from '../../src/credentials/compiledRdf.js';
import { canonicalNQuads, compareCompiledRdfWithJsonld } from '../../src/credentials/vcLibrary.js';
import type { DocumentLoader } from '../../src/credentials/documentLoader.js';

type Json = Record<string, any>;

const VARIANTS = Number(process.env.RDFC_VARIANTS ?? 1_000);
/**
 * npm test and npm run test:differential (CI) draw the same variants every time, each with its own seed, so that CI
 * never fails on a draw nobody has seen; RDFC_SEED=random draws new ones to explore, and a failure prints its seed.
 * Random runs found the documents of FOUND_BY_RANDOM_RUNS below (issue 14's closing notes have them).
 */
const SEED = process.env.RDFC_SEED === 'random' ? undefined : Number(process.env.RDFC_SEED ?? 20_261_201);

/** Same outcome from both: identical N-Quads, or both refuse with the same message. Returns a difference, if any. */
async function difference(plain: PlainLibrary, document: Json, documentLoader: DocumentLoader): Promise<string | undefined> {
  const [fast, reference] = await Promise.allSettled([canonicalNQuads(document, documentLoader), plain.call<string>('canonize', document)]);
  if (reference.status === 'rejected') {
    if (fast.status === 'fulfilled') return `jsonld.js refuses (${reference.reason.message}) but the compiled path gives N-Quads`;
    // The service words rdf-canonize's work-factor refusal as its own 400 (vcLibrary.ts), with or without compiled contexts.
    const workFactor = fast.reason instanceof AppError && fast.reason.code === 'json-ld-limit-exceeded' && /maximum deep iterations/i.test(reference.reason.message);
    return workFactor || (fast.reason as Error).message === reference.reason.message ? undefined : `different errors: ${(fast.reason as Error).message} / ${reference.reason.message}`;
  }
  if (fast.status === 'rejected') return `the compiled path refuses (${(fast.reason as Error).message}) but jsonld.js gives N-Quads`;
  return fast.value === reference.value ? undefined : `N-Quads differ:\n${fast.value}\n---- jsonld.js ----\n${reference.value}`;
}

/** The document, and for a signed one the two parts eddsa-rdfc-2022 canonicalises: without proof, proof options. */
function partsOf(document: Json): Array<[string, Json]> {
  const { proof, ...unsigned } = document;
  if (!proof || Array.isArray(proof)) return [['whole', document]];
  return [['whole', document], ['without proof', unsigned], ['proof options', { ...proof, '@context': document['@context'] }]];
}

async function issue(ctx: TestApp, auth: Json, credential: Json, options: Json = {}): Promise<Json> {
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential, options: { format: 'eddsa-rdfc-2022', issuer: 'organisation', ...options } } });
  if (response.statusCode !== 201) throw new Error(response.body);
  return response.json().verifiableCredential as Json;
}

/** A recognition-of-prior-learning case taken to its credential (see test/assessment/validation.test.ts). */
async function validationCredential(ctx: TestApp): Promise<Json> {
  const body = await ctx.issuer('cfp-btp', { kind: 'assessment-body' });
  const post = async (url: string, payload: Json, status = 200) => {
    const response = await ctx.app.inject({ method: 'POST', url, headers: body.auth, payload });
    if (response.statusCode !== status) throw new Error(`${url}: ${response.body}`);
    return response.json() as Json;
  };
  await post(`/orgs/${body.slug}/achievements`, { ...MASONRY_ACHIEVEMENT, id: 'macon-ref' }, 201);
  const units = [{ id: 'UC1', name: 'Maçonnerie de briques', outcomes: [{ id: 'LO1', statement: 'Monte un mur de briques d\'aplomb' }] }];
  const opened = await post(`/orgs/${body.slug}/assessments`, { candidate: { name: 'Mamadou Diallo', did: 'did:example:mamadou' }, reference: { achievement: 'macon-ref' }, units }, 201);
  const url = (path: string) => `/orgs/${body.slug}/assessments/${opened.id}${path}`;
  await post(url('/stage'), { to: 'documentation', note: 'Identification interview.' });
  await post(url('/evidence'), {
    kind: 'employer-attestation', title: 'Attestation de travail', description: 'Employer certificate', attestedBy: 'BTP Agadir SARL',
    period: { from: '2018-03', to: '2023-10' }, hours: 8200, sha256: 'a'.repeat(64), outcomes: ['UC1'],
  }, 201);
  await post(url('/stage'), { to: 'assessment' });
  await post(url('/results'), { assessors: [{ name: 'Khadija Benali', role: 'assessor' }], results: [{ unit: 'UC1', outcome: 'LO1', method: 'observation', result: 'demonstrated', comment: 'Mur monté d\'aplomb' }] });
  await post(url('/decision'), { decision: 'full', rationale: 'Toutes les réalisations démontrées.' });
  return (await post(url('/certify'), {}, 201)).verifiableCredential as Json;
}

/** Open Badges 3.0 examples in the shape of the specification's (issuer profile, image, achievement, results). */
const OPEN_BADGES_EXAMPLES: Json[] = [
  {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    id: 'http://example.com/credentials/3527', type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: 'https://example.com/issuers/876543', type: ['Profile'], name: 'Example Corp' },
    validFrom: '2010-01-01T00:00:00Z', name: 'Teamwork Badge',
    credentialSubject: {
      id: 'did:example:ebfeb1f712ebc6f1c276e12ec21', type: ['AchievementSubject'],
      achievement: {
        id: 'https://example.com/achievements/21st-century-skills/teamwork', type: ['Achievement'],
        criteria: { narrative: 'Team members are nominated for this badge by their peers and recognized upon review by Example Corp management.' },
        description: 'This badge recognizes the development of the capacity to collaborate within a group environment.', name: 'Teamwork',
      },
    },
  },
  {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    id: 'urn:uuid:a63a60be-f4af-491c-87fc-2c8fd3007a58', type: ['VerifiableCredential', 'OpenBadgeCredential'], name: 'JFF x vc-edu PlugFest 2 Interoperability',
    issuer: { type: ['Profile'], id: 'did:key:z6MktiSzqF9kqwdU8VkdBKx56EYzXfpgnNPUAGznpicNiWfn', name: 'Jobs for the Future (JFF)', url: 'https://www.jff.org/', image: { id: 'https://w3c-ccg.github.io/vc-ed/plugfest-1-2022/images/JFF_LogoLockup.png', type: 'Image', caption: 'JFF logo' } },
    validFrom: '2022-11-15T00:00:00Z', validUntil: '2032-11-15T00:00:00Z',
    credentialSubject: {
      type: ['AchievementSubject'], id: 'did:example:holder',
      identifier: [{ type: 'IdentityObject', hashed: false, identityHash: 'jane@example.org', identityType: 'emailAddress' }],
      activityEndDate: '2022-11-10', creditsEarned: 2.5,
      achievement: {
        id: 'urn:uuid:bd6d9316-f7ae-4073-a1e5-2f7f5bd22922', type: ['Achievement'], achievementType: 'Certificate', creditsAvailable: 3,
        name: 'JFF x vc-edu PlugFest 2 Interoperability', description: 'This credential solution supports the use of OBv3 and w3c Verifiable Credentials.',
        criteria: { narrative: 'Solutions providers earned this badge by demonstrating interoperability between multiple providers.' },
        image: { id: 'https://w3c-ccg.github.io/vc-ed/plugfest-2-2022/images/JFF-VC-EDU-PLUGFEST2-badge-image.png', type: 'Image' },
        alignment: [{ type: ['Alignment'], targetName: 'Interoperability', targetUrl: 'https://example.org/interop', targetType: 'ceterms:Competency', targetFramework: 'Example' }],
        resultDescription: [{ id: 'urn:uuid:f6ab24cd-86e8-4eaf-b8c6-ded74e8fd41c', type: ['ResultDescription'], name: 'Final score', resultType: 'ScaledScore', allowedValue: ['A', 'B', 'C'], valueMin: '0', valueMax: '100' }],
        tag: ['interop', 'plugfest'],
      },
      result: [{ type: ['Result'], resultDescription: 'urn:uuid:f6ab24cd-86e8-4eaf-b8c6-ded74e8fd41c', value: '88' }],
    },
    evidence: [{ id: 'https://example.org/evidence/1', type: ['Evidence'], name: 'Portfolio', narrative: 'Demonstrated at the plugfest.', genre: 'Demonstration', audience: 'Employers' }],
  },
];

t.test('every kind of credential the service issues canonicalises identically to jsonld.js', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth, did, slug } = await ctx.issuer('ofppt-casa');
  const didDocument = (await ctx.app.inject({ method: 'GET', url: `/orgs/${slug}/did.json` })).json();
  const plain = new PlainLibrary({ didDocuments: { [did]: didDocument } });
  t.teardown(() => plain.close());
  const before = compiledRdfStats();
  const checked = compareCompiledRdfWithJsonld(true);
  t.teardown(() => { compareCompiledRdfWithJsonld(false); });

  const credentials: Array<[string, Json]> = [];
  await ctx.app.inject({ method: 'POST', url: `/orgs/${slug}/achievements`, headers: auth, payload: MASONRY_ACHIEVEMENT });
  credentials.push(['catalogue achievement with results', await issue(ctx, auth, {
    credentialSubject: { id: 'did:example:worker-7', result: [{ type: ['Result'], resultDescription: `${BASE_URL}/orgs/${slug}/achievements/macon-cnc3#result-practical`, achievedLevel: `${BASE_URL}/orgs/${slug}/achievements/macon-cnc3#result-practical-level-merit` }] },
  }, { achievement: 'macon-cnc3' })]);
  credentials.push(['Open Badge with alignments', await issue(ctx, auth, openBadgeCredential())]);
  credentials.push(['benchmark sample', await issue(ctx, auth, sampleCredential())]);
  credentials.push(['Open Badge with evidence', await issue(ctx, auth, openBadgeCredential({ evidence: [{ id: 'https://example.org/evidence/7', type: ['Evidence'], name: 'Chantier', narrative: 'Mur de 2 m' }] }))]);
  credentials.push(['plain credential', await issue(ctx, auth, plainCredential())]);
  credentials.push(['VC 1.1 credential', await issue(ctx, auth, plainCredential({ '@context': ['https://www.w3.org/2018/credentials/v1', 'https://www.w3.org/ns/credentials/examples/v2'] }))]);
  credentials.push(['validation credential', await validationCredential(ctx)]);

  const accepted = await ctx.app.inject({ method: 'POST', url: '/batches?achievement=macon-cnc3', headers: { ...auth, 'content-type': 'text/csv' }, payload: toCsv(cohort(3)) });
  t.equal(accepted.statusCode, 202, 'batch accepted');
  const batch = await waitForBatch(ctx.app, auth, accepted.json().id);
  t.equal(batch.counts.issued, 3, 'batch rows issued with the comparison on');

  const listUrl = new URL(credentials[1]![1].credentialStatus.statusListCredential as string);
  credentials.push(['status list credential', (await ctx.app.inject({ method: 'GET', url: listUrl.pathname })).json()]);

  for (const [name, credential] of credentials) {
    const verified = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: credential } });
    t.equal(verified.json().verified, true, `${name}: verifies`);
  }
  const after = compareCompiledRdfWithJsonld(true);
  t.equal(after.mismatches, checked.mismatches, 'no difference from jsonld.js while signing and verifying');
  t.ok(after.checked - checked.checked >= 3 * credentials.length, `compared in-process: ${after.checked - checked.checked} documents`);

  const documents: Array<[string, Json]> = [
    ...credentials,
    ['W3C eddsa-rdfc-2022 vector', JSON.parse(fs.readFileSync(new URL('../fixtures/w3c-eddsa-rdfc-2022-signed.json', import.meta.url), 'utf8'))],
    ...OPEN_BADGES_EXAMPLES.map((example, i): [string, Json] => [`Open Badges 3.0 example ${i + 1}`, example]),
  ];
  for (const [name, document] of documents) {
    for (const [part, variant] of partsOf(document)) {
      t.equal(await difference(plain, variant, ctx.services.documentLoader), undefined, `${name}, ${part}`);
    }
  }
  const stats = compiledRdfStats();
  t.ok(stats.compiled - before.compiled > 3 * credentials.length, `compiled path used (${stats.compiled - before.compiled} times; fallbacks ${JSON.stringify(stats.reasons)})`);
});

/** Documents a random run once found handled differently: kept here so that every run checks them. */
const FOUND_BY_RANDOM_RUNS: Array<[string, Json]> = [
  // 2026-12-01: `{"type": []}` expands to `{}`, an empty object in a @graph container (VC 1.1's proof): safe mode refuses it.
  ['empty @type array in the VC 1.1 proof graph', {
    '@context': ['https://www.w3.org/2018/credentials/v1', 'https://www.w3.org/ns/credentials/examples/v2'], type: 'Criteria',
    credentialSubject: { '@context': { name: 'https://schema.org/name' }, name: 'Aïcha' }, proof: { type: [] },
  }],
  ['empty @type array at the top', { '@context': ['https://www.w3.org/ns/credentials/v2'], type: [] }],
  ['empty @type array beside @id at the top', { '@context': ['https://www.w3.org/ns/credentials/v2'], id: 'urn:uuid:1', type: [] }],
  ['empty @type array in a property value', { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential'], credentialSubject: { type: [] } }],
];

t.test('documents random runs found canonicalise identically to jsonld.js', async (t) => {
  const ctx = await buildTestApp(t);
  const plain = new PlainLibrary({ didDocuments: {} });
  t.teardown(() => plain.close());
  for (const [name, document] of FOUND_BY_RANDOM_RUNS) t.equal(await difference(plain, document, ctx.services.documentLoader), undefined, name);
});

t.test(`${VARIANTS} generated variants canonicalise identically to jsonld.js`, async (t) => {
  const ctx = await buildTestApp(t);
  const plain = new PlainLibrary({ didDocuments: {} });
  t.teardown(() => plain.close());
  const before = compiledRdfStats();
  let failure: string | undefined;
  await fc.assert(fc.asyncProperty(credentialVariant, async (document) => {
    // Through JSON, as a document arrives: no shared objects, no undefined members.
    const variant = JSON.parse(JSON.stringify(document)) as Json;
    const found = await difference(plain, variant, ctx.services.documentLoader);
    if (found) failure = `${found}\ndocument: ${JSON.stringify(variant)}`;
    return found === undefined;
  }), { numRuns: VARIANTS, ...(SEED === undefined ? {} : { seed: SEED }) })
    // fast-check's first two lines: how many runs, and the seed that replays them (RDFC_SEED=<seed>).
    .catch((error: Error) => { failure = `${error.message.split('\n').slice(0, 2).join(' ')}\n${failure}`; });
  t.equal(failure, undefined, 'no difference');
  // A difference stops the run early, and the counts below would then say nothing.
  if (failure !== undefined) return;
  const stats = compiledRdfStats();
  const compiled = stats.compiled - before.compiled;
  const fallbacks = stats.fallbacks - before.fallbacks;
  t.ok(compiled >= VARIANTS / 2, `most variants take the compiled path (${compiled} compiled, ${fallbacks} fallbacks: ${JSON.stringify(stats.reasons)})`);
});
