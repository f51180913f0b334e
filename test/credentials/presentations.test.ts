import crypto from 'node:crypto';
import t from 'tap';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { buildTestApp, openBadgeCredential } from '../helpers/app.js';
import { createPresentation, signPresentation } from '../../src/credentials/vcLibrary.js';

t.test('a holder-signed presentation verifies with its challenge and domain, and every credential in it', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const vc = (await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: openBadgeCredential(), options: { issuer: 'organisation' } } })).json().verifiableCredential;
  const holderKey = await Ed25519Multikey.generate();
  const holder = `did:key:${holderKey.publicKeyMultibase}`;
  holderKey.id = `${holder}#${holderKey.publicKeyMultibase}`;
  holderKey.controller = holder;
  const presentation = createPresentation([vc], holder, `urn:uuid:${crypto.randomUUID()}`);
  const signed = await signPresentation({
    presentation, keyPair: holderKey, documentLoader: ctx.services.documentLoader, challenge: 'job-4711', domain: 'hr.example.es', now: new Date(),
  });
  const ok = await ctx.app.inject({ method: 'POST', url: '/presentations/verify', payload: { verifiablePresentation: signed, options: { challenge: 'job-4711', domain: 'hr.example.es' } } });
  t.equal(ok.statusCode, 200, 'ok status', { body: ok.body });
  t.equal(ok.json().verified, true);
  t.equal(ok.json().credentialResults.length, 1);
  t.equal(ok.json().credentialResults[0].verified, true);

  const replay = await ctx.app.inject({ method: 'POST', url: '/presentations/verify', payload: { verifiablePresentation: signed, options: { challenge: 'another-job', domain: 'hr.example.es' } } });
  t.equal(replay.statusCode, 400);
  t.equal(replay.json().checks[0].id, 'presentation');
  t.equal(replay.json().checks[0].valid, false);

  const unsigned = await ctx.app.inject({ method: 'POST', url: '/presentations/verify', payload: { verifiablePresentation: presentation } });
  t.equal(unsigned.statusCode, 400);
  t.match(unsigned.json().checks[0].message, /not signed/);
  const noChallenge = await ctx.app.inject({ method: 'POST', url: '/presentations/verify', payload: { verifiablePresentation: signed } });
  t.equal(noChallenge.statusCode, 400);
  t.match(noChallenge.json().checks[0].message, /challenge is required/);
});
