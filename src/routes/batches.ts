import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../services.js';
import { principalOf } from '../http/auth.js';
import { errorHandler, problemOf, PROBLEM_CONTENT_TYPE } from '../http/problems.js';
import { AppError, badRequest, forbidden, notFound } from '../errors.js';
import { authorise, isBootstrapAdmin, type Principal } from '../orgs/tokens.js';
import { CREDENTIAL_FORMATS } from '../credentials/issue.js';
import { issueDepsActingAs } from '../audit/actingAs.js';
import { ROW_STATES, type RowState } from '../db/repositories/training.js';
import type { Organisation } from '../db/repositories/organisations.js';
import { BatchRunner } from '../training/batchRunner.js';
import { batchView, createBatch } from '../training/batches.js';
import { MAX_ROWS, type FileFormat } from '../training/batchRows.js';
import { MultipartError, multipartPlugin, readParts } from '../http/multipartForm.js';
import { InFlightLimit } from '../http/inFlight.js';
import { acceptedLanguage } from '../web/i18n.js';
import { NAME_FORMS, type NameForm } from '../credentials/holderIdentity.js';
import { BATCH_QUEUED, onSiblingMessage, tellSiblings } from '../clusterSiblings.js';

const CSV_TYPES = ['text/csv', 'application/csv'];
const JSON_LINES_TYPES = ['application/x-ndjson', 'application/jsonl', 'application/jsonlines', 'application/x-jsonlines'];

const fileFormatOf = (mediaType: string | undefined, filename?: string): FileFormat | undefined => {
  if (mediaType && CSV_TYPES.includes(mediaType)) return 'csv';
  if (mediaType && JSON_LINES_TYPES.includes(mediaType)) return 'jsonl';
  if (filename && /\.csv$/i.test(filename)) return 'csv';
  if (filename && /\.(jsonl|ndjson)$/i.test(filename)) return 'jsonl';
  return undefined;
};

const mediaTypeOf = (request: FastifyRequest) => request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();

const uploadHelp = 'Send the recipients as text/csv or application/x-ndjson with ?achievement=<id>, or as multipart/form-data with fields "achievement" and "file"';

/** The upload form has three fields (achievement, format, file); 10 parts leave room without reading thousands. */
const MAX_PARTS = 10;

const fileTooLarge = (maxBytes: number) =>
  `The file is larger than ${maxBytes} bytes (${(maxBytes / 1024 / 1024).toFixed(1)} MB); split it into batches of at most ${MAX_ROWS} rows`;

/** The batch's upload in one shape, whichever way it was sent. */
async function uploadOf(request: FastifyRequest<{ Querystring: { achievement?: string; format?: string; nameInCredential?: NameForm } }>, maxBytes: number): Promise<{
  achievementId: string; credentialFormat?: string; fileFormat: FileFormat; content: Buffer; nameInCredential?: NameForm;
}> {
  const mediaType = mediaTypeOf(request);
  let achievementId = request.query.achievement;
  let credentialFormat = request.query.format;
  let nameInCredential: string | undefined = request.query.nameInCredential;
  let fileFormat = fileFormatOf(mediaType);
  let content = request.body as Buffer;
  if (mediaType === 'multipart/form-data') {
    let parts;
    try {
      parts = await readParts(request, { maxBytes, maxParts: MAX_PARTS });
    } catch (error) {
      if (!(error instanceof MultipartError)) throw error;
      if (error.kind === 'too-large') throw new AppError('file-too-large', 413, fileTooLarge(maxBytes));
      throw badRequest('invalid-multipart', `The multipart body cannot be read: ${error.message}. ${uploadHelp}`);
    }
    const field = (name: string) => parts.find((p) => p.name === name && p.filename === undefined)?.content.toString('utf8').trim();
    achievementId = field('achievement') ?? achievementId;
    credentialFormat = field('format') ?? credentialFormat;
    nameInCredential = field('nameInCredential') ?? nameInCredential;
    const file = parts.find((p) => p.name === 'file');
    if (!file) throw badRequest('missing-file', `The form has no "file" part. ${uploadHelp}`);
    fileFormat = fileFormatOf(file.contentType, file.filename);
    if (!fileFormat) {
      throw badRequest('unknown-file-format', `Cannot tell whether "${file.filename ?? 'file'}" is CSV or JSON Lines; name it .csv or .jsonl, or give the part a Content-Type of text/csv or application/x-ndjson`);
    }
    content = file.content;
  }
  if (!achievementId) throw badRequest('missing-achievement', `Name the achievement to issue. ${uploadHelp}`);
  if (nameInCredential !== undefined && !(NAME_FORMS as readonly string[]).includes(nameInCredential)) {
    throw badRequest('invalid-name-form', `nameInCredential must be one of ${NAME_FORMS.join(', ')}`);
  }
  return {
    achievementId, ...(credentialFormat ? { credentialFormat } : {}), fileFormat: fileFormat!, content,
    ...(nameInCredential ? { nameInCredential: nameInCredential as NameForm } : {}),
  };
}

const batchParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;

/**
 * Batch issuance: POST a recipient file, every row is checked before anything is issued, then a background runner
 * issues the rows (resumed after a restart). Parsers and limits for CSV, JSON Lines and multipart stay inside this plugin.
 */
export default async function batchRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const runner = new BatchRunner({
    database: services.database, batches: services.repos.batches, achievements: services.repos.achievements, organisations: services.repos.organisations,
    issueDepsFor: (actorTokenId) => issueDepsActingAs(services, actorTokenId), baseUrl: services.config.baseUrl, now: services.now,
    leaseMs: services.config.batchLeaseMs, pollMs: services.config.batchPollMs,
    onBatchJoined: (batchId) => app.log.info({ batchId }, 'batch issuance: this process is issuing rows of the batch'),
    onError: (error, context) => app.log.error({ err: error, ...context }, 'batch issuance error'),
    // Each recipient gets a claim offer; its link is shown again in the row (GET /batches/<id>).
    onRowsIssued: (rows) => services.wallet.createBatchClaimOffers(rows.map(({ issued, recipient }) => ({
      issued, holder: { name: recipient.name, email: recipient.email, phone: recipient.phone, did: recipient.did },
    }))),
  });
  const viewDeps = {
    batches: services.repos.batches, now: services.now, baseUrl: services.config.baseUrl,
    claimUrlOf: (credentialId: string) => services.wallet.batchClaimUrl(credentialId),
  };
  /** A batch was queued or retried here: this process's runner and, in a cluster, the other workers' take its rows. */
  const queued = () => {
    runner.wake();
    tellSiblings(BATCH_QUEUED);
  };
  let stopListening: (() => void) | undefined;
  app.addHook('onReady', async () => {
    runner.start();
    stopListening = onSiblingMessage(BATCH_QUEUED, () => runner.wake());
  });
  // preClose: before the database closes (onClose), the rows being signed finish and the leases are given back.
  app.addHook('preClose', async () => {
    stopListening?.();
    await runner.stop();
  });

  // PASSERELLE_UPLOAD_MAX_BYTES: each upload is held in memory while its rows are checked.
  const maxBytes = services.config.uploads.maxBytes;
  const keepBuffer = (_request: FastifyRequest, body: Buffer, done: (error: Error | null, body?: Buffer) => void) => done(null, body);
  app.addContentTypeParser([...CSV_TYPES, ...JSON_LINES_TYPES], { parseAs: 'buffer', bodyLimit: maxBytes }, keepBuffer);
  // Forms are streamed part by part (uploadOf), each within the same byte limit.
  await app.register(multipartPlugin);
  // PASSERELLE_UPLOADS_PER_ORGANISATION: bounds the memory one organisation's token can hold (uploads × maxBytes).
  const uploadsInFlight = new InFlightLimit(services.config.uploads.perOrganisation);
  const uploadOrganisation = new WeakMap<FastifyRequest, Organisation>();

  // The application's messages speak of JSON bodies and 1 MB; an upload needs its own.
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const problem = problemOf(413, 'file-too-large', fileTooLarge(maxBytes));
      return reply.status(413).type(PROBLEM_CONTENT_TYPE).send(problem);
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.status(415).type(PROBLEM_CONTENT_TYPE).send(problemOf(415, 'unsupported-media-type', uploadHelp));
    }
    return errorHandler(error, request, reply);
  });

  const issuingOrganisation = async (principal: Principal): Promise<Organisation> => {
    if (isBootstrapAdmin(principal) || !principal.organisationId) {
      throw forbidden('Batches are issued with a token of the issuing organisation (POST /orgs/<slug>/tokens with scopes ["issue"]), not the administrator token');
    }
    const organisation = (await services.repos.organisations.byId(principal.organisationId))!;
    authorise(principal, organisation, 'issue');
    return organisation;
  };
  const requireBatch = async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const batch = await services.repos.batches.byId(request.params.id);
    if (!batch) throw notFound('unknown-batch', `No batch ${request.params.id}`);
    const organisation = (await services.repos.organisations.byId(batch.organisationId))!;
    authorise(principalOf(request), organisation, 'issue');
    return { batch, organisation };
  };

  app.post<{ Querystring: { achievement?: string; format?: string; nameInCredential?: NameForm } }>('/batches', {
    bodyLimit: maxBytes,
    // Before the body is read: who is uploading, and whether their organisation already has enough uploads in flight.
    onRequest: async (request, reply) => {
      const organisation = await issuingOrganisation(principalOf(request));
      const release = uploadsInFlight.tryAcquire(organisation.id);
      if (!release) {
        throw new AppError('too-many-uploads', 429, `Organisation "${organisation.slug}" already has ${services.config.uploads.perOrganisation} batch uploads in progress; wait for one to be answered, then send this one again`);
      }
      // 'close' fires once the response is sent or the connection is lost, whichever comes first.
      reply.raw.once('close', release);
      uploadOrganisation.set(request, organisation);
    },
    schema: {
      tags: ['batches'], summary: 'Issue an achievement to every recipient of a CSV or JSON Lines file (checked in full first, then issued in the background)',
      security: [{ bearer: [] }],
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          achievement: { type: 'string', maxLength: 64, description: 'achievement id in the organisation\'s catalogue (or a multipart field)' },
          format: { type: 'string', enum: [...CREDENTIAL_FORMATS], description: 'default eddsa-rdfc-2022, ecdsa-rdfc-2019 for a P-256 did:key organisation (or a multipart field)' },
          nameInCredential: { type: 'string', enum: [...NAME_FORMS], description: 'each name in clear (default) or as a salted SHA-256 hash (or a multipart field)' },
        },
      },
    },
  }, async (request, reply) => {
    const organisation = uploadOrganisation.get(request)!;
    if (!request.isMultipart() && !Buffer.isBuffer(request.body)) throw new AppError('unsupported-media-type', 415, uploadHelp);
    const upload = await uploadOf(request, maxBytes);
    const { batch, created } = await createBatch({
      batches: services.repos.batches, achievements: services.repos.achievements, credentials: services.repos.credentials,
      baseUrl: services.config.baseUrl, now: services.now,
    }, { organisation, ...upload, lang: acceptedLanguage(request.headers['accept-language']) ?? 'en', createdByTokenId: principalOf(request).tokenId });
    if (created) queued();
    const view = await batchView(viewDeps, batch, organisation, { offset: 0, limit: 0 });
    // The same file again is the same batch: 200 and its current state instead of 202 and a new one.
    return reply.status(created ? 202 : 200).header('location', `/batches/${batch.id}`).send({ ...view, resubmitted: !created });
  });

  app.get<{ Querystring: { limit?: string } }>('/batches', {
    schema: {
      tags: ['batches'], summary: 'The organisation\'s batches, newest first', security: [{ bearer: [] }],
      querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'string', pattern: '^(?:[1-9]\\d?|1\\d\\d|200)$', description: '1 to 200 (default 50)' } } },
    },
  }, async (request) => {
    const organisation = await issuingOrganisation(principalOf(request));
    const batches = await services.repos.batches.listFor(organisation.id, Number(request.query.limit ?? 50));
    return Promise.all(batches.map((batch) => batchView(viewDeps, batch, organisation, { offset: 0, limit: 0 })));
  });

  app.get<{ Params: { id: string }; Querystring: { offset?: string; limit?: string; state?: RowState } }>('/batches/:id', {
    schema: {
      tags: ['batches'], summary: 'Progress (counts, rate, estimated time left) and each row\'s result', security: [{ bearer: [] }], params: batchParams,
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          // Query strings are not coerced (the app's ajv never coerces), so numbers are checked as digits.
          offset: { type: 'string', pattern: '^\\d{1,6}$' }, limit: { type: 'string', pattern: '^\\d{1,5}$', description: `rows to list (default 1000, at most ${MAX_ROWS})` },
          state: { type: 'string', enum: [...ROW_STATES], description: 'only rows in this state, e.g. failed' },
        },
      },
    },
  }, async (request) => {
    const { batch, organisation } = await requireBatch(request);
    const { offset = '0', limit = '1000', state } = request.query;
    return batchView(viewDeps, batch, organisation,
      { offset: Number(offset), limit: Math.min(Number(limit), MAX_ROWS), ...(state ? { state } : {}) });
  });

  app.get<{ Params: { id: string } }>('/batches/:id/credentials', {
    schema: { tags: ['batches'], summary: 'The issued credentials as JSON Lines: {line, key, name, credentialId, claimUrl, verifiableCredential}', security: [{ bearer: [] }], params: batchParams },
  }, async (request, reply) => {
    const { batch } = await requireBatch(request);
    const lines: string[] = [];
    for (let offset = 0; ; offset += 1000) {
      const rows = await services.repos.batches.rows(batch.id, { offset, limit: 1000, state: 'issued' });
      for (const row of rows) {
        lines.push(JSON.stringify({
          line: row.line, key: row.rowKey, name: (row.recipient as { name?: string }).name, credentialId: row.credentialId,
          claimUrl: viewDeps.claimUrlOf(row.credentialId), verifiableCredential: JSON.parse(row.document!),
        }));
      }
      if (rows.length < 1000) break;
    }
    return reply.type('application/x-ndjson').send(lines.length ? `${lines.join('\n')}\n` : '');
  });

  app.post<{ Params: { id: string } }>('/batches/:id/retry', {
    schema: { tags: ['batches'], summary: 'Issue the failed rows of a batch again', security: [{ bearer: [] }], params: batchParams },
  }, async (request) => {
    const { batch } = await requireBatch(request);
    const retried = await services.repos.batches.retryFailed(batch.id);
    if (retried > 0) queued();
    return { id: batch.id, retried };
  });
}
