/**
 * Employers ask a wallet app for a credential (OpenID4VP 1.0): they create a presentation request (the /verify page's
 * form, or the API), the wallet fetches the signed request object at request_uri and answers at response_uri
 * (direct_post, or direct_post.jwt encrypted), and the employer's page shows the share link's report. Anonymous, like
 * /verify; the result page's address is the secret that opens it.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Services } from '../services.js';
import { badRequest } from '../errors.js';
import { getFramework } from '../frameworks/registry.js';
import { defaultFramework, frameworkChoices } from '../web/frameworkChoice.js';
import { formValue, pageContext, registerPageSupport, sendPage, wantsHtml, type FormBody } from '../web/http.js';
import { withLang } from '../web/pages/layout.js';
import { qrCodeSvg } from '../web/qr.js';
import { presentationRequestPage } from '../web/pages/presentationRequest.js';
import type { ReportDeps } from '../wallet/credentialReport.js';
import { parseDcqlQuery } from '../presentationRequests/dcql.js';
import { PRESET_IDS, presetQuery, type PresetChoice, type PresetId } from '../presentationRequests/presets.js';
import { CLIENT_ID_PREFIXES, CREATIONS_PER_ADDRESS, PresentationRequestService, RESPONSE_MODES, type ClientIdPrefix, type ResponseMode } from '../presentationRequests/service.js';
import { SourceBudget } from '../wallet/attemptLimiter.js';
import { databaseAttemptCounter } from '../db/attemptCounters.js';
import { ProtocolError } from '../presentationRequests/protocolError.js';
import { answerReport } from '../presentationRequests/answerReport.js';
import { loadX509Signer } from '../presentationRequests/x509Signer.js';

interface CreateBody {
  preset?: { id: string; value: string };
  dcqlQuery?: unknown;
  framework?: string;
  clientIdPrefix?: ClientIdPrefix;
  responseMode?: ResponseMode;
}

const tokenParam = { type: 'string', minLength: 1, maxLength: 200 } as const;

/**
 * A request sent by value (redirect_uri) carries its whole DCQL query in the link, which can be longer than a QR code
 * holds (about 2,300 bytes at the error correction the service uses): then there is only the same-device link.
 */
async function qrCodeOf(link: string): Promise<string | undefined> {
  try {
    return await qrCodeSvg(link);
  } catch {
    return undefined;
  }
}

function sendProtocolError(reply: FastifyReply, error: ProtocolError) {
  return reply.status(error.status).header('cache-control', 'no-store').type('application/json').send({ error: error.error, error_description: error.description });
}

export default async function presentationRequestRoutes(app: FastifyInstance, { services }: { services: Services }) {
  await registerPageSupport(app);
  const { oid4vpX509, baseUrl } = services.config;
  const requests = new PresentationRequestService({
    repo: services.repos.presentationRequests, presenter: services.sharePresenter, verifyDeps: services.requestVerifyDeps,
    documentLoader: services.documentLoader, baseUrl, now: services.now,
    ...(oid4vpX509 ? { x509: loadX509Signer(oid4vpX509, baseUrl) } : {}),
  });
  const reportDeps: ReportDeps = {
    verifyDeps: services.requestVerifyDeps, organisationByDid: (did) => services.repos.organisations.byDid(did), accreditations: services.trustAccreditations,
  };
  // Counted in the database like failed guesses, so that every instance counts the same creations.
  const creations = new SourceBudget(databaseAttemptCounter(services.database, 'presentation-request-creations', CREATIONS_PER_ADDRESS.windowMs),
    CREATIONS_PER_ADDRESS, services.now);
  const pagePath = (viewToken: string) => `/presentation-requests/${viewToken}`;

  /** A form (the /verify page) gives a preset and its value; the API gives a preset or a DCQL query, and options. */
  function choiceOf(body: FormBody | CreateBody, isForm: boolean): { preset?: PresetChoice; dcqlQuery: ReturnType<typeof parseDcqlQuery> } {
    if (isForm) {
      const form = body as FormBody;
      const id = formValue(form, 'preset') as PresetId | undefined;
      const preset = { id: id ?? ('' as PresetId), value: (id === 'occupation' ? formValue(form, 'isco') : formValue(form, 'level'))?.trim() ?? '' };
      return { preset, dcqlQuery: presetQuery(preset, services.config.baseUrl) };
    }
    const { preset, dcqlQuery } = body as CreateBody;
    if ((preset === undefined) === (dcqlQuery === undefined)) throw badRequest('missing-query', 'Give exactly one of preset ({"id", "value"}) or dcqlQuery');
    if (preset) {
      const choice = { id: preset.id as PresetId, value: preset.value };
      return { preset: choice, dcqlQuery: presetQuery(choice, services.config.baseUrl) };
    }
    return { dcqlQuery: parseDcqlQuery(dcqlQuery) };
  }

  app.post<{ Body: FormBody | CreateBody | undefined }>('/presentation-requests', {
    schema: {
      tags: ['presentation requests'],
      summary: 'Ask a wallet app for credentials (OpenID4VP 1.0): a preset or a DCQL query; answers the openid4vp:// link, its QR code and the result page',
      body: {
        type: 'object',
        properties: {
          preset: {
            description: 'API: {"id", "value"}; the /verify form: the preset id, its value in level (EQF 1 to 8) or isco (an ISCO-08 code)',
            anyOf: [
              { type: 'object', required: ['id', 'value'], additionalProperties: false, properties: { id: { enum: PRESET_IDS }, value: { type: 'string', maxLength: 10 } } },
              { enum: PRESET_IDS },
            ],
          },
          level: { type: 'string', maxLength: 10 },
          isco: { type: 'string', maxLength: 10 },
          dcqlQuery: { type: 'object', description: 'a DCQL query (OpenID4VP 1.0 section 6) for ldp_vc, jwt_vc_json or dc+sd-jwt credentials' },
          framework: { type: 'string', maxLength: 40, description: 'the framework (country) the report gives recognition in; default: EQF' },
          clientIdPrefix: { enum: CLIENT_ID_PREFIXES, description: 'x509_san_dns (the default when a certificate is configured), decentralized_identifier (the default otherwise: signed by the service\'s did:key), or redirect_uri (unsigned, by value)' },
          responseMode: { enum: RESPONSE_MODES, description: 'direct_post (default) or direct_post.jwt (the wallet encrypts its answer)' },
        },
      },
    },
  }, async (request, reply) => {
    const isForm = request.headers['content-type']?.startsWith('application/x-www-form-urlencoded') === true || request.isMultipart();
    const body = request.body ?? {};
    const ctx = pageContext(request, '/verify');
    const framework = (isForm ? formValue(body as FormBody, 'framework') : (body as CreateBody).framework) ?? (isForm ? defaultFramework(ctx.lang, request.headers['accept-language']) : 'eqf');
    if (!getFramework(framework)) throw badRequest('unknown-framework', `No qualification framework "${framework}"; GET /frameworks lists them`);
    const { preset, dcqlQuery } = choiceOf(body, isForm);
    const overBudget = await creations.recordFailure(request.ip);
    if (overBudget) throw overBudget;
    const api = body as CreateBody;
    const created = await requests.create({
      dcqlQuery, framework, ...(preset ? { preset } : {}),
      clientIdPrefix: (!isForm && api.clientIdPrefix) || requests.defaultClientIdPrefix, responseMode: (!isForm && api.responseMode) || 'direct_post',
    });
    if (isForm) return reply.status(303).header('location', withLang(pagePath(created.viewToken), ctx.lang)).send();
    return reply.status(201).header('cache-control', 'no-store').send({
      id: created.id, url: `${services.config.baseUrl}${pagePath(created.viewToken)}`, authorizationRequest: created.authorizationRequest,
      qrCodeSvg: await qrCodeOf(created.authorizationRequest) ?? null, expiresAt: created.expiresAt,
    });
  });

  app.get<{ Params: { token: string }; Querystring: { lang?: string; framework?: string; refresh?: 'auto' } }>('/presentation-requests/:token', {
    schema: {
      tags: ['presentation requests'],
      summary: 'A presentation request: waiting (the page refreshes itself), expired, or the wallet\'s answer with the employer\'s report; JSON for API clients',
      params: { type: 'object', properties: { token: tokenParam } },
      querystring: {
        type: 'object',
        properties: {
          lang: { type: 'string', maxLength: 10 }, framework: { type: 'string', maxLength: 40 },
          refresh: { enum: ['auto'], description: 'page only: reload every 5 seconds while waiting' },
        },
      },
    },
  }, async (request, reply) => {
    const { token } = request.params;
    if (request.query.framework !== undefined && !getFramework(request.query.framework)) {
      throw badRequest('unknown-framework', `No qualification framework "${request.query.framework}"; GET /frameworks lists them`);
    }
    const { record, state, outcome } = await requests.byViewToken(token);
    const ctx = pageContext(request, pagePath(token), { framework: request.query.framework, refresh: request.query.refresh });
    const framework = request.query.framework ?? record.framework;
    const report = outcome ? await answerReport(reportDeps, outcome, { lang: ctx.lang, framework, preset: record.preset }) : undefined;
    const authorizationRequest = state === 'pending' ? requests.authorizationRequestOf(record) : undefined;
    if (!wantsHtml(request)) {
      return reply.header('cache-control', 'no-store').send({
        state, expiresAt: record.expiresAt, answeredAt: record.answeredAt, ...(authorizationRequest ? { authorizationRequest } : {}), ...(report ? { result: report } : {}),
      });
    }
    return sendPage(reply, 200, presentationRequestPage(ctx, {
      state, expiresAt: record.expiresAt, preset: record.preset, framework, frameworks: frameworkChoices(ctx.lang), path: pagePath(token),
      autoRefresh: request.query.refresh === 'auto',
      ...(authorizationRequest ? { authorizationRequest, qrCodeSvg: await qrCodeOf(authorizationRequest) } : {}),
      ...(report ? { report } : {}),
    }), { private: true });
  });

  // The wallet's side: OAuth-style errors, never pages or problem+json.

  app.get<{ Params: { id: string } }>('/oid4vp/requests/:id', {
    schema: {
      tags: ['presentation requests'], summary: 'request_uri: the signed request object (application/oauth-authz-req+jwt) a wallet fetches',
      params: { type: 'object', properties: { id: tokenParam } },
    },
  }, async (request, reply) => {
    try {
      const jwt = await requests.requestObject(request.params.id);
      return reply.header('cache-control', 'no-store').type('application/oauth-authz-req+jwt').send(jwt);
    } catch (error) {
      if (error instanceof ProtocolError) return sendProtocolError(reply, error);
      throw error;
    }
  });

  app.post<{ Params: { id: string }; Body: FormBody | undefined }>('/oid4vp/requests/:id/response', {
    schema: {
      tags: ['presentation requests'], summary: 'response_uri: the wallet\'s answer (direct_post: vp_token and state; direct_post.jwt: response), form-encoded',
      params: { type: 'object', properties: { id: tokenParam } },
    },
  }, async (request, reply) => {
    try {
      const body = request.body;
      if (body === undefined || body === null || typeof body !== 'object') throw new ProtocolError('invalid_request', 'Send the response as application/x-www-form-urlencoded');
      await requests.receive(request.params.id, body as Record<string, unknown>);
      return reply.header('cache-control', 'no-store').send({});
    } catch (error) {
      if (error instanceof ProtocolError) return sendProtocolError(reply, error);
      throw error;
    }
  });
}
