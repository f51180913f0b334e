import { Readable } from 'node:stream';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../services.js';
import { principalOf } from '../http/auth.js';
import { AppError, badRequest, forbidden, notFound } from '../errors.js';
import { authorise, isBootstrapAdmin } from '../orgs/tokens.js';
import { ISSUE_FORMATS, JWS_ALGS, issueCredential, issuesVc11Jwt, walletCannotHoldVc11Jwt, type IssueOptions } from '../credentials/issue.js';
import { SD_JWT_VC_FORMAT } from '../credentials/sdJwtVc.js';
import { verifyCredential, verifyPresentation, type VerificationResult, type VerifyDeps } from '../credentials/verify.js';
import { BATCH_LIMITS, inOrder, jsonLinesOf, type JsonLine } from '../credentials/batchVerify.js';
import { withVerificationSnapshot } from '../credentials/verificationSnapshot.js';
import { assertWellFormedUnicode } from '../http/wellFormedJson.js';
import { errorHandler, itemProblemOf, problemOf, PROBLEM_CONTENT_TYPE } from '../http/problems.js';
import { STATUS_PURPOSES } from '../credentials/statusLists.js';
import { holderDetailsOf, holderInputSchema, type HolderInput } from '../wallet/holder.js';
import { withHolderName } from '../credentials/holderIdentity.js';
import { qrCodeSvg } from '../web/qr.js';
import { issueDepsActingAs } from '../audit/actingAs.js';
import { ACHIEVEMENT_ID_PATTERN, requireAchievement } from '../training/achievements.js';
import { credentialFromAchievement } from '../training/achievementCredential.js';
import { trustOfVerification } from '../trust/trustCheck.js';
import { recognitionForCredential } from '../frameworks/credentialMapping.js';
import { withAbsoluteLevelUris } from '../frameworks/linkedData.js';

const statusRequest = {
  type: 'object', additionalProperties: false, required: ['type', 'statusPurpose'],
  properties: { type: { const: 'BitstringStatusListEntry' }, statusPurpose: { type: 'string', enum: [...STATUS_PURPOSES] } },
} as const;

/** The problem codes of the VC Data Model and VC-API rules checked before signing (README, "Errors"). */
const ISSUE_REFUSALS = 'Refused with 400 problem+json, by `code`: missing-issuer (no issuer and no options.issuer "organisation"), '
  + 'issuer-mismatch (issuer is not the organisation\'s DID), invalid-credential-subject (not an object or a non-empty array of objects), '
  + 'credential-schema-without-type, refresh-service-without-type, invalid-related-resource (not a non-empty array of objects with an id, '
  + 'or a malformed digest), duplicate-related-resource-id, related-resource-without-digest, invalid-credential-status (a credentialStatus entry '
  + 'without type, or whose id is not a URL), status-managed-by-service (an entry pointing into this service\'s own lists), unsupported-format-for-wallet (options.holder with a VC 1.1 JWT or dc+sd-jwt), holder-key-needs-sd-jwt (options.holderJwk with another format), unsupported-credential-for-sd-jwt (dc+sd-jwt of a credential with several subjects), nothing-to-co-sign, existing-proof-invalid, add-proof-needs-data-integrity (options.addProof), '
  + 'no-key-for-algorithm (the organisation has no key of the algorithm the format or options.alg needs), alg-needs-jwt (options.alg with a Data Integrity format); 409 duplicate-credential-id.';

/** Verification answers 200 when verified and 400 with the same body when not (as the VC-API test suites expect). */
const verificationStatus = (verified: boolean) => (verified ? 200 : 400);

const JSON_LINES_TYPES = ['application/jsonl', 'application/x-ndjson'];

interface VerifyOptions { recognition?: { framework?: string; country?: string }; lang?: string }
type VerifyBody = { options?: VerifyOptions } & ({ verifiableCredential: unknown; verifiableCredentials?: undefined } | { verifiableCredentials: unknown[] });

const VERIFY_DESCRIPTION = 'One credential (`verifiableCredential`): 200 when verified, 400 with the same body when not. '
  + `Many (\`verifiableCredentials\`, 1 to ${BATCH_LIMITS.credentials.toLocaleString('en')}): 200 with \`{"verified": <all verified>, "results": [...]}\`, `
  + 'one result per credential in the order sent, each shaped as a single verification\'s answer; a credential that cannot be read gets `verified: false` '
  + 'and its own `problem` (problem+json) without failing the others. More: 413 too-many-credentials; an empty list: 400 invalid-request. '
  + 'JSON Lines (Content-Type application/jsonl or application/x-ndjson, one credential per line, up to '
  + `${BATCH_LIMITS.jsonLinesCredentials.toLocaleString('en')} lines of up to 1 MB): answered as JSON Lines while the body is read, one line per credential in order, `
  + 'each with its `line` number; a line that is not JSON or too long gets its own `problem`; a body past its limits ends with a last line whose problem says so.';

export default async function credentialRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const trustDeps = { accreditations: services.trustAccreditations, now: services.now };
  app.post<{ Body: { credential: unknown; options?: IssueOptions & { achievement?: string } } }>('/credentials/issue', {
    schema: {
      tags: ['credentials'], summary: 'Issue (sign) a credential as the token\'s organisation', security: [{ bearer: [] }],
      description: ISSUE_REFUSALS,
      body: {
        type: 'object', required: ['credential'], additionalProperties: false,
        properties: {
          credential: { type: 'object', description: 'unsigned VC 2.0 (or 1.1) credential; passed through untouched' },
          options: {
            type: 'object',
            properties: {
              format: { type: 'string', enum: [...ISSUE_FORMATS], description: 'default eddsa-rdfc-2022 (ecdsa-rdfc-2019 for a P-256 did:key organisation); ecdsa-* sign with the organisation\'s P-256 key, eddsa-* with its Ed25519 key; vc+jwt gives an EnvelopedVerifiableCredential for VC 2.0, and for VC 1.1 the compact JWT (vc claim, iss/jti/nbf/exp/sub) as a string; dc+sd-jwt the compact SD-JWT VC as a string (selectively disclosable name, results, evidence and alignments; status in a Token Status List with revocation and suspension)' },
              holderJwk: { type: 'object', required: ['kty'], properties: { kty: { type: 'string' } }, description: 'dc+sd-jwt only: the holder\'s public key (JWK), bound as cnf.jwk; presentations then need a key binding JWT signed with it' },
              alg: { type: 'string', enum: [...JWS_ALGS], description: 'vc+jwt and dc+sd-jwt only: EdDSA (Ed25519 key) or ES256 (P-256 key); default the organisation\'s default key (EdDSA, or ES256 for a P-256 did:key organisation), and for dc+sd-jwt ES256 whenever the organisation has a P-256 key' },
              credentialId: { type: 'string', format: 'uri' },
              addProof: { type: 'boolean', description: 'co-sign: add the organisation\'s proof to an already signed credential whose proofs verify (chained to its last proof when that proof has an id, else joining the proof set)' },
              issuer: { const: 'organisation', description: 'fill a missing credential.issuer with the organisation\'s DID; without it a credential without issuer is refused (missing-issuer)' },
              credentialStatus: { oneOf: [statusRequest, { type: 'array', items: statusRequest, maxItems: 2 }, { const: false }], description: 'the service\'s own status entries beyond revocation; false for none (entries the credential carries are kept)' },
              holder: holderInputSchema,
              achievement: { type: 'string', pattern: ACHIEVEMENT_ID_PATTERN, description: 'id of a catalogue achievement: the service builds the OpenBadgeCredential from it, and credential gives only the recipient (credentialSubject) and extras' },
            },
          },
        },
      },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    if (isBootstrapAdmin(principal) || !principal.organisationId) {
      throw forbidden('Issue with a token of the issuing organisation (POST /orgs/<slug>/tokens with scopes ["issue"]), not the administrator token');
    }
    const organisation = (await services.repos.organisations.byId(principal.organisationId))!;
    authorise(principal, organisation, 'issue');
    const holder = (request.body.options as { holder?: HolderInput } | undefined)?.holder;
    if (holder) holderDetailsOf(holder); // a bad holder is refused before anything is signed
    const { achievement: achievementId, ...issueOptions } = request.body.options ?? {};
    // With options.achievement the catalogue supplies the achievement, so the credential cannot drift from its published definition.
    const achievement = achievementId === undefined ? undefined : await requireAchievement(services.repos.achievements, organisation, achievementId);
    const built = achievement === undefined ? request.body.credential : credentialFromAchievement({
      achievement, organisation, baseUrl: services.config.baseUrl, partial: request.body.credential,
    });
    // Whose credential it is, in the credential itself: an employer reading it can tell it is the person in front of them.
    const credential = holder ? withHolderName(built, holder.name, holder.nameInCredential ?? 'plain') : built;
    if (holder && issuesVc11Jwt(credential, issueOptions)) throw walletCannotHoldVc11Jwt();
    if (holder && issueOptions.format === SD_JWT_VC_FORMAT) {
      throw badRequest('unsupported-format-for-wallet', 'An SD-JWT VC is held by wallet apps, not by this service\'s web wallet (options.holder): issue it without options.holder, or in a Data Integrity format');
    }
    const issued = await issueCredential(issueDepsActingAs(services, principal.tokenId), { organisation, credential, options: issueOptions });
    // Which version it came from, for the statistics (occupation, skills, levels), as batch rows record it.
    if (achievement) await services.repos.achievements.recordIssuedFrom({ credentialId: issued.id, organisationId: organisation.id, achievementId: achievement.id, achievementVersion: achievement.version });
    if (!holder) return reply.status(201).send({ verifiableCredential: issued.verifiableCredential });
    // A one-time link (and its QR code) for the person the credential is for: opening it adds it to their wallet.
    const offer = await services.wallet.createClaimOffer(issued, holder);
    return reply.status(201).send({ verifiableCredential: issued.verifiableCredential, claimOffer: { ...offer, qrCodeSvg: await qrCodeSvg(offer.url) } });
  });

  const verifyOptionsSchema = {
    type: 'object',
    properties: {
      recognition: {
        type: 'object', additionalProperties: false,
        description: 'add what the credential\'s level corresponds to in this framework or country\'s framework',
        properties: { framework: { type: 'string', maxLength: 40 }, country: { type: 'string', pattern: '^[A-Za-z]{2}$' } },
      },
      lang: { type: 'string', maxLength: 10, description: 'language of the recognition explanation: en, fr, es, ar' },
    },
  } as const;
  const credentialInput = { type: ['object', 'string'], description: 'a credential with a Data Integrity proof, an EnvelopedVerifiableCredential, a compact vc+jwt, or a compact SD-JWT VC (dc+sd-jwt, with or without key binding)' } as const;

  /** What a verification answers: the result, whether an authority accredits the issuer and, when asked, recognition. */
  async function answerOf(result: VerificationResult, options: VerifyOptions): Promise<Record<string, unknown>> {
    const body: Record<string, unknown> = { ...result };
    // Whether an authority accredits the issuer: its own answer, never part of `verified` (unknown is not invalid).
    const trust = await trustOfVerification(trustDeps, result, options.lang);
    if (options.recognition && result.credential) {
      // A bad target is the caller's mistake (problem+json); a credential without a level is an answer.
      // The issuer's stated levels are claims; an accreditation in force for them makes them accredited claims.
      const recognition = recognitionForCredential(result.credential, { ...options.recognition, lang: options.lang }, trust.valid ? trust.accreditations : []);
      body.recognition = recognition ? withAbsoluteLevelUris(recognition, services.config.baseUrl)
        : { outcome: 'no-framework-level', explanation: 'The credential states no level of a known qualification framework.' };
    }
    body.trust = trust;
    return body;
  }

  /** Verifies and answers in one snapshot: the trust answer reads the issuer's accreditations with the verification's stamp. */
  const verifiedAnswerOf = (deps: VerifyDeps, input: unknown, options: VerifyOptions) => withVerificationSnapshot(async () => {
    const result = await verifyCredential(deps, input);
    return { result, answer: await answerOf(result, options) };
  });

  /** One credential of a batch: its answer, or the problem that kept it from being verified (the others go on). */
  async function batchAnswerOf(input: unknown, options: VerifyOptions, log: FastifyBaseLogger): Promise<Record<string, unknown>> {
    try {
      return (await verifiedAnswerOf(services.batchVerifyDeps, input, options)).answer;
    } catch (error) {
      return failedAnswer(error, log);
    }
  }
  const failedAnswer = (error: unknown, log: FastifyBaseLogger) => ({ verified: false, checks: [], problemDetails: [], problem: itemProblemOf(error, log) });

  /** A JSON Lines body answered line by line, in order, as the lines arrive (see batchVerify.ts for the limits). */
  async function* jsonLinesAnswers(body: Readable, log: FastifyBaseLogger): AsyncGenerator<string> {
    const answers = inOrder(jsonLinesOf(body), async (entry: JsonLine) => {
      if ('error' in entry) return { line: entry.line, ...failedAnswer(entry.error, log) };
      try {
        // The whole-body check of a JSON body (wellFormedJson.ts), here for each line.
        assertWellFormedUnicode(entry.value, `Line ${entry.line}`);
      } catch (error) {
        return { line: entry.line, ...failedAnswer(error, log) };
      }
      return { line: entry.line, ...await batchAnswerOf(entry.value, {}, log) };
    }, BATCH_LIMITS.inFlight);
    for await (const answer of answers) yield `${JSON.stringify(answer)}\n`;
  }

  const jsonBodyBytes = new WeakMap<FastifyRequest, number>();
  // Verification alone takes JSON Lines, as a stream (read as it is verified, never held whole).
  await app.register(async (scope) => {
    scope.addContentTypeParser(JSON_LINES_TYPES, (_request: FastifyRequest, payload: Readable, done: (error: Error | null, body?: Readable) => void) => done(null, payload));
    // JSON as everywhere else (fastify's parser, prototype poisoning refused), its size kept: the body limit below is a
    // batch's, and one credential alone keeps the 1 MB of every other JSON body, with or without a Content-Length.
    const parseJson = scope.getDefaultJsonParser('error', 'error');
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BATCH_LIMITS.bodyBytes }, (request, body, done) => {
      jsonBodyBytes.set(request, Buffer.byteLength(body as string));
      void parseJson(request, body as string, done);
    });
    scope.post<{ Body: VerifyBody | Readable }>('/credentials/verify', {
      bodyLimit: BATCH_LIMITS.bodyBytes,
      errorHandler: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
        if (error.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') return errorHandler(error, request, reply);
        const detail = `The body is larger than ${BATCH_LIMITS.bodyBytes / 1024 / 1024} MB; send fewer credentials per request, or send them as JSON Lines (Content-Type: application/jsonl)`;
        return reply.status(413).type(PROBLEM_CONTENT_TYPE).send(problemOf(413, 'body-too-large', detail));
      },
      schema: {
        tags: ['credentials'], summary: 'Verify a credential, or many at once: proof, issuer key, validity dates, status, schema',
        description: VERIFY_DESCRIPTION,
        body: {
          content: {
            'application/json': {
              schema: {
                type: 'object', additionalProperties: false,
                oneOf: [{ required: ['verifiableCredential'] }, { required: ['verifiableCredentials'] }],
                properties: {
                  verifiableCredential: credentialInput,
                  verifiableCredentials: {
                    type: 'array', minItems: 1,
                    description: `1 to ${BATCH_LIMITS.credentials.toLocaleString('en')} credentials, each as verifiableCredential (more: 413 too-many-credentials); one that is not a credential gets its own problem in the results`,
                  },
                  options: verifyOptionsSchema,
                },
              },
            },
            ...Object.fromEntries(JSON_LINES_TYPES.map((type) => [type, {
              // No type: fastify validates the parsed body, here the stream itself; the lines are checked as they are read.
              schema: { description: 'text, one credential per line (a JSON object, or a compact vc+jwt as a JSON string); answered as JSON Lines' },
            }])),
          },
        },
      },
    }, async (request, reply) => {
      const body = request.body;
      // The body schema is per content type, so a request with no body (or another type) reaches here unchecked.
      if (typeof body !== 'object' || body === null) {
        throw badRequest('invalid-request', 'Send a JSON body with verifiableCredential (one credential) or verifiableCredentials (many), or JSON Lines with Content-Type: application/jsonl');
      }
      if (body instanceof Readable) {
        if (Number(request.headers['content-length'] ?? 0) > BATCH_LIMITS.jsonLinesBodyBytes) {
          throw new AppError('body-too-large', 413, `A JSON Lines body may take at most ${BATCH_LIMITS.jsonLinesBodyBytes / 1024 / 1024} MB; send the credentials in several requests`);
        }
        return reply.type('application/jsonl; charset=utf-8').send(Readable.from(jsonLinesAnswers(body, request.log)));
      }
      const options = body.options ?? {};
      if (body.verifiableCredentials) {
        const inputs = body.verifiableCredentials;
        if (inputs.length > BATCH_LIMITS.credentials) {
          throw new AppError('too-many-credentials', 413, `One request verifies at most ${BATCH_LIMITS.credentials.toLocaleString('en')} credentials (got ${inputs.length.toLocaleString('en')}); send them in several requests, or as JSON Lines (Content-Type: application/jsonl)`);
        }
        // One snapshot for the whole request: each issuer's DID resolved once and one change stamp taken, so that the
        // batch is answered against one state of its issuers' keys, status lists and accreditations (a JSON Lines
        // stream, which may run for minutes, takes one per credential).
        const results = await withVerificationSnapshot(async () => {
          const answers: Array<Record<string, unknown>> = [];
          for await (const answer of inOrder(inputs, (input) => batchAnswerOf(input, options, request.log), BATCH_LIMITS.inFlight)) answers.push(answer);
          return answers;
        });
        return { verified: results.every((r) => r.verified === true), results };
      }
      if ((jsonBodyBytes.get(request) ?? 0) > BATCH_LIMITS.credentialBytes) {
        throw new AppError('body-too-large', 413, 'One credential may take at most 1 MB; several go in verifiableCredentials (up to 16 MB) or JSON Lines');
      }
      const { result, answer } = await verifiedAnswerOf(services.requestVerifyDeps, body.verifiableCredential, options);
      return reply.status(verificationStatus(result.verified)).send(answer);
    });
  });

  app.post<{ Body: { verifiablePresentation: unknown; options?: { challenge?: string; domain?: string } } }>('/presentations/verify', {
    schema: {
      tags: ['credentials'], summary: 'Verify a presentation: the holder\'s proof (challenge, domain) and every credential in it',
      description: 'An envelope whose @context does not start with the VC 2.0 context fails the `envelope` check; an envelope whose id is not a data:application/vp+jwt URL is 400 invalid-envelope.',
      body: {
        type: 'object', required: ['verifiablePresentation'], additionalProperties: false,
        properties: {
          verifiablePresentation: { type: ['object', 'string'], description: 'a presentation with a Data Integrity proof, an EnvelopedVerifiablePresentation (data:application/vp+jwt,...), a compact vp+jwt whose nonce and aud are the challenge and domain, or an SD-JWT VC with a key binding JWT whose nonce and aud are the challenge and domain' },
          options: { type: 'object', properties: { challenge: { type: 'string', maxLength: 500 }, domain: { type: 'string', maxLength: 500 } } },
        },
      },
    },
  }, async (request, reply) => {
    const result = await verifyPresentation(services.requestVerifyDeps, request.body.verifiablePresentation, request.body.options ?? {});
    const credentialResults = await Promise.all(result.credentialResults.map(async (r) => ({ ...r, trust: await trustOfVerification(trustDeps, r) })));
    return reply.status(verificationStatus(result.verified)).send({ ...result, credentialResults });
  });

  app.post<{ Body: { credentialId: string; credentialStatus: { type: string; statusPurpose: string }; status: boolean } }>('/credentials/status', {
    schema: {
      tags: ['credentials'], summary: 'Revoke, suspend or lift a suspension (revocation is final)', security: [{ bearer: [] }],
      body: {
        type: 'object', additionalProperties: false, required: ['credentialId', 'credentialStatus', 'status'],
        properties: { credentialId: { type: 'string', maxLength: 500 }, credentialStatus: statusRequest, status: { type: 'boolean' } },
      },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const { credentialId, credentialStatus, status } = request.body;
    const record = await services.repos.credentials.byId(credentialId);
    if (!record) throw notFound('unknown-credential', `No credential with id ${credentialId} was issued by this service`);
    const owner = (await services.repos.organisations.byId(record.organisationId))!;
    authorise(principal, owner, 'status');
    const { changed } = await services.audit.record(
      () => services.statusLists.updateStatus(owner, credentialId, credentialStatus.statusPurpose, status),
      (outcome) => (outcome.changed ? {
        organisationId: owner.id, actorTokenId: principal.tokenId, subject: credentialId,
        action: credentialStatus.statusPurpose === 'revocation' ? 'credential.revoked' : status ? 'credential.suspended' : 'credential.suspension-lifted',
      } : undefined),
    );
    return { credentialId, statusPurpose: credentialStatus.statusPurpose, status, changed };
  });
}
