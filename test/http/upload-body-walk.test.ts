import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { cpuTimer } from '../helpers/cpuTime.js';
import { MASONRY_ACHIEVEMENT } from '../fixtures/batches/cohort.js';

// Found by the fuzz run: the JSON well-formedness check walked a batch file's Buffer byte by byte as if it were a
// parsed JSON object (4 MB: about 8 s of a held event loop before the answer, whatever the answer).
t.test('a large batch file is answered without walking its bytes', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const other = await ctx.issuer('other-centre');
  await ctx.app.inject({ method: 'POST', url: '/orgs/ofppt-casa/achievements', headers: auth, payload: MASONRY_ACHIEVEMENT });
  const file = `name,email\r\n${'x'.repeat(4 * 1024 * 1024)}\r\n`;
  const cpu = cpuTimer();
  const unknown = await ctx.app.inject({ method: 'POST', url: '/batches?achievement=no-such-achievement', headers: { ...other.auth, 'content-type': 'text/csv' }, payload: file });
  const cpuMs = cpu.elapsedMs();
  t.equal(unknown.statusCode, 404, 'answered');
  t.equal(unknown.json().code, 'unknown-achievement', 'its problem code');
  t.ok(cpuMs < 1000, `a 4 MB file answered after ${cpuMs.toFixed(0)} ms of CPU (under 1 s)`);
  const surrogate = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', headers: { 'content-type': 'application/json' }, payload: '{"verifiableCredential": {"name": "\\ud800"}}' });
  t.equal(surrogate.json().code, 'invalid-unicode', 'JSON bodies are still checked');
});
