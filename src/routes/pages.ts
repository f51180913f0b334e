/** Public pages that need no secret: the verification page, and the pages' stylesheet. */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../services.js';
import { badRequest, notFound } from '../errors.js';
import { reportOn, type ReportDeps } from '../wallet/credentialReport.js';
import { formValue, pageContext, registerPageSupport, sendPage, type FormBody } from '../web/http.js';
import { STYLESHEET_PATH } from '../web/pages/layout.js';
import { verifyPage } from '../web/pages/verify.js';
import { defaultFramework, frameworkChoices } from '../web/frameworkChoice.js';
import { statisticsPage } from '../web/pages/statistics.js';

const stylesheet = fs.readFileSync(fileURLToPath(new URL('../web/assets/passerelle.css', import.meta.url)), 'utf8');

/** A pasted credential: a compact JWT (three base64url parts) or JSON (a credential, or {"verifiableCredential": ...}). */
export async function parsePastedCredential(text: string): Promise<unknown> {
  const trimmed = text.trim().replace(/^data:application\/vc\+jwt,/, '');
  if (trimmed === '') throw badRequest('empty-credential', 'Paste a credential or choose a file');
  if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(trimmed)) return trimmed;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    throw badRequest('unreadable-credential', 'The text is neither JSON nor a compact JWT');
  }
  if (parsed !== null && typeof parsed === 'object' && 'verifiableCredential' in parsed) return (parsed as { verifiableCredential: unknown }).verifiableCredential;
  return parsed;
}

export default async function pageRoutes(app: FastifyInstance, { services }: { services: Services }) {
  await registerPageSupport(app);
  const reportDeps: ReportDeps = {
    verifyDeps: services.requestVerifyDeps, organisationByDid: (did) => services.repos.organisations.byDid(did), accreditations: services.trustAccreditations,
  };

  const ctxOf = (request: FastifyRequest) => pageContext(request, '/verify');
  const walletRequestOf = (request: FastifyRequest) => {
    const lang = ctxOf(request).lang;
    return { frameworks: frameworkChoices(lang), framework: defaultFramework(lang, request.headers['accept-language']) };
  };

  app.get(STYLESHEET_PATH, { schema: { hide: true } }, async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=3600').header('x-content-type-options', 'nosniff').type('text/css; charset=utf-8').send(stylesheet));

  app.get('/verify', { schema: { hide: true } }, async (request, reply) =>
    sendPage(reply, 200, verifyPage(ctxOf(request), { walletRequest: walletRequestOf(request) })));

  // The published statistics as charts and tables: the latest release, or the one asked for.
  app.get<{ Querystring: { release?: string } }>('/statistics/charts', {
    schema: { hide: true, querystring: { type: 'object', properties: { release: { type: 'string', maxLength: 100 } } } },
  }, async (request, reply) => {
    const releases = await services.repos.statistics.releases();
    const { release } = request.query;
    const chosen = release === undefined ? releases[0] : releases.find((r) => r.id === release);
    if (release !== undefined && !chosen) throw notFound('unknown-statistics-release', `No statistics release has id "${release}"`);
    return sendPage(reply, 200, await statisticsPage(pageContext(request, '/statistics/charts', { release }), releases, chosen));
  });

  app.post<{ Body: FormBody | undefined }>('/verify', {
    schema: { hide: true },
  }, async (request, reply) => {
    const ctx = pageContext(request, '/verify');
    const body = request.body ?? {};
    const file = formValue(body, 'file') ?? '';
    const pasted = formValue(body, 'credential') ?? '';
    const input = file.trim() !== '' ? file : pasted;
    const framework = defaultFramework(ctx.lang, request.headers['accept-language']);
    const holderName = (formValue(body, 'holderName') ?? '').trim().slice(0, 200);
    const report = await reportOn(reportDeps, await parsePastedCredential(input), { lang: ctx.lang, framework, ...(holderName ? { holderName } : {}) });
    return sendPage(reply, 200, verifyPage(ctx, { input, report, walletRequest: walletRequestOf(request), ...(holderName ? { holderName } : {}) }), { private: true });
  });
}
