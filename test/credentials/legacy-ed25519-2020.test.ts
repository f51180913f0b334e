import t from 'tap';
import * as vc from '@digitalbazaar/vc';
import { Ed25519Signature2020 } from '@digitalbazaar/ed25519-signature-2020';
import { Ed25519VerificationKey2020 } from '@digitalbazaar/ed25519-verification-key-2020';
import { buildTestApp } from '../helpers/app.js';

t.test('an older credential signed with Ed25519Signature2020 by a did:key issuer verifies, and fails when changed', async (t) => {
  const ctx = await buildTestApp(t);
  const key = await Ed25519VerificationKey2020.generate();
  const did = `did:key:${key.fingerprint()}`;
  key.controller = did;
  key.id = `${did}#${key.fingerprint()}`;
  const credential = {
    '@context': ['https://www.w3.org/2018/credentials/v1', 'https://w3id.org/security/suites/ed25519-2020/v1', 'https://www.w3.org/ns/credentials/examples/v2'],
    id: 'urn:uuid:5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a',
    type: ['VerifiableCredential'],
    issuer: did,
    issuanceDate: '2021-06-01T00:00:00Z',
    credentialSubject: { id: 'did:example:worker-9', skill: 'Tiling' },
  };
  const signed = await vc.issue({ credential, suite: new Ed25519Signature2020({ key }), documentLoader: ctx.services.documentLoader });
  t.equal(signed.proof.type, 'Ed25519Signature2020');
  const ok = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: signed } });
  t.equal(ok.statusCode, 200, 'ok status', { body: ok.body });
  t.equal(ok.json().verified, true);
  const changed = structuredClone(signed);
  changed.credentialSubject.skill = 'Roofing';
  const bad = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: changed } });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().checks.find((c: { id: string }) => c.id === 'proof').valid, false);
});
