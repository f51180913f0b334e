import net from 'node:net';
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { loadConfig } from '../../src/config.js';

/** Opens a raw connection, writes `data`, and resolves with what the server sent and how long until it closed. */
async function closedAfter(port: number, data: string): Promise<{ ms: number; received: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = net.connect({ host: '127.0.0.1', port }, () => { if (data) socket.write(data); });
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => { received += chunk; });
    socket.on('error', () => { /* a reset also counts as closed */ });
    socket.on('close', () => resolve({ ms: performance.now() - started, received }));
    setTimeout(() => { socket.destroy(); reject(new Error('the server kept the connection open for 10 s')); }, 10_000).unref();
  });
}

t.test('slow headers, slow bodies and silent connections are closed within the configured timeouts', async (t) => {
  const ctx = await buildTestApp(t, {
    PASSERELLE_HEADERS_TIMEOUT_MS: '300', PASSERELLE_REQUEST_TIMEOUT_MS: '800', PASSERELLE_CONNECTION_TIMEOUT_MS: '1500',
  });
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = ctx.app.server.address() as net.AddressInfo;

  const slowHeaders = await closedAfter(port, 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Partial: ');
  t.ok(slowHeaders.ms < 1500, `partial headers: closed after ${Math.round(slowHeaders.ms)} ms`);
  t.match(slowHeaders.received, /^HTTP\/1.1 408/, 'answered 408 before closing');

  const slowBody = await closedAfter(port, 'POST /credentials/verify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":');
  t.ok(slowBody.ms < 2000, `a body that stops arriving: closed after ${Math.round(slowBody.ms)} ms`);

  const silent = await closedAfter(port, '');
  t.ok(silent.ms < 2500, `a connection that sends nothing: closed after ${Math.round(silent.ms)} ms`);

  t.equal(ctx.app.server.maxConnections, 1000, 'the connection cap is set (PASSERELLE_MAX_CONNECTIONS)');
  t.equal(ctx.app.server.keepAliveTimeout, 5000, 'idle keep-alive connections close after 5 s by default');
});

t.test('timeouts and caps are validated', async (t) => {
  t.throws(() => loadConfig({ PASSERELLE_HEADERS_TIMEOUT_MS: '5000', PASSERELLE_REQUEST_TIMEOUT_MS: '1000' }), { message: /must not exceed/ });
  t.throws(() => loadConfig({ PASSERELLE_MAX_CONNECTIONS: 'many' }), { message: /PASSERELLE_MAX_CONNECTIONS must be an integer/ });
  t.throws(() => loadConfig({ PASSERELLE_UPLOAD_MAX_BYTES: '-1' }), { message: /PASSERELLE_UPLOAD_MAX_BYTES/ });
});
