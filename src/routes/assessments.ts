import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../services.js';
import { principalOf } from '../http/auth.js';
import { notFound } from '../errors.js';
import { authorise } from '../orgs/tokens.js';
import { requireOrganisation } from '../orgs/organisations.js';
import { issueDepsActingAs } from '../audit/actingAs.js';
import { CREDENTIAL_FORMATS, type CredentialFormat } from '../credentials/issue.js';
import { ACHIEVEMENT_ID_PATTERN } from '../training/achievements.js';
import {
  addEvidence, advanceStage, appeal, decide, openCase, recordResults, requireCase,
  type Actor, type DecisionInput, type EvidenceInput, type OpenCaseInput, type ResultsInput,
} from '../assessment/cases.js';
import { certify } from '../assessment/certification.js';
import { holderDetailsOf, holderInputSchema, type HolderInput } from '../wallet/holder.js';
import { qrCodeSvg } from '../web/qr.js';
import { caseView, evidenceView } from '../assessment/view.js';
import { ASSESSMENT_METHODS, ASSESSOR_ROLES, DECISIONS, EVIDENCE_KINDS, MAX_EVIDENCE_FILE_BYTES, OUTCOME_RESULTS, type Stage } from '../assessment/model.js';

const slugPattern = '^[a-z0-9][a-z0-9-]{1,62}$';
const idPattern = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
const caseParams = {
  type: 'object', required: ['slug', 'id'],
  properties: { slug: { type: 'string', pattern: slugPattern }, id: { type: 'string', maxLength: 64 } },
} as const;
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}(-\\d{2})?$', description: 'YYYY-MM or YYYY-MM-DD' } as const;

const openCaseBody = {
  type: 'object', additionalProperties: false, required: ['candidate', 'reference', 'units'],
  properties: {
    candidate: {
      type: 'object', additionalProperties: false, required: ['name'],
      properties: { name: text(200), did: { type: 'string', pattern: '^did:', maxLength: 500, description: 'the candidate\'s DID, if they have a wallet' } },
    },
    reference: {
      type: 'object', additionalProperties: false,
      description: 'a catalogue achievement ({achievement, organisation?, version?}) or a standard published elsewhere ({url, name, language?, alignment?})',
      properties: {
        achievement: { type: 'string', pattern: ACHIEVEMENT_ID_PATTERN },
        organisation: { type: 'string', pattern: slugPattern, description: 'whose catalogue (default: the assessing organisation)' },
        version: { type: 'integer', minimum: 1 },
        url: { type: 'string', format: 'uri', maxLength: 500 },
        name: text(300),
        language: { type: 'string', pattern: '^[a-z]{2,3}$', description: 'language of an external reference\'s name, and of the credential\'s own sentences (fr, ar, es; default en)' },
        alignment: {
          type: 'array', maxItems: 10,
          items: {
            type: 'object', additionalProperties: false,
            properties: { targetFramework: text(100), targetCode: text(20), targetUrl: { type: 'string', format: 'uri', maxLength: 300 } },
          },
        },
      },
    },
    units: {
      type: 'array', minItems: 1, maxItems: 50, description: 'the units in scope (all or some of the reference\'s), each with its learning outcomes',
      items: {
        type: 'object', additionalProperties: false, required: ['id', 'name', 'outcomes'],
        properties: {
          id: { type: 'string', pattern: idPattern }, name: text(300),
          outcomes: {
            type: 'array', minItems: 1, maxItems: 50,
            items: { type: 'object', additionalProperties: false, required: ['id', 'statement'], properties: { id: { type: 'string', pattern: idPattern }, statement: text(1000) } },
          },
        },
      },
    },
  },
} as const;

const evidenceBody = {
  type: 'object', additionalProperties: false, required: ['kind', 'title', 'description'],
  properties: {
    kind: { type: 'string', enum: [...EVIDENCE_KINDS] },
    title: text(300),
    description: text(4000),
    attestedBy: text(300),
    period: { type: 'object', additionalProperties: false, required: ['from', 'to'], properties: { from: date, to: date } },
    hours: { type: 'integer', minimum: 0, maximum: 200_000 },
    sha256: { type: 'string', pattern: '^[0-9a-fA-F]{64}$', description: 'hash of the document, whether or not the file is sent' },
    file: {
      type: 'object', additionalProperties: false, required: ['name', 'mediaType', 'contentBase64'],
      description: `optional; at most ${MAX_EVIDENCE_FILE_BYTES} bytes once decoded`,
      properties: {
        name: text(200), mediaType: { type: 'string', pattern: '^[a-z]+/[a-zA-Z0-9.+-]+$', maxLength: 100 },
        contentBase64: { type: 'string', minLength: 1, maxLength: Math.ceil(MAX_EVIDENCE_FILE_BYTES / 3) * 4 + 4, pattern: '^[A-Za-z0-9+/=\\s]+$' },
      },
    },
    outcomes: { type: 'array', maxItems: 200, uniqueItems: true, items: { type: 'string', maxLength: 130 }, description: '"<unitId>" or "<unitId>/<outcomeId>" this item supports' },
  },
} as const;

const resultsBody = {
  type: 'object', additionalProperties: false, required: ['results'],
  properties: {
    assessors: {
      type: 'array', minItems: 1, maxItems: 10,
      items: { type: 'object', additionalProperties: false, required: ['name', 'role'], properties: { name: text(200), role: { type: 'string', enum: [...ASSESSOR_ROLES] }, organisation: text(300) } },
    },
    results: {
      type: 'array', minItems: 1, maxItems: 500,
      items: {
        type: 'object', additionalProperties: false, required: ['unit', 'outcome', 'method', 'result'],
        properties: {
          unit: { type: 'string', pattern: idPattern }, outcome: { type: 'string', pattern: idPattern },
          method: { type: 'string', enum: [...ASSESSMENT_METHODS] }, result: { type: 'string', enum: [...OUTCOME_RESULTS] }, comment: text(2000),
        },
      },
    },
  },
} as const;

const decisionBody = {
  type: 'object', additionalProperties: false, required: ['decision', 'rationale'],
  properties: {
    decision: { type: 'string', enum: [...DECISIONS] },
    rationale: text(4000),
    gapTraining: {
      type: 'array', maxItems: 50,
      items: { type: 'object', additionalProperties: false, required: ['unit', 'advice'], properties: { unit: { type: 'string', pattern: idPattern }, advice: text(2000) } },
    },
  },
} as const;

export default async function assessmentRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const deps = {
    assessments: services.repos.assessments, achievements: services.repos.achievements, organisations: services.repos.organisations,
    audit: services.audit, baseUrl: services.config.baseUrl, now: services.now,
  };
  /** Case files hold personal data: only the assessing organisation's tokens with the issue scope (or admin) read or change them. */
  const actorOf = async (request: FastifyRequest<{ Params: { slug: string } }>): Promise<Actor> => {
    const principal = principalOf(request);
    const organisation = await requireOrganisation(services.repos.organisations, request.params.slug);
    authorise(principal, organisation, 'issue');
    return { organisation, tokenId: principal.tokenId };
  };
  const view = async (actor: Actor, id: string) => caseView(services.repos.assessments, actor.organisation, services.config.baseUrl, await requireCase(deps, actor.organisation, id));

  app.post<{ Params: { slug: string }; Body: OpenCaseInput }>('/orgs/:slug/assessments', {
    schema: {
      tags: ['assessments'], summary: 'Open a validation case (identification): candidate, reference standard, units and learning outcomes',
      security: [{ bearer: [] }], params: { type: 'object', required: ['slug'], properties: { slug: { type: 'string', pattern: slugPattern } } }, body: openCaseBody,
    },
  }, async (request, reply) => {
    const actor = await actorOf(request);
    const record = await openCase(deps, actor, request.body);
    return reply.status(201).header('location', `/orgs/${actor.organisation.slug}/assessments/${record.id}`).send(await view(actor, record.id));
  });

  app.get<{ Params: { slug: string } }>('/orgs/:slug/assessments', {
    schema: { tags: ['assessments'], summary: 'The organisation\'s validation cases', security: [{ bearer: [] }], params: { type: 'object', required: ['slug'], properties: { slug: { type: 'string', pattern: slugPattern } } } },
  }, async (request) => {
    const actor = await actorOf(request);
    return (await services.repos.assessments.listFor(actor.organisation.id)).map((r) => ({
      id: r.id, candidate: r.candidate, reference: (r.reference as { url: string }).url, stage: r.stage, decision: r.decision,
      appealOf: r.appealOf, credentialId: r.credentialId, updatedAt: r.updatedAt,
    }));
  });

  app.get<{ Params: { slug: string; id: string } }>('/orgs/:slug/assessments/:id', {
    schema: { tags: ['assessments'], summary: 'A validation case: units and results, evidence, decision, history (who, when)', security: [{ bearer: [] }], params: caseParams },
  }, async (request) => await view(await actorOf(request), request.params.id));

  app.post<{ Params: { slug: string; id: string }; Body: { to: Stage; note?: string } }>('/orgs/:slug/assessments/:id/stage', {
    schema: {
      tags: ['assessments'], summary: 'Move the case to documentation, then to assessment', security: [{ bearer: [] }], params: caseParams,
      body: {
        type: 'object', additionalProperties: false, required: ['to'],
        properties: { to: { type: 'string', enum: ['documentation', 'assessment'] }, note: { ...text(4000), description: 'e.g. the adviser\'s identification report' } },
      },
    },
  }, async (request) => {
    const actor = await actorOf(request);
    await advanceStage(deps, actor, request.params.id, request.body.to, request.body.note);
    return await view(actor, request.params.id);
  });

  app.post<{ Params: { slug: string; id: string }; Body: EvidenceInput }>('/orgs/:slug/assessments/:id/evidence', {
    schema: { tags: ['assessments'], summary: 'Add an evidence item (documentation; observations and interviews also during assessment)', security: [{ bearer: [] }], params: caseParams, body: evidenceBody },
  }, async (request, reply) => {
    const actor = await actorOf(request);
    const item = await addEvidence(deps, actor, request.params.id, request.body);
    return reply.status(201).send(evidenceView(item, `${services.config.baseUrl}/orgs/${actor.organisation.slug}/assessments/${request.params.id}`));
  });

  app.get<{ Params: { slug: string; id: string; evidenceId: string } }>('/orgs/:slug/assessments/:id/evidence/:evidenceId/file', {
    schema: {
      tags: ['assessments'], summary: 'The uploaded evidence file', security: [{ bearer: [] }],
      params: { type: 'object', required: ['slug', 'id', 'evidenceId'], properties: { ...caseParams.properties, evidenceId: { type: 'string', maxLength: 64 } } },
    },
  }, async (request, reply) => {
    const actor = await actorOf(request);
    await requireCase(deps, actor.organisation, request.params.id);
    const item = await services.repos.assessments.evidenceItem(request.params.id, request.params.evidenceId);
    if (!item?.file) throw notFound('unknown-evidence-file', `Case ${request.params.id} has no evidence file ${request.params.evidenceId}`);
    return reply.type(item.mediaType ?? 'application/octet-stream')
      .header('content-disposition', `attachment; filename="${(item.fileName ?? 'evidence').replace(/[^\w.-]/g, '_')}"`)
      .header('x-content-sha256', item.sha256 ?? '').send(item.file);
  });

  app.post<{ Params: { slug: string; id: string }; Body: ResultsInput }>('/orgs/:slug/assessments/:id/results', {
    schema: { tags: ['assessments'], summary: 'Record the method and result for learning outcomes, and the assessors (assessment stage)', security: [{ bearer: [] }], params: caseParams, body: resultsBody },
  }, async (request) => {
    const actor = await actorOf(request);
    await recordResults(deps, actor, request.params.id, request.body);
    return await view(actor, request.params.id);
  });

  app.post<{ Params: { slug: string; id: string }; Body: DecisionInput }>('/orgs/:slug/assessments/:id/decision', {
    schema: { tags: ['assessments'], summary: 'Decide: full, partial or none, with gap-training advice for units not validated; the case is then frozen', security: [{ bearer: [] }], params: caseParams, body: decisionBody },
  }, async (request) => {
    const actor = await actorOf(request);
    await decide(deps, actor, request.params.id, request.body);
    return await view(actor, request.params.id);
  });

  app.post<{ Params: { slug: string; id: string }; Body: { format?: CredentialFormat; holder?: HolderInput } }>('/orgs/:slug/assessments/:id/certify', {
    schema: {
      tags: ['assessments'], summary: 'Certification: issue the Open Badges 3.0 credential for the validated units (with holder: and a claim link for the candidate)', security: [{ bearer: [] }], params: caseParams,
      body: {
        type: 'object', additionalProperties: false,
        properties: {
          format: { type: 'string', enum: [...CREDENTIAL_FORMATS] },
          holder: { ...holderInputSchema, description: 'as options.holder of POST /credentials/issue; the name defaults to the candidate\'s. The answer then carries a one-time claim link (and its QR code) for the candidate' },
        },
      },
    },
  }, async (request, reply) => {
    const actor = await actorOf(request);
    const holderInput = request.body?.holder;
    const candidateName = holderInput ? ((await requireCase(deps, actor.organisation, request.params.id)).candidate as { name: string }).name : undefined;
    const holder = holderInput ? { ...holderInput, name: holderInput.name ?? candidateName } : undefined;
    if (holder) holderDetailsOf(holder); // a bad holder is refused before anything is signed
    const { issued } = await certify({ ...deps, issueDepsFor: (alsoOnIssue) => issueDepsActingAs(services, actor.tokenId, alsoOnIssue) },
      actor, request.params.id, { format: request.body?.format, nameInCredential: holder?.nameInCredential ?? 'plain' });
    const body = { verifiableCredential: issued.verifiableCredential, case: await view(actor, request.params.id) };
    if (!holder) return reply.status(201).send(body);
    const offer = await services.wallet.createClaimOffer(issued, holder);
    return reply.status(201).send({ ...body, claimOffer: { ...offer, qrCodeSvg: await qrCodeSvg(offer.url) } });
  });

  app.post<{ Params: { slug: string; id: string }; Body: { reason: string } }>('/orgs/:slug/assessments/:id/appeal', {
    schema: {
      tags: ['assessments'], summary: 'Appeal a decision: opens a new case linked to it, with its evidence, at the documentation stage', security: [{ bearer: [] }], params: caseParams,
      body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: text(4000) } },
    },
  }, async (request, reply) => {
    const actor = await actorOf(request);
    const record = await appeal(deps, actor, request.params.id, request.body.reason);
    return reply.status(201).header('location', `/orgs/${actor.organisation.slug}/assessments/${record.id}`).send(await view(actor, record.id));
  });
}
