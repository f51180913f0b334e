import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createServices } from '../../src/services.js';

function selfSignedCertificate(dir: string) {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ed25519', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  return { key, cert };
}

t.test('with PASSERELLE_TLS_CERT and PASSERELLE_TLS_KEY the service speaks HTTPS and its DIDs use https', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-tls-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const files = selfSignedCertificate(dir);
  const config = loadConfig({ PASSERELLE_TLS_CERT: files.cert, PASSERELLE_TLS_KEY: files.key, PASSERELLE_DATA_DIR: dir, PASSERELLE_KEYS_DIR: path.join(dir, 'keys'), PORT: '8443' });
  t.equal(config.baseUrl, 'https://localhost:8443');
  const app = await buildApp({ services: await createServices(config), https: { cert: fs.readFileSync(files.cert), key: fs.readFileSync(files.key) } });
  t.teardown(() => app.close());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const body = await new Promise<string>((resolve, reject) => {
    https.get({ host: '127.0.0.1', port, path: '/health', rejectUnauthorized: false }, (response) => {
      let data = '';
      response.on('data', (chunk) => { data += chunk; });
      response.on('end', () => resolve(data));
    }).on('error', reject);
  });
  t.same(JSON.parse(body), { status: 'ok' });
});

t.test('a certificate without its key is a configuration error', async (t) => {
  t.throws(() => loadConfig({ PASSERELLE_TLS_CERT: '/tmp/cert.pem' }), { message: /both PASSERELLE_TLS_CERT and PASSERELLE_TLS_KEY/ });
});
