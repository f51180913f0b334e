/**
 * A wallet's vp_token checked against the request: each presentation's holder proof must be bound to this request
 * (nonce, and the client_id as domain or audience: OpenID4VP 1.0, appendix B), each credential is matched against its
 * DCQL credential query. The credentials themselves are judged later, on the employer's page, by the share-link report.
 */
import jsonld from 'jsonld';
import type { DocumentLoader } from '../credentials/documentLoader.js';
import { verifyPresentation, type VerifyDeps } from '../credentials/verify.js';
import type { SdJwtVcVerification } from '../credentials/verifySdJwtVc.js';
import { mismatchOf, unansweredQueries, type CredentialQuery, type DcqlQuery, type PresentationFormat } from './dcql.js';
import { ProtocolError } from './protocolError.js';

type Json = Record<string, unknown>;

export interface PresentedCredential {
  /** The credential as the wallet presented it (JSON, or a compact JWT): the page's report re-verifies it. */
  document: unknown;
  /** Why it does not answer the query it was sent for; absent when it does. */
  mismatch?: string;
  /** The subject DIDs the credential names, none of which signed the presentation: someone else's credential. */
  issuedToAnother?: string[];
}

export interface PresentationAnswer {
  queryId: string;
  format: PresentationFormat;
  credentials: PresentedCredential[];
}

export type Outcome =
  | { declined: { error: string; description?: string } }
  | { presentations: PresentationAnswer[]; /** Credential queries (or sets of alternatives) left unanswered. */ unanswered: string[][] };

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The credential's types as IRIs, after its own @context: what DCQL's type_values names. */
async function expandedTypes(credential: Json, documentLoader: DocumentLoader): Promise<string[]> {
  try {
    const [expanded] = await jsonld.expand({ '@context': credential['@context'], type: credential.type }, { documentLoader, safe: true }) as Json[];
    return Array.isArray(expanded?.['@type']) ? expanded['@type'] as string[] : [];
  } catch {
    return [];
  }
}

async function verifyOne(deps: { verifyDeps: VerifyDeps; documentLoader: DocumentLoader }, query: CredentialQuery, presentation: unknown, binding: { nonce: string; clientId: string }): Promise<PresentationAnswer> {
  const expectsText = query.format !== 'ldp_vc';
  if (expectsText !== (typeof presentation === 'string')) {
    throw new ProtocolError('invalid_request', `The presentation for "${query.id}" must be ${expectsText ? 'a compact JWT' : 'a JSON verifiable presentation'} (format ${query.format})`);
  }
  let result;
  try {
    result = await verifyPresentation(deps.verifyDeps, presentation, { challenge: binding.nonce, domain: binding.clientId });
  } catch (error) {
    throw new ProtocolError('invalid_request', `The presentation for "${query.id}" cannot be read: ${(error as Error).message}`);
  }
  // A presentation not bound to this request (another nonce or audience, a forged holder proof) is refused, not
  // recorded: the request stays open for the real answer until it expires.
  const failed = result.checks.filter((c) => (c.id === 'presentation' || c.id === 'envelope') && !c.valid);
  if (failed.length > 0) throw new ProtocolError('invalid_request', `The presentation for "${query.id}" is not bound to this request: ${failed.map((c) => c.message).join('; ')}`);
  const embedded = embeddedCredentials(query.format, presentation);
  const credentials: PresentedCredential[] = [];
  for (const [index, credentialResult] of result.credentialResults.entries()) {
    // DCQL paths name an SD-JWT VC's own claims (those disclosed), a W3C credential's JSON.
    const credential = (query.format === 'dc+sd-jwt' ? (credentialResult as SdJwtVcVerification).claims : credentialResult.credential) ?? {};
    const mismatch = mismatchOf(query, credential, query.meta.type_values ? await expandedTypes(credential, deps.documentLoader) : []);
    const issuedToAnother = query.format === 'dc+sd-jwt' ? [] : subjectsOtherThan(credential, holderDidOf(presentation));
    credentials.push({ document: embedded[index], ...(mismatch ? { mismatch } : {}), ...(issuedToAnother.length > 0 ? { issuedToAnother } : {}) });
  }
  return { queryId: query.id, format: query.format, credentials };
}

/** The DID that signed a W3C presentation: its proof's verification method, or the JWT's key. */
function holderDidOf(presentation: unknown): string | undefined {
  if (typeof presentation === 'string') {
    const header = JSON.parse(Buffer.from(presentation.split('.')[0] ?? '', 'base64url').toString('utf8')) as Json;
    return typeof header.kid === 'string' ? header.kid.split('#')[0] : undefined;
  }
  const proofs = isObject(presentation) ? (Array.isArray(presentation.proof) ? presentation.proof : [presentation.proof]) : [];
  const method = proofs.filter(isObject).map((proof) => proof.verificationMethod).find((vm) => typeof vm === 'string') as string | undefined;
  return method?.split('#')[0];
}

/**
 * A credential naming its subject by DID is bound to that holder (OpenID4VCI issues wallet credentials so): presented
 * under another holder's signature, it is someone else's. A credential naming no subject DID binds nobody.
 */
function subjectsOtherThan(credential: Json, holderDid: string | undefined): string[] {
  const subjects = Array.isArray(credential.credentialSubject) ? credential.credentialSubject : [credential.credentialSubject];
  const dids = subjects.filter(isObject).map((subject) => subject.id).filter((id): id is string => typeof id === 'string' && id.startsWith('did:'));
  return dids.length > 0 && !dids.includes(holderDid ?? '') ? dids : [];
}

/**
 * The credentials inside, as the wallet sent them (JSON, JWTs or envelopes), so that each keeps its own proof. An
 * SD-JWT VC is kept without its key binding JWT, which was made for this answer only and checked with it.
 */
function embeddedCredentials(format: PresentationFormat, presentation: unknown): unknown[] {
  if (format === 'dc+sd-jwt') return [String(presentation).slice(0, String(presentation).lastIndexOf('~') + 1)];
  let body = presentation;
  if (typeof presentation === 'string') {
    const payload = JSON.parse(Buffer.from(presentation.split('.')[1] ?? '', 'base64url').toString('utf8')) as Json;
    body = isObject(payload.vp) ? payload.vp : payload;
  }
  const inside = isObject(body) ? body.verifiableCredential : undefined;
  return inside === undefined ? [] : Array.isArray(inside) ? inside : [inside];
}

export async function verifyAnswer(deps: { verifyDeps: VerifyDeps; documentLoader: DocumentLoader },
  answer: { query: DcqlQuery; presentations: Record<string, unknown[]>; nonce: string; clientId: string }): Promise<Outcome> {
  const presentations: PresentationAnswer[] = [];
  for (const [queryId, sent] of Object.entries(answer.presentations)) {
    const query = answer.query.credentials.find((c) => c.id === queryId);
    if (!query) throw new ProtocolError('invalid_request', `The vp_token answers "${queryId}", which is no credential query of this request`);
    if (sent.length > 1 && !query.multiple) throw new ProtocolError('invalid_request', `The credential query "${queryId}" asks for one presentation, not ${sent.length}`);
    for (const presentation of sent) presentations.push(await verifyOne(deps, query, presentation, answer));
  }
  return { presentations, unanswered: unansweredQueries(answer.query, Object.keys(answer.presentations)) };
}
