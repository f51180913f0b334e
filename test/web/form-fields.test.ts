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

t.test('multipart page forms: 1 MB in all, 10 parts, readable or a 400 that says why', async (t) => {
  const ctx = await buildTestApp(t);
  const send = (payload: string, contentType = 'multipart/form-data; boundary=XyZ') =>
    ctx.app.inject({ method: 'POST', url: '/verify', headers: { ...JSON_ACCEPT, 'content-type': contentType }, payload });
  const part = (name: string, value: string, filename?: string) =>
    `--XyZ\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\n\r\n${value}\r\n`;
  const pasted = await send(`${part('credential', 'not json')}--XyZ--\r\n`);
  t.equal(pasted.json().code, 'unreadable-credential', 'a field is read as the pasted text');
  const uploaded = await send(`${part('credential', '')}${part('file', '[1,2]', 'c.json')}--XyZ--\r\n`);
  t.equal(uploaded.json().code, 'invalid-credential', 'a file is read as text');
  const large = await send(`${part('credential', 'x'.repeat(600_000))}${part('file', 'y'.repeat(600_000), 'c.json')}--XyZ--\r\n`);
  t.equal(large.statusCode, 413, 'two parts under 1 MB each, over it together');
  t.equal(large.json().code, 'body-too-large');
  const cases: Array<[string, string, string, RegExp]> = [
    ['no boundary', `${part('credential', 'x')}--XyZ--\r\n`, 'multipart/form-data', /boundary/],
    ['11 parts', `${part('a', '1').repeat(11)}--XyZ--\r\n`, 'multipart/form-data; boundary=XyZ', /more than 10 parts/],
    ['file cut short', part('file', '{}', 'c.json'), 'multipart/form-data; boundary=XyZ', /ends before its closing boundary/],
    ['prototype name', `${part('__proto__', 'x')}--XyZ--\r\n`, 'multipart/form-data; boundary=XyZ', /built-in property/],
  ];
  for (const [what, payload, contentType, detail] of cases) {
    const response = await send(payload, contentType);
    t.equal(response.statusCode, 400, what);
    t.equal(response.json().code, 'invalid-form', `${what}: code`);
    t.match(response.json().detail, detail, `${what}: says why`);
  }
});
