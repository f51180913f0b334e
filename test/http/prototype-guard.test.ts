import t from 'tap';
import { buildTestApp } from '../helpers/app.js';

type Polluted = Record<string, unknown>;

t.test('outside production, a request that pollutes Object.prototype makes every later request fail loudly', async (t) => {
  const ctx = await buildTestApp(t);
  ctx.app.get('/test-only/pollute', async () => {
    (Object.prototype as Polluted)['@id'] = '__proto__';
    return { done: true };
  });
  t.teardown(() => { delete (Object.prototype as Polluted)['@id']; });
  t.equal((await ctx.app.inject({ method: 'GET', url: '/health' })).statusCode, 200, 'healthy before');
  t.equal((await ctx.app.inject({ method: 'GET', url: '/test-only/pollute' })).statusCode, 200);
  delete (Object.prototype as Polluted)['@id'];
  const after = await ctx.app.inject({ method: 'GET', url: '/health' });
  t.equal(after.statusCode, 500, 'later requests are refused even once the key is gone');
  t.equal(after.json().code, 'prototype-polluted');
  t.match(after.json().detail, 'GET /test-only/pollute (Object.prototype[@id] added)', 'names the culprit and the change');
});

t.test('a replaced built-in method counts as a change too', async (t) => {
  const ctx = await buildTestApp(t);
  const original = Object.prototype.toString;
  ctx.app.get('/test-only/replace', async () => {
    Object.prototype.toString = function replaced() { return 'x'; };
    return { done: true };
  });
  t.teardown(() => { Object.prototype.toString = original; });
  await ctx.app.inject({ method: 'GET', url: '/test-only/replace' });
  Object.prototype.toString = original;
  const after = await ctx.app.inject({ method: 'GET', url: '/health' });
  t.equal(after.json().code, 'prototype-polluted');
  t.match(after.json().detail, 'Object.prototype[toString] replaced');
});

t.test('a built-in removed while another is added (same number of members) counts as two changes', async (t) => {
  const ctx = await buildTestApp(t);
  const at = Reflect.getOwnPropertyDescriptor(String.prototype, 'at')!;
  const restore = () => {
    Reflect.defineProperty(String.prototype, 'at', at);
    delete (String.prototype as unknown as Polluted).polluted;
  };
  ctx.app.get('/test-only/swap', async () => {
    Reflect.deleteProperty(String.prototype, 'at');
    (String.prototype as unknown as Polluted).polluted = true;
    return { done: true };
  });
  t.teardown(restore);
  await ctx.app.inject({ method: 'GET', url: '/test-only/swap' });
  restore();
  const detail = (await ctx.app.inject({ method: 'GET', url: '/health' })).json().detail;
  t.match(detail, 'String.prototype[polluted] added', 'the addition');
  t.match(detail, 'String.prototype[at] removed', 'the removal');
});

t.test('production does not run the guard (one bad request must not become an outage)', async (t) => {
  const ctx = await buildTestApp(t, { NODE_ENV: 'production', PASSERELLE_KEY_SECRET: 'a-long-random-test-secret-0123456789' });
  ctx.app.get('/test-only/pollute', async () => {
    (Object.prototype as Polluted).pollutedInProduction = true;
    return { done: true };
  });
  t.teardown(() => { delete (Object.prototype as Polluted).pollutedInProduction; });
  await ctx.app.inject({ method: 'GET', url: '/test-only/pollute' });
  delete (Object.prototype as Polluted).pollutedInProduction;
  t.equal((await ctx.app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
});
