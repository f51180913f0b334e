import t from 'tap';
import type { Accreditation } from '../../src/db/repositories/accreditations.js';
import { evaluateTrust, keptAccreditations, nameIn, trustOfVerification } from '../../src/trust/trustCheck.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

// The trust answer word for word, from accreditations written straight into the repository: what an employer reads.

type Json = Record<string, any>;
const ISSUER = 'did:web:formation.example:ofppt-casa';
const AGENCY = 'did:web:agency.example:incual';
const ISSUED = '2026-03-10T09:00:00.000Z';

function accreditation(overrides: Partial<Accreditation>): Accreditation {
  return {
    id: 'urn:example:accreditation-1', authorityDid: AGENCY, authorityName: { en: 'INCUAL (Spain)', es: 'INCUAL' }, authorityOrganisationId: null,
    issuerDid: ISSUER, issuerName: null, scopeType: 'level', scopeValue: 'eqf:3',
    validFrom: '2026-01-01T00:00:00.000Z', validUntil: '2027-01-01T00:00:00.000Z', withdrawnAt: null, withdrawalReason: null,
    origin: 'local', createdAt: '2026-01-01T00:00:00.000Z', ...overrides,
  };
}

/** A credential claiming EQF level 3 and ISCO-08 7112 through its achievement's alignments. */
function credential(overrides: Json = {}): Json {
  return {
    issuer: { id: ISSUER }, validFrom: ISSUED,
    credentialSubject: {
      achievement: {
        alignment: [
          { targetFramework: 'EQF', targetCode: '3', targetUrl: 'http://data.europa.eu/esco/eqf/3' },
          { targetFramework: 'ISCO-08', targetCode: '7112', targetUrl: 'http://data.europa.eu/esco/isco/C7112' },
        ],
      },
    },
    ...overrides,
  };
}

async function answerFor(ctx: TestApp, held: Accreditation[], input: { credential?: Json; signatureValid?: boolean; lang?: string; now?: string }) {
  for (const a of held) await ctx.services.repos.accreditations.insert(a);
  return evaluateTrust({ accreditations: ctx.services.repos.accreditations }, {
    credential: input.credential, signatureValid: input.signatureValid ?? true, now: new Date(input.now ?? '2026-11-30T12:00:00.000Z'), lang: input.lang,
  });
}

t.test('no answer without an established issuer: a failed signature, no credential, an issuer that is not a DID', async (t) => {
  const ctx = await buildTestApp(t);
  const notEvaluated = 'Not evaluated: the signature or the issuer\'s key does not verify, so who issued this credential is not established';
  t.same(await answerFor(ctx, [accreditation({})], { credential: credential(), signatureValid: false }),
    { id: 'trust', valid: false, message: notEvaluated, issuer: ISSUER, accreditations: [] });
  t.same(await answerFor(ctx, [], { credential: undefined }), { id: 'trust', valid: false, message: notEvaluated, issuer: null, accreditations: [] });
  const notADid = 'Not accredited: the issuer is not named by a DID';
  t.same(await answerFor(ctx, [], { credential: credential({ issuer: 'https://formation.example' }) }),
    { id: 'trust', valid: false, message: notADid, issuer: null, accreditations: [] });
  t.same(await answerFor(ctx, [], { credential: credential({ issuer: { id: 42 } }) }),
    { id: 'trust', valid: false, message: notADid, issuer: null, accreditations: [] });
  t.same(await answerFor(ctx, [], { credential: credential({ issuer: 'did:web:unknown.example' }) }), {
    id: 'trust', valid: false, issuer: 'did:web:unknown.example', accreditations: [],
    message: 'Not accredited: no recognition authority known to this service accredits did:web:unknown.example',
  }, 'an issuer given as a string');
});

t.test('an accreditation in force when the credential was issued: who vouches, for what, until when, from which list', async (t) => {
  const ctx = await buildTestApp(t);
  const local = accreditation({});
  const imported = accreditation({
    id: 'urn:example:accreditation-2', scopeType: 'occupation', scopeValue: '711', authorityName: { fr: 'ANAPEC' }, authorityDid: 'did:web:anapec.example',
    withdrawnAt: '2026-06-01T00:00:00.000Z', withdrawalReason: 'closed', origin: 'list:urn:example:national-list',
  });
  const answer = await answerFor(ctx, [local, imported], { credential: credential() });
  t.equal(answer.valid, true);
  t.equal(answer.message, `Issuer accredited by INCUAL (Spain) (${AGENCY}) for EQF level 3 until 2027-01-01; `
    + 'accredited by ANAPEC (did:web:anapec.example) for ISCO-08 711 (Building frame and related trades workers) until 2027-01-01, '
    + 'withdrawn on 2026-06-01 after this credential was issued (trusted-issuer list urn:example:national-list)');
  t.same(answer.accreditations, [
    {
      id: local.id, authority: { id: AGENCY, name: local.authorityName }, scope: { type: 'level', value: 'eqf:3', label: 'EQF level 3' },
      validFrom: local.validFrom, validUntil: local.validUntil, withdrawnAt: null, source: 'local',
    },
    {
      id: imported.id, authority: { id: 'did:web:anapec.example', name: { fr: 'ANAPEC' } },
      scope: { type: 'occupation', value: '711', label: 'ISCO-08 711 (Building frame and related trades workers)' },
      validFrom: imported.validFrom, validUntil: imported.validUntil, withdrawnAt: '2026-06-01T00:00:00.000Z', source: 'urn:example:national-list',
    },
  ]);
  const inSpanish = await evaluateTrust({ accreditations: ctx.services.repos.accreditations }, { credential: credential(), signatureValid: true, now: new Date(), lang: 'es' });
  t.match(inSpanish.message, /^Issuer accredited by INCUAL \(did:web:agency\.example:incual\) for EQF level 3 until 2027-01-01; accredited by ANAPEC .* for ISCO-08 711 \(Oficiales y operarios/);
});

t.test('judged at issuance: the first instant of the period counts, its end and a withdrawal do not', async (t) => {
  const ctx = await buildTestApp(t);
  await ctx.services.repos.accreditations.insert(accreditation({ validFrom: ISSUED }));
  const at = (validFrom: unknown, extra: Json = {}) => evaluateTrust({ accreditations: ctx.services.repos.accreditations }, {
    credential: credential({ validFrom, ...extra }), signatureValid: true, now: new Date('2026-11-30T12:00:00.000Z'),
  });
  t.equal((await at(ISSUED)).valid, true, 'issued at the first instant of the accreditation');
  const before = await at('2026-03-10T08:59:59.000Z');
  t.same({ valid: before.valid, message: before.message, accreditations: before.accreditations }, {
    valid: false, accreditations: [],
    message: `Not accredited when this credential was issued (2026-03-10): INCUAL (Spain) (${AGENCY}) accredited it for EQF level 3 from 2026-03-10 until 2027-01-01`,
  });
  t.equal((await at('2027-01-01T00:00:00.000Z')).valid, false, 'issued at the instant the accreditation ends');
  t.equal((await at(undefined, { issuanceDate: '2026-05-01T00:00:00Z' })).valid, true, 'a VC 1.1 credential is judged at its issuanceDate');
  t.equal((await at(undefined)).valid, true, 'without a date, at verification time');
  t.equal((await at('not a date')).valid, true, 'an unreadable date, at verification time');
  const late = await at(undefined, { issuanceDate: '2028-05-01T00:00:00Z' });
  t.match(late.message, /^Not accredited when this credential was issued \(2028-05-01\)/);
});

t.test('a withdrawal ends the accreditation at that date, unless it came after the period\'s end', async (t) => {
  const ctx = await buildTestApp(t);
  await ctx.services.repos.accreditations.insert(accreditation({ withdrawnAt: '2026-03-01T00:00:00.000Z', withdrawalReason: 'closed' }));
  await ctx.services.repos.accreditations.insert(accreditation({
    id: 'urn:example:accreditation-late-withdrawal', authorityDid: 'did:web:other.example', scopeType: 'framework', scopeValue: 'eqf',
    validUntil: '2026-08-01T00:00:00.000Z', withdrawnAt: '2026-10-01T00:00:00.000Z',
  }));
  const trust = (validFrom: string) => evaluateTrust({ accreditations: ctx.services.repos.accreditations }, {
    credential: credential({ validFrom }), signatureValid: true, now: new Date('2026-11-30T12:00:00.000Z'),
  });
  const afterWithdrawal = await trust('2026-04-01T00:00:00.000Z');
  t.same(afterWithdrawal.accreditations.map((a) => a.id), ['urn:example:accreditation-late-withdrawal'], 'only the one not yet withdrawn');
  const afterBoth = await trust('2026-09-01T00:00:00.000Z');
  t.equal(afterBoth.message, 'Not accredited when this credential was issued (2026-09-01): '
    + `INCUAL (Spain) (${AGENCY}) accredited it for EQF level 3 from 2026-01-01, withdrawn on 2026-03-01; `
    + 'INCUAL (Spain) (did:web:other.example) accredited it for every level of EQF from 2026-01-01, withdrawn on 2026-10-01', 'ended by its period, not its later withdrawal');
});

t.test('out of scope: what the credential claims against what the issuer is accredited for, each scope once', async (t) => {
  const ctx = await buildTestApp(t);
  await ctx.services.repos.accreditations.insert(accreditation({ scopeValue: 'ma-cnc:5' }));
  await ctx.services.repos.accreditations.insert(accreditation({ id: 'urn:example:renewed', scopeValue: 'ma-cnc:5', validFrom: '2027-01-01T00:00:00.000Z', validUntil: '2028-01-01T00:00:00.000Z' }));
  const claiming = await evaluateTrust({ accreditations: ctx.services.repos.accreditations }, { credential: credential(), signatureValid: true, now: new Date() });
  t.same({ valid: claiming.valid, message: claiming.message }, {
    valid: false, message: `Not accredited for what this credential claims (EQF level 3, ISCO-08 7112): ${ISSUER} is accredited for CNC level 5 (by INCUAL (Spain))`,
  });
  const claimingNothing = await evaluateTrust({ accreditations: ctx.services.repos.accreditations }, {
    credential: credential({ credentialSubject: { achievement: { name: 'Maçonnerie' } } }), signatureValid: true, now: new Date(),
  });
  t.equal(claimingNothing.message, `Not accredited for what this credential claims (no framework level or occupation): ${ISSUER} is accredited for CNC level 5 (by INCUAL (Spain))`);
});

t.test('an authority\'s name in the reader\'s language, else English, else French, else any', async (t) => {
  t.equal(nameIn({ en: 'INCUAL (Spain)', es: 'INCUAL' }, 'es'), 'INCUAL');
  t.equal(nameIn({ en: 'INCUAL (Spain)', es: 'INCUAL' }, 'fr'), 'INCUAL (Spain)');
  t.equal(nameIn({ fr: 'ANAPEC', ar: 'أنابيك' }, 'es'), 'ANAPEC');
  t.equal(nameIn({ ar: 'أنابيك' }), 'أنابيك');
  t.equal(nameIn({}), '');
});

t.test('trust is evaluated only when both the proof and the issuer\'s key check out', async (t) => {
  const ctx = await buildTestApp(t);
  await ctx.services.repos.accreditations.insert(accreditation({}));
  const deps = { accreditations: ctx.services.repos.accreditations, now: () => new Date('2026-11-30T12:00:00.000Z') };
  const withChecks = (checks: Array<{ id: string; valid: boolean }>) => trustOfVerification(deps, { checks, credential: credential() }).then((answer) => answer.valid);
  t.same({
    both: await withChecks([{ id: 'proof', valid: true }, { id: 'issuer', valid: true }, { id: 'status', valid: false }]),
    badProof: await withChecks([{ id: 'proof', valid: false }, { id: 'issuer', valid: true }]),
    badIssuerKey: await withChecks([{ id: 'proof', valid: true }, { id: 'issuer', valid: false }]),
    noIssuerCheck: await withChecks([{ id: 'proof', valid: true }]),
  }, { both: true, badProof: false, badIssuerKey: false, noIssuerCheck: false });
  const inFrench = await trustOfVerification(deps, { checks: [{ id: 'proof', valid: true }, { id: 'issuer', valid: true }], credential: credential() }, 'fr');
  t.equal(inFrench.accreditations[0]?.scope.label, 'EQF level 3');
});

t.test('the trust answer keeps an issuer\'s accreditations while nothing is committed, and sees a new one at once', async (t) => {
  const ctx = await buildTestApp(t);
  const { services } = ctx;
  let reads = 0;
  const repository = services.repos.accreditations;
  const counted = { ofIssuer: (issuerDid: string) => { reads++; return repository.ofIssuer(issuerDid); } };
  const kept = keptAccreditations(counted, () => services.database.changeStamp());
  const answer = () => evaluateTrust({ accreditations: kept }, { credential: credential(), signatureValid: true, now: new Date('2026-11-30T12:00:00.000Z') });
  t.equal((await answer()).valid, false, 'not accredited yet');
  t.equal((await answer()).valid, false, 'still not');
  // SQLite: nothing committed between the two answers, one read; PostgreSQL has no stamp, a read each time.
  t.equal(reads, services.database.dialect === 'sqlite' ? 1 : 2, 'read again only without a stamp');
  await repository.insert(accreditation({}));
  t.equal((await answer()).valid, true, 'the accreditation just granted is seen by the next answer');
});
