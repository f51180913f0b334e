/** A fuzz session: the test app, its targets, the routes to fuzz, and the checks that the process still behaves afterwards. */
import { buildTestApp, openBadgeCredential, type TestApp } from '../app.js';
import { createFuzzTargets, type FuzzTargets } from './targets.js';
import { routesOf, type RouteSpec } from './requests.js';

export interface FuzzSession { ctx: TestApp; targets: FuzzTargets; routes: RouteSpec[] }

export async function fuzzSession(t: { teardown(fn: () => unknown): void }): Promise<FuzzSession> {
  const ctx = await buildTestApp(t);
  const targets = await createFuzzTargets(ctx);
  const openapi = await ctx.app.inject({ method: 'GET', url: '/openapi.json' });
  return { ctx, targets, routes: routesOf(openapi.json()) };
}

/** Ordinary requests after the run: each must still get its ordinary answer (a poisoned process fails these). */
export async function stillBehaves({ ctx, targets }: FuzzSession): Promise<string[]> {
  const problems: string[] = [];
  const from = { remoteAddress: '192.0.2.1' };
  const health = await ctx.app.inject({ method: 'GET', url: '/health', ...from });
  if (health.statusCode !== 200 || health.json().status !== 'ok') problems.push(`GET /health: ${health.statusCode} ${health.body}`);
  const missingKind = await ctx.app.inject({ method: 'POST', url: '/orgs', headers: ctx.admin, payload: { slug: 'after-fuzz', name: { fr: 'Après' }, country: 'MA' }, ...from });
  if (missingKind.statusCode !== 400 || missingKind.json().code !== 'invalid-request' || !/kind/.test(missingKind.body) || /additional properties/.test(missingKind.body)) {
    problems.push(`POST /orgs without kind: ${missingKind.statusCode} ${missingKind.body.slice(0, 300)}`);
  }
  const created = await ctx.app.inject({ method: 'POST', url: '/orgs', headers: ctx.admin, payload: { slug: 'after-fuzz', name: { fr: 'Après' }, country: 'MA', kind: 'training-centre' }, ...from });
  if (created.statusCode !== 201) problems.push(`POST /orgs: ${created.statusCode} ${created.body.slice(0, 300)}`);
  const issued = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: { authorization: targets.auth.issueStatus }, payload: { credential: openBadgeCredential(), options: { issuer: 'organisation' } }, ...from });
  if (issued.statusCode !== 201) problems.push(`POST /credentials/issue: ${issued.statusCode} ${issued.body.slice(0, 300)}`);
  else {
    const verified = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: issued.json().verifiableCredential }, ...from });
    if (verified.statusCode !== 200 || verified.json().verified !== true) problems.push(`POST /credentials/verify: ${verified.statusCode} ${verified.body.slice(0, 300)}`);
  }
  const share = await ctx.app.inject({ method: 'GET', url: `/s/${targets.real.token![0]}`, headers: { accept: 'text/html' }, ...from });
  if (share.statusCode !== 200) problems.push(`GET /s/<token>: ${share.statusCode} ${share.body.slice(0, 300)}`);
  return problems;
}
