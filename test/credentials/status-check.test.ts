/**
 * The status checker called directly (src/credentials/statusCheck.ts), over the service's own lists: each answer word
 * for word with its Bitstring Status List error type, for W3C status entries and for SD-JWT VC Token Status List claims.
 * Verification folds these answers into its `status` check; here each one is told apart.
 */
import t from 'tap';
import { BASE_URL, buildTestApp, plainCredential, type TestApp } from '../helpers/app.js';
import { setStatus as setStatusThrough } from '../helpers/wallet.js';

type Json = Record<string, any>;
const ELSEWHERE = 'https://status.example.org/lists/3';

async function setUp(t: Parameters<typeof buildTestApp>[0]) {
  const ctx = await buildTestApp(t);
  const { auth, did } = await ctx.issuer();
  const { did: otherDid } = await ctx.issuer('other-centre');
  const issue = async (options: Json) => {
    const response = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: plainCredential(), options: { issuer: 'organisation', ...options } } });
    if (response.statusCode !== 201) throw new Error(`issuance failed: ${response.statusCode}`);
    return response.json() as Json;
  };
  // Set (revoked or suspended) through POST /credentials/status, with the helper the wallet tests use.
  const setStatus = (credentialId: string, statusPurpose: string) => setStatusThrough(ctx, auth, credentialId, statusPurpose, true);
  return { ctx, auth, did, otherDid, issue, setStatus };
}

const checker = (ctx: TestApp) => ctx.services.statusChecker;

t.test('a Bitstring status entry: in force, revoked or suspended, and each reason it cannot be read', async (t) => {
  const { ctx, did, otherDid, issue, setStatus } = await setUp(t);
  const check = (entry: unknown, issuer = did) => checker(ctx).check(entry, issuer);
  const { verifiableCredential: vc } = await issue({ credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'suspension' } });
  const [revocation, suspension] = vc.credentialStatus as Json[];
  const url = revocation!.statusListCredential as string;
  t.same(await check(revocation), { valid: true, message: 'Not revoked' }, 'not revoked');
  t.same(await check(suspension), { valid: true, message: 'Not suspended' }, 'not suspended');
  await setStatus(vc.id, 'revocation');
  await setStatus(vc.id, 'suspension');
  t.same(await check(revocation), { valid: false, message: 'Revoked by its issuer' }, 'revoked');
  t.same(await check(suspension), { valid: false, message: 'Suspended by its issuer' }, 'suspended');
  t.same(await check({ ...revocation, statusListIndex: '131071' }), { valid: true, message: 'Not revoked' }, 'the last index of the list');
  t.same(await check({ ...revocation, statusListIndex: '0' }), { valid: true, message: 'Not revoked' }, 'the first index of the list');

  const malformed = 'credentialStatus needs statusListCredential (a URL) and statusListIndex (a non-negative integer as a string)';
  const cases: Array<[string, unknown, string, string, string?]> = [
    ['another issuer', revocation, `Status list ${url} was issued by ${did}, not by the credential's issuer`, 'STATUS_VERIFICATION_ERROR', otherDid],
    ['another purpose', { ...revocation, statusPurpose: 'suspension' }, `Status list ${url} is for revocation, but the entry says suspension`, 'STATUS_VERIFICATION_ERROR'],
    ['no purpose', { ...revocation, statusPurpose: undefined }, `Status list ${url} is for revocation, but the entry says undefined`, 'STATUS_VERIFICATION_ERROR'],
    ['an index past the list', { ...revocation, statusListIndex: '131072' }, `Index 131072 is outside status list ${url}`, 'STATUS_LIST_LENGTH_ERROR'],
    ['a list that does not exist', { ...revocation, statusListCredential: `${BASE_URL}/status/no-such-list` }, `Status list ${BASE_URL}/status/no-such-list does not exist`, 'STATUS_RETRIEVAL_ERROR'],
    ['a list elsewhere', { ...revocation, statusListCredential: ELSEWHERE }, `Status list ${ELSEWHERE} is hosted elsewhere and is not fetched (verification runs offline)`, 'STATUS_RETRIEVAL_ERROR'],
    ['another type', { ...revocation, type: 'StatusList2021Entry' }, 'Unsupported credentialStatus type StatusList2021Entry; only BitstringStatusListEntry is checked', 'STATUS_VERIFICATION_ERROR'],
    ['not an object', 'https://status.example.org/lists/3#1', 'Unsupported credentialStatus type ; only BitstringStatusListEntry is checked', 'STATUS_VERIFICATION_ERROR'],
    ['an index as a number', { ...revocation, statusListIndex: 7 }, malformed, 'STATUS_VERIFICATION_ERROR'],
    ['a negative index', { ...revocation, statusListIndex: '-1' }, malformed, 'STATUS_VERIFICATION_ERROR'],
    ['a fractional index', { ...revocation, statusListIndex: '1.5' }, malformed, 'STATUS_VERIFICATION_ERROR'],
    ['an index that is no number', { ...revocation, statusListIndex: 'seven' }, malformed, 'STATUS_VERIFICATION_ERROR'],
    ['no list', { ...revocation, statusListCredential: undefined }, malformed, 'STATUS_VERIFICATION_ERROR'],
  ];
  for (const [what, entry, message, errorType, issuer] of cases) t.same(await check(entry, issuer), { valid: false, message, errorType }, what);
});

t.test('an SD-JWT VC\'s Token Status List claim: VALID, INVALID or SUSPENDED, and each reason it cannot be read', async (t) => {
  const { ctx, did, otherDid, issue, setStatus } = await setUp(t);
  const check = (status: unknown, issuer = did) => checker(ctx).checkToken(status, issuer);
  const statusOf = (sdJwt: string) => JSON.parse(Buffer.from(sdJwt.split('.')[1]!, 'base64url').toString('utf8')) as Json;
  const tokens = await Promise.all([1, 2, 3].map(async () => statusOf((await issue({ format: 'dc+sd-jwt' })).verifiableCredential)));
  const [revoked, suspended, both] = tokens.map((claims) => claims.status as Json);
  const uri = revoked!.status_list.uri as string;
  t.same(await check(revoked), { valid: true, message: 'Not revoked or suspended (Token Status List: VALID)' }, 'valid');
  await setStatus(tokens[0]!.jti, 'revocation');
  await setStatus(tokens[1]!.jti, 'suspension');
  await setStatus(tokens[2]!.jti, 'suspension');
  await setStatus(tokens[2]!.jti, 'revocation');
  t.same(await check(revoked), { valid: false, message: 'Revoked by its issuer (Token Status List: INVALID)' }, 'revoked');
  t.same(await check(suspended), { valid: false, message: 'Suspended by its issuer (Token Status List: SUSPENDED)' }, 'suspended');
  t.same(await check(both), { valid: false, message: 'Revoked by its issuer (Token Status List: INVALID)' }, 'suspended, then revoked');
  t.same(await check({ status_list: { uri, idx: 131_071 } }), { valid: true, message: 'Not revoked or suspended (Token Status List: VALID)' }, 'the last index');
  t.same(await check({ status_list: { uri, idx: 0 } }), { valid: true, message: 'Not revoked or suspended (Token Status List: VALID)' }, 'the first index');

  const { verifiableCredential: bitstringVc } = await issue({});
  const bitstringUrl = bitstringVc.credentialStatus.statusListCredential as string;
  const malformed = 'status.status_list needs uri (a URL) and idx (a non-negative integer)';
  const unsupported = 'Unsupported status: only status.status_list (Token Status List) is checked';
  const cases: Array<[string, unknown, string, string, string?]> = [
    ['another issuer', revoked, `Status list ${uri} was issued by ${did}, not by the credential's issuer`, 'STATUS_VERIFICATION_ERROR', otherDid],
    ['an index past the list', { status_list: { uri, idx: 131_072 } }, `Index 131072 is outside status list ${uri}`, 'STATUS_LIST_LENGTH_ERROR'],
    ['a list that does not exist', { status_list: { uri: `${BASE_URL}/status/no-such-list`, idx: 1 } }, `Token Status List ${BASE_URL}/status/no-such-list does not exist`, 'STATUS_RETRIEVAL_ERROR'],
    ['a Bitstring list', { status_list: { uri: bitstringUrl, idx: 1 } }, `Token Status List ${bitstringUrl} does not exist`, 'STATUS_RETRIEVAL_ERROR'],
    ['a list elsewhere', { status_list: { uri: ELSEWHERE, idx: 1 } }, `Status list ${ELSEWHERE} is hosted elsewhere and is not fetched (verification runs offline)`, 'STATUS_RETRIEVAL_ERROR'],
    ['no status_list', { status_list: `${uri}#1` }, unsupported, 'STATUS_VERIFICATION_ERROR'],
    ['not an object', 'valid', unsupported, 'STATUS_VERIFICATION_ERROR'],
    ['a negative index', { status_list: { uri, idx: -1 } }, malformed, 'STATUS_VERIFICATION_ERROR'],
    ['a fractional index', { status_list: { uri, idx: 1.5 } }, malformed, 'STATUS_VERIFICATION_ERROR'],
    ['an index as text', { status_list: { uri, idx: '1' } }, malformed, 'STATUS_VERIFICATION_ERROR'],
    ['no uri', { status_list: { idx: 1 } }, malformed, 'STATUS_VERIFICATION_ERROR'],
  ];
  for (const [what, status, message, errorType, issuer] of cases) t.same(await check(status, issuer), { valid: false, message, errorType }, what);
  t.same(await checker(ctx).check({ ...bitstringVc.credentialStatus, statusListCredential: uri }, did),
    { valid: false, message: `Status list ${uri} does not exist`, errorType: 'STATUS_RETRIEVAL_ERROR' }, 'a Token Status List read as a Bitstring list');
});

t.test('status changes that cannot be made are refused, saying why', async (t) => {
  const { ctx, auth, issue, setStatus } = await setUp(t);
  const change = async (credentialId: string, statusPurpose: string, status: boolean) => {
    const response = await ctx.app.inject({
      method: 'POST', url: '/credentials/status', headers: auth,
      payload: { credentialId, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose }, status },
    });
    const { code, detail } = response.json() as Json;
    return { status: response.statusCode, code, detail };
  };
  const { verifiableCredential: vc } = await issue({});
  t.same(await change('urn:uuid:00000000-0000-4000-8000-000000000000', 'revocation', true), {
    status: 404, code: 'unknown-credential', detail: 'No credential with id urn:uuid:00000000-0000-4000-8000-000000000000 was issued by this service',
  }, 'a credential the service did not issue');
  t.same(await change(vc.id, 'suspension', true), {
    status: 400, code: 'no-status-entry',
    detail: `Credential ${vc.id} was issued without a suspension status entry, so its suspension status cannot change. Issue with options.credentialStatus to enable it`,
  }, 'no suspension entry');
  await setStatus(vc.id, 'revocation');
  t.same(await change(vc.id, 'revocation', false), {
    status: 400, code: 'revocation-is-final', detail: 'A revoked credential cannot be reinstated; issue a new credential instead (or use suspension for temporary holds)',
  }, 'reinstating a revoked credential');
  const again = await ctx.app.inject({
    method: 'POST', url: '/credentials/status', headers: auth,
    payload: { credentialId: vc.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true },
  });
  t.same([again.statusCode, again.json().changed], [200, false], 'revoking it again: no change, no refusal');

  // The service refuses what the route already turns away, for any other caller.
  const other = (await ctx.services.repos.organisations.bySlug('other-centre'))!;
  const owner = (await ctx.services.repos.organisations.bySlug('ofppt-casa'))!;
  const { verifiableCredential: second } = await issue({});
  await t.rejects(ctx.services.statusLists.updateStatus(other, second.id, 'revocation', true),
    { code: 'unknown-credential', status: 404, detail: `Organisation "other-centre" issued no credential with id ${second.id}` }, 'another organisation\'s credential');
  await t.rejects(ctx.services.statusLists.updateStatus(owner, second.id, 'expiry', true),
    { code: 'unknown-status-purpose', status: 400, detail: 'credentialStatus.statusPurpose must be one of revocation, suspension' }, 'a purpose the service does not know');
  t.same(await ctx.services.statusLists.updateStatus(owner, second.id, 'revocation', true), { changed: true }, 'revoked: changed');
  const missing = await ctx.app.inject({ method: 'GET', url: '/status/no-such-list' });
  t.same([missing.statusCode, missing.json().code, missing.json().detail], [404, 'unknown-status-list', 'No status list no-such-list'], 'a list that does not exist');
});
