import t from 'tap';
import { buildTestApp, openBadgeCredential, type TestApp } from '../helpers/app.js';

type Json = Record<string, any>;

const issue = (ctx: TestApp, auth: Json, credential: unknown, options: Json = {}) =>
  ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential, options } });
async function verify(ctx: TestApp, verifiableCredential: unknown) {
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } });
  const body = response.json();
  return { status: response.statusCode, body, check: (id: string) => body.checks.find((c: Json) => c.id === id) };
}

t.test('co-signing adds a proof set entry, then a chained proof; all proofs must verify', async (t) => {
  const ctx = await buildTestApp(t);
  const centre = await ctx.issuer('centre');
  const accreditor = await ctx.issuer('accreditor');
  const ministry = await ctx.issuer('ministry');
  const signed = (await issue(ctx, centre.auth, openBadgeCredential(), { issuer: 'organisation' })).json().verifiableCredential;

  const coSigned = await issue(ctx, accreditor.auth, signed, { addProof: true });
  t.equal(coSigned.statusCode, 201, 'co-signed');
  const set = coSigned.json().verifiableCredential;
  t.equal(set.proof.length, 2, 'two proofs');
  t.same(set.proof[0], signed.proof, 'the issuer\'s proof unchanged');
  t.match(set.proof[1], { id: /^urn:uuid:/, verificationMethod: new RegExp(`^${accreditor.did}#`), proofPurpose: 'assertionMethod' }, 'the co-signer\'s proof');
  t.notOk('previousProof' in set.proof[1], 'the first proof has no id, so the second joins the set');
  const { proof: _p, ...rest } = set;
  const { proof: _q, ...original } = signed;
  t.same(rest, original, 'nothing else changed');
  const setResult = await verify(ctx, set);
  t.equal(setResult.status, 200, 'a proof set verifies');
  t.equal(setResult.check('proof').valid, true, 'both proofs');
  t.equal(setResult.check('issuer').valid, true, 'the issuer\'s key');

  const chained = (await issue(ctx, ministry.auth, set, { addProof: true })).json().verifiableCredential;
  t.equal(chained.proof.length, 3, 'three proofs');
  t.equal(chained.proof[2].previousProof, set.proof[1].id, 'the third proof chains to the second');
  const chainResult = await verify(ctx, chained);
  t.equal(chainResult.status, 200, 'a proof chain verifies');
  t.equal(chainResult.check('proof').valid, true, 'every proof');

  const failures: Array<[string, (c: Json) => void, RegExp]> = [
    ['a broken co-signature in a set', (c) => { c.proof[1].proofValue = set.proof[0].proofValue; }, /proof 1/],
    ['the previous proof changed under a chain', (c) => { c.proof[1].created = '2020-01-01T00:00:00Z'; }, /proof 2/],
    ['a previousProof that names no proof', (c) => { c.proof[2].previousProof = 'urn:uuid:00000000-0000-4000-8000-000000000000'; }, /names previousProof urn:uuid:0+-/],
    ['the credential changed', (c) => { c.name = 'Autre chose'; }, /proof 0/],
  ];
  for (const [what, change, message] of failures) {
    const copy = structuredClone(chained);
    change(copy);
    const result = await verify(ctx, copy);
    t.equal(result.status, 400, `${what}: 400`);
    t.equal(result.check('proof').valid, false, `${what}: the proof check fails`);
    t.match(result.check('proof').message, message, `${what}: names the proof`);
  }

  const onlyCoSigner = structuredClone(set);
  onlyCoSigner.proof = [set.proof[1], set.proof[1]];
  const noIssuerProof = await verify(ctx, onlyCoSigner);
  t.equal(noIssuerProof.check('issuer').valid, false, 'without a proof by the issuer: the issuer check fails');
});

t.test('co-signing is refused for a credential that is unsigned, whose proof fails, or as vc+jwt', async (t) => {
  const ctx = await buildTestApp(t);
  const centre = await ctx.issuer('centre');
  const accreditor = await ctx.issuer('accreditor');
  const signed = (await issue(ctx, centre.auth, openBadgeCredential(), { issuer: 'organisation' })).json().verifiableCredential;
  const tampered = { ...signed, name: 'Chef de chantier' };
  const cases: Array<[string, unknown, Json, string]> = [
    ['unsigned', openBadgeCredential({ issuer: centre.did }), { addProof: true }, 'nothing-to-co-sign'],
    ['a proof that fails', tampered, { addProof: true }, 'existing-proof-invalid'],
    ['as vc+jwt', signed, { addProof: true, format: 'vc+jwt' }, 'add-proof-needs-data-integrity'],
    ['a signed credential without addProof', signed, {}, 'already-signed'],
  ];
  for (const [what, credential, options, code] of cases) {
    const response = await issue(ctx, accreditor.auth, credential, options);
    t.equal(response.statusCode, 400, `${what}: 400`);
    t.equal(response.json().code, code, `${what}: ${code}`);
  }
});
