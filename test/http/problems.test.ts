import net from 'node:net';
import t from 'tap';
import { buildTestApp, plainCredential } from '../helpers/app.js';

const PROBLEM = 'application/problem+json; charset=utf-8';

/** Sends raw bytes the way most clients do: the whole request first, reading only once it is written. */
async function writeThenRead(port: number, head: string, body = ''): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.pause();
      socket.write(head);
      socket.write(body, () => setTimeout(() => socket.resume(), 200));
    });
    socket.on('data', (chunk) => { received += chunk.toString('utf8'); });
    socket.on('error', (error: NodeJS.ErrnoException) => { received += `[${error.code}]`; });
    socket.on('close', () => resolve(received));
  });
}

const bodyOf = (response: string) => JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;

t.test('errors raised before routing are problem+json with a stable code', async (t) => {
  const ctx = await buildTestApp(t);
  const badUrl = await ctx.app.inject({ method: 'GET', url: '/orgs/%FF%FE' });
  t.equal(badUrl.statusCode, 400);
  t.equal(badUrl.headers['content-type'], PROBLEM);
  t.equal(badUrl.json().code, 'invalid-url');
  const longParam = await ctx.app.inject({ method: 'GET', url: `/orgs/${'a'.repeat(200)}` });
  t.equal(longParam.statusCode, 414);
  t.equal(longParam.headers['content-type'], PROBLEM);
  t.equal(longParam.json().code, 'path-parameter-too-long');
  const wrongType = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', headers: { 'content-type': 'application/xml' }, payload: '<vc/>' });
  t.same([wrongType.statusCode, wrongType.json().code], [415, 'unsupported-media-type']);
  const malformed = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', headers: { 'content-type': 'application/json' }, payload: '{"verifiableCredential":' });
  t.same([malformed.statusCode, malformed.json().code], [400, 'invalid-json']);
});

t.test('over a real socket: 431 for huge headers, and a readable 413 for a body over the limit', async (t) => {
  const ctx = await buildTestApp(t);
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = ctx.app.server.address() as net.AddressInfo;

  const headers = await writeThenRead(port, `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
  t.match(headers, /^HTTP\/1.1 431 /);
  t.match(headers, /content-type: application\/problem\+json/i);
  t.equal(bodyOf(headers).code, 'headers-too-large');

  for (const [what, extra] of [['a bit over 1 MB', 10_000], ['3 MB over', 3 * 1024 * 1024]] as const) {
    const body = JSON.stringify({ verifiableCredential: { x: 'a'.repeat(1024 * 1024 + extra) } });
    const head = `POST /credentials/verify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const answer = await writeThenRead(port, head, body);
    t.match(answer, /^HTTP\/1.1 413 /, `${what}: the client reads the 413 (got ${JSON.stringify(answer.slice(0, 40))})`);
    if (answer.startsWith('HTTP/1.1 413')) t.equal(bodyOf(answer).code, 'body-too-large', what);
    const chunked = `POST /credentials/verify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const streamed = await writeThenRead(port, chunked, `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
    t.match(streamed, /^HTTP\/1.1 413 /, `${what}, without Content-Length: the client reads the 413`);
  }
});

t.test('a request without a valid token is 401 before its body is validated', async (t) => {
  const ctx = await buildTestApp(t);
  await ctx.createOrganisation('ofppt-casa');
  const cases = [
    { method: 'POST', url: '/credentials/issue', payload: { unexpected: true } },
    { method: 'POST', url: '/credentials/issue', headers: { authorization: 'Bearer not-a-token' }, payload: { credential: 42 } },
    { method: 'POST', url: '/orgs', payload: { slug: '../x' } },
    { method: 'POST', url: '/orgs/ofppt-casa/tokens', headers: { 'content-type': 'application/json' }, payload: '{"scopes": [' },
    { method: 'POST', url: '/batches?achievement=x&unknown=1', headers: { 'content-type': 'text/csv' }, payload: 'name\nA\n' },
  ] as const;
  for (const request of cases) {
    const response = await ctx.app.inject(request);
    t.equal(response.statusCode, 401, `${request.method} ${request.url}`);
    t.equal(response.json().code, 'unauthorized', `${request.url}: no schema detail`);
    t.notMatch(response.body, /must|additional|required/, `${request.url}: nothing about the schema`);
  }
  const { auth } = await ctx.issuer('anapec');
  const invalid = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { unexpected: true } });
  t.same([invalid.statusCode, invalid.json().code], [400, 'invalid-request'], 'with a valid token the body is validated as before');
  const issued = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: plainCredential(), options: { issuer: 'organisation' } } });
  t.equal(issued.statusCode, 201);
});

t.test('every response says X-Content-Type-Options: nosniff', async (t) => {
  const ctx = await buildTestApp(t);
  for (const url of ['/health', '/openapi.json', '/verify', '/no/such/route', '/orgs/%FF', '/status/unknown', '/frameworks']) {
    const response = await ctx.app.inject({ method: 'GET', url });
    t.equal(response.headers['x-content-type-options'], 'nosniff', `${url} (${response.statusCode})`);
  }
});
