import crypto from 'node:crypto';
import t from 'tap';
import { holderNamedIn, nameIdentity, nameMatches, withHolderName } from '../../src/credentials/holderIdentity.js';
import { buildTestApp, openBadgeCredential } from '../helpers/app.js';
import { problemOf } from '../helpers/problems.js';

t.test('a name in clear or hashed the Open Badges 3.0 way, and checked by typing it', async (t) => {
  t.same(nameIdentity('  Amina   El Idrissi '), { type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: 'Amina El Idrissi' });
  const hashed = nameIdentity('Aïcha Benali', 'hashed');
  t.equal(hashed.identityHash, `sha256$${crypto.createHash('sha256').update(`Aïcha Benali${hashed.salt}`).digest('hex')}`);
  const holder = holderNamedIn({ credentialSubject: { identifier: [hashed] } });
  if (holder.kind !== 'hashed-name') throw new Error('expected a hashed name');
  t.ok(nameMatches(holder, 'Aïcha Benali'));
  t.ok(nameMatches(holder, ' A\u0069\u0308cha  Benali '), 'the same name typed with a combining diaeresis and extra spaces');
  t.notOk(nameMatches(holder, 'Aicha Benali'));
  t.same(holderNamedIn({ credentialSubject: { identifier: [{ identityType: 'emailAddress', identityHash: 'sha256$00', hashed: true }] } }), { kind: 'nobody' });
  t.same(holderNamedIn({ credentialSubject: [{ identifier: [nameIdentity('Kofi Mensah')] }] }), { kind: 'name', name: 'Kofi Mensah' });
});

t.test('the holder\'s name goes into Open Badges credentials only, and never replaces one the issuer wrote', async (t) => {
  const badge = openBadgeCredential();
  const named = withHolderName(badge, 'Kofi Mensah', 'plain') as any;
  t.same(named.credentialSubject.identifier.map((i: any) => i.identityType), ['name', 'emailAddress']);
  t.equal(withHolderName(named, 'Someone Else', 'plain'), named, 'a name already there is kept');
  const plainVc = { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential'], credentialSubject: { id: 'did:example:1' } };
  t.equal(withHolderName(plainVc, 'Kofi Mensah', 'plain'), plainVc, 'no Open Badges context: left as it is');
});

t.test('whose name a credential gives: the first name identity of the first subject, hashed only with a salt that is text', async (t) => {
  const named = (identifier: unknown, subject: unknown = { identifier }) => holderNamedIn({ credentialSubject: subject });
  const name = { identityType: 'name', hashed: false, identityHash: 'Kofi Mensah' };
  t.same(named([{ identityType: 'name', identityHash: 5 }, 'Kofi', name]), { kind: 'name', name: 'Kofi Mensah' }, 'entries without a name skipped');
  t.same(named(name), { kind: 'name', name: 'Kofi Mensah' }, 'one identity, not in a list');
  t.same(named(undefined, ['did:example:1', { identifier: [name] }]), { kind: 'name', name: 'Kofi Mensah' }, 'the first subject that is an object');
  t.same(named([{ ...name, hashed: true, identityHash: 'sha256$ab', salt: 's1' }]), { kind: 'hashed-name', identityHash: 'sha256$ab', salt: 's1' }, 'hashed, salted');
  t.same(named([{ ...name, hashed: true, identityHash: 'sha256$ab' }]), { kind: 'hashed-name', identityHash: 'sha256$ab', salt: '' }, 'hashed without a salt');
  t.same(named([{ ...name, hashed: true, identityHash: 'sha256$ab', salt: 12 }]), { kind: 'nobody' }, 'a salt that is no text');
  t.same(named([{ ...name, hashed: 'true' }]), { kind: 'name', name: 'Kofi Mensah' }, 'hashed only when true');
  t.same(named(null), { kind: 'nobody' }, 'no identifier');
  t.same(holderNamedIn({}), { kind: 'nobody' }, 'no subject');
  const hashed = { kind: 'hashed-name' as const, identityHash: `SHA256$${crypto.createHash('sha256').update('Kofi Mensahpepper').digest('hex').toUpperCase()}`, salt: 'pepper' };
  t.ok(nameMatches(hashed, 'Kofi Mensah'), 'an upper-case digest matches');
  t.notOk(nameMatches({ ...hashed, identityHash: hashed.identityHash.slice(0, -1) }, 'Kofi Mensah'), 'a digest one digit short does not');
});

t.test('the holder\'s name is added only to one Open Badges subject that names nobody yet, before its other identifiers', async (t) => {
  const badge = openBadgeCredential() as any;
  const email = badge.credentialSubject.identifier;
  const withName = (credential: unknown, name: string | undefined) => withHolderName(credential, name, 'plain') as any;
  t.same(withName(badge, 'Kofi  Mensah').credentialSubject.identifier, [{ type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: 'Kofi Mensah' }, ...email], 'first, normalised');
  t.same(withName({ ...badge, credentialSubject: { ...badge.credentialSubject, identifier: email[0] } }, 'Kofi').credentialSubject.identifier.length, 2, 'one identifier, not in a list, kept');
  t.same(withName({ ...badge, '@context': badge['@context'].at(-1) }, 'Kofi').credentialSubject.identifier.length, email.length + 1, 'the Open Badges context alone');
  for (const [what, credential, name] of [
    ['no name', badge, ''], ['no name given', badge, undefined], ['not an object', 'credential', 'Kofi'], ['several subjects', { ...badge, credentialSubject: [badge.credentialSubject] }, 'Kofi'],
    ['no context', { ...badge, '@context': undefined }, 'Kofi'],
  ] as const) t.equal(withName(credential, name), credential, `${what}: left as it is`);
});

t.test('POST /credentials/issue with options.holder puts the name in the signed credential, which still verifies', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer('ofppt-casa');
  const issue = (holder: Record<string, unknown>) => ctx.app.inject({
    method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: openBadgeCredential(), options: { issuer: 'organisation', holder } },
  });
  const plain = (await issue({ name: 'Fatima Zahra El Idrissi', phone: '+212 612 345 678' })).json();
  t.match(plain.verifiableCredential.credentialSubject.identifier[0], { identityType: 'name', hashed: false, identityHash: 'Fatima Zahra El Idrissi' });
  const hashed = (await issue({ name: 'Fatima Zahra El Idrissi', phone: '+212 612 345 678', nameInCredential: 'hashed' })).json();
  t.match(hashed.verifiableCredential.credentialSubject.identifier[0], { identityType: 'name', hashed: true, salt: /^[0-9a-f]{24}$/ });
  for (const vc of [plain.verifiableCredential, hashed.verifiableCredential]) {
    const verified = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc } });
    t.equal(verified.json().verified, true, 'verifies');
  }
  const wrong = await issue({ name: 'X', phone: '+212 612 345 678', nameInCredential: 'initials' });
  t.same(problemOf(wrong), { status: 400, code: 'invalid-request' }, 'nameInCredential other than plain or hashed is refused');
  t.match(wrong.json().detail, /nameInCredential/, 'naming the option');
});
