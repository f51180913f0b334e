import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { principalOf } from '../http/auth.js';
import { forbidden, notFound } from '../errors.js';
import { authorise, isBootstrapAdmin } from '../orgs/tokens.js';
import { CREDENTIAL_FORMATS, issueCredential, issuesVc11Jwt, walletCannotHoldVc11Jwt, type IssueOptions } from '../credentials/issue.js';
import { verifyCredential, verifyPresentation } from '../credentials/verify.js';
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
  + 'without type, or whose id is not a URL), status-managed-by-service (an entry pointing into this service\'s own lists), unsupported-format-for-wallet (options.holder with a VC 1.1 JWT), nothing-to-co-sign, existing-proof-invalid, add-proof-needs-data-integrity (options.addProof); 409 duplicate-credential-id.';

/** Verification answers 200 when verified and 400 with the same body when not (as the VC-API test suites expect). */
const verificationStatus = (verified: boolean) => (verified ? 200 : 400);

export default async function credentialRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const trustDeps = { accreditations: services.repos.accreditations, now: services.now };
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
              format: { type: 'string', enum: [...CREDENTIAL_FORMATS], description: 'default eddsa-rdfc-2022; vc+jwt gives an EnvelopedVerifiableCredential for VC 2.0, and for VC 1.1 the compact JWT (vc claim, iss/jti/nbf/exp/sub) as a string' },
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
    const issued = await issueCredential(issueDepsActingAs(services, principal.tokenId), { organisation, credential, options: issueOptions });
    // Which version it came from, for the statistics (occupation, skills, levels), as batch rows record it.
    if (achievement) await services.repos.achievements.recordIssuedFrom({ credentialId: issued.id, organisationId: organisation.id, achievementId: achievement.id, achievementVersion: achievement.version });
    if (!holder) return reply.status(201).send({ verifiableCredential: issued.verifiableCredential });
    // A one-time link (and its QR code) for the person the credential is for: opening it adds it to their wallet.
    const offer = await services.wallet.createClaimOffer(issued, holder);
    return reply.status(201).send({ verifiableCredential: issued.verifiableCredential, claimOffer: { ...offer, qrCodeSvg: await qrCodeSvg(offer.url) } });
  });

  app.post<{ Body: { verifiableCredential: unknown; options?: Record<string, unknown> } }>('/credentials/verify', {
    schema: {
      tags: ['credentials'], summary: 'Verify a credential: proof, issuer key, validity dates, status, schema',
      body: {
        type: 'object', required: ['verifiableCredential'], additionalProperties: false,
        properties: {
          verifiableCredential: { type: ['object', 'string'], description: 'a credential with a Data Integrity proof, an EnvelopedVerifiableCredential, or a compact vc+jwt' },
          options: {
            type: 'object',
            properties: {
              recognition: {
                type: 'object', additionalProperties: false,
                description: 'add what the credential\'s level corresponds to in this framework or country\'s framework',
                properties: { framework: { type: 'string', maxLength: 40 }, country: { type: 'string', pattern: '^[A-Za-z]{2}$' } },
              },
              lang: { type: 'string', maxLength: 10, description: 'language of the recognition explanation: en, fr, es, ar' },
            },
          },
        },
      },
    },
  }, async (request, reply) => {
    const options = (request.body.options ?? {}) as { recognition?: { framework?: string; country?: string }; lang?: string };
    const result = await verifyCredential(services.verifyDeps, request.body.verifiableCredential);
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
    return reply.status(verificationStatus(result.verified)).send(body);
  });

  app.post<{ Body: { verifiablePresentation: unknown; options?: { challenge?: string; domain?: string } } }>('/presentations/verify', {
    schema: {
      tags: ['credentials'], summary: 'Verify a presentation: the holder\'s proof (challenge, domain) and every credential in it',
      description: 'An envelope with another @context or type fails the `envelope` check; an envelope whose id is not a data:application/vp+jwt URL is 400 invalid-envelope.',
      body: {
        type: 'object', required: ['verifiablePresentation'], additionalProperties: false,
        properties: {
          verifiablePresentation: { type: ['object', 'string'], description: 'a presentation with a Data Integrity proof, an EnvelopedVerifiablePresentation (data:application/vp+jwt,...), or a compact vp+jwt whose nonce and aud are the challenge and domain' },
          options: { type: 'object', properties: { challenge: { type: 'string', maxLength: 500 }, domain: { type: 'string', maxLength: 500 } } },
        },
      },
    },
  }, async (request, reply) => {
    const result = await verifyPresentation(services.verifyDeps, request.body.verifiablePresentation, request.body.options ?? {});
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
