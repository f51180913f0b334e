import type { Organisation } from '../db/repositories/organisations.js';
import { issueCredential, type IssueDeps } from './issue.js';
import { SD_JWT_VC_FORMAT } from './sdJwtVc.js';
import type { JsonObject } from './vcLibrary.js';

/**
 * Issues a credential as an SD-JWT VC (see sdJwtVc.ts): the same checks, status allocation and record as every
 * issuance, with its status in a Token Status List and, given the holder's public key, bound to it (`cnf.jwk`).
 *
 * @example
 *   const { id, sdJwt } = await issueSdJwtVc(deps, { organisation, credential, holderJwk: proof.jwk });
 *   // sdJwt: "<issuer-signed JWT>~<disclosure>~...~", for OID4VCI's credential response; id for POST /credentials/status
 */
export async function issueSdJwtVc(deps: IssueDeps, request: {
  organisation: Organisation;
  /** An unsigned VC 2.0 credential, as POST /credentials/issue takes it (its issuer the organisation's DID, or absent). */
  credential: unknown;
  holderJwk?: JsonObject;
  /** false: no status claim (the credential can then be neither revoked nor suspended). */
  withStatus?: boolean;
}): Promise<{ id: string; sdJwt: string }> {
  const issued = await issueCredential(deps, {
    organisation: request.organisation,
    credential: request.credential,
    options: {
      format: SD_JWT_VC_FORMAT, issuer: 'organisation', holderJwk: request.holderJwk,
      ...(request.withStatus === false ? { credentialStatus: false } : {}),
    },
  });
  return { id: issued.id, sdJwt: issued.jwt! };
}
