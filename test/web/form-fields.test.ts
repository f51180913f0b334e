import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { claimIntoNewWallet, issueFor, JSON_ACCEPT, pathOf } from '../helpers/wallet.js';

// Form routes also take JSON from API clients, where a field can hold anything: found by the fuzz test (a number as
// "credential" on POST /verify answered 500).
t.test('a form field that is not text is a 400 naming the field, on every form route', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const { claimOffer } = await issueFor(ctx, auth);
  const walletPath = await claimIntoNewWallet(ctx, (await issueFor(ctx, auth)).claimOffer.url);
  const cases: Array<[string, string, Record<string, unknown>, string]> = [
    ['number as pasted credential', '/verify', { credential: 1 }, 'credential'],
    ['object as pasted credential', '/verify', { credential: { type: ['VerifiableCredential'] } }, 'credential'],
    ['list of numbers as file', '/verify', { file: [1, 2] }, 'file'],
    ['object as wallet link', pathOf(claimOffer.url), { action: 'existing', wallet: { href: walletPath } }, 'wallet'],
    ['number as passphrase', `${walletPath}/unlock`, { passphrase: 12345678 }, 'passphrase'],
    ['number as new passphrase', `${walletPath}/passphrase`, { passphrase: 12345678 }, 'passphrase'],
  ];
  for (const [what, url, payload, field] of cases) {
    const response = await ctx.app.inject({ method: 'POST', url, headers: JSON_ACCEPT, payload });
    t.equal(response.statusCode, 400, what);
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8', `${what}: problem+json`);
    t.equal(response.json().code, 'invalid-form-field', `${what}: code`);
    t.match(response.json().detail, `"${field}"`, `${what}: names the field`);
  }
  const text = await ctx.app.inject({ method: 'POST', url: '/verify', headers: JSON_ACCEPT, payload: { credential: ['not json', 'ignored'] } });
  t.equal(text.json().code, 'unreadable-credential', 'a list of strings still takes its first');
});
