import { badRequest } from '../errors.js';
import type { HolderDetails } from '../db/schema-wallet.js';
import { NAME_FORMS, type NameForm } from '../credentials/holderIdentity.js';

/** `options.holder` of POST /credentials/issue: who the credential is for, so that they can claim it. */
export interface HolderInput {
  name?: string;
  email?: string;
  phone?: string;
  did?: string;
  /** How long the claim link stays valid, in days (default 30, at most 365). */
  claimValidForDays?: number;
  /** How the name goes into an Open Badges credential: in clear (default) or hashed with a salt. */
  nameInCredential?: NameForm;
  /** A wallet app must also give a six-digit transaction code (OID4VCI tx_code), returned once to the issuer. */
  txCode?: boolean;
}

export const DEFAULT_CLAIM_DAYS = 30;
export const MAX_CLAIM_DAYS = 365;

/** JSON Schema of options.holder, for the issue route. */
export const holderInputSchema = {
  type: 'object', additionalProperties: false,
  description: 'The person the credential is for: a name and an e-mail or phone number, or a holder DID. The response then carries a one-time claim link (and its QR code) for them.',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    email: { type: 'string', maxLength: 320 },
    phone: { type: 'string', maxLength: 40 },
    did: { type: 'string', maxLength: 500 },
    claimValidForDays: { type: 'integer', minimum: 1, maximum: MAX_CLAIM_DAYS, description: `default ${DEFAULT_CLAIM_DAYS}` },
    nameInCredential: {
      type: 'string', enum: [...NAME_FORMS],
      description: 'the name goes into an Open Badges credential as credentialSubject.identifier (identityType "name"): "plain" (default) shows it to whoever sees the credential; "hashed" (salted SHA-256) lets only someone who already knows the name confirm it',
    },
    txCode: {
      type: 'boolean',
      description: 'true: a wallet app taking the offer (OpenID4VCI) must also give a six-digit transaction code, returned once as claimOffer.txCode; give it to the person apart from the link (it never appears on the claim page)',
    },
  },
} as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ().-]{6,40}$/;
const DID = /^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$/;

/** Checks the holder description and keeps only what the claim page needs (the contact, masked). */
export function holderDetailsOf(input: HolderInput): HolderDetails {
  const name = input.name?.trim();
  if (input.email !== undefined && !EMAIL.test(input.email)) {
    throw badRequest('invalid-holder', `options.holder.email "${input.email}" is not an e-mail address`);
  }
  if (input.phone !== undefined && (!PHONE.test(input.phone) || input.phone.replace(/\D/g, '').length < 6)) {
    throw badRequest('invalid-holder', `options.holder.phone "${input.phone}" is not a phone number; use international form, e.g. +212 612 345 678`);
  }
  if (input.did !== undefined && !DID.test(input.did)) {
    throw badRequest('invalid-holder', `options.holder.did "${input.did}" is not a DID (did:<method>:<identifier>)`);
  }
  const contact = input.email ?? input.phone;
  if (!input.did && !(name && contact)) {
    throw badRequest('invalid-holder', 'options.holder needs a name and an e-mail or phone number, or a did');
  }
  return {
    ...(name ? { name } : {}),
    ...(input.email ? { contactHint: maskEmail(input.email) } : input.phone ? { contactHint: maskPhone(input.phone) } : {}),
    ...(input.did ? { did: input.did } : {}),
  };
}

export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return `${phone.trim().startsWith('+') ? '+' : ''}${digits.slice(0, 3)}****${digits.slice(-2)}`;
}
