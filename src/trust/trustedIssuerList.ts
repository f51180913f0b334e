import crypto from 'node:crypto';
import { AppError, badRequest } from '../errors.js';
import type { LocalisedText } from '../db/schema.js';
import type { Accreditation, AccreditationRepository } from '../db/repositories/accreditations.js';
import { parseScope, type ScopeInput } from './scope.js';

/**
 * The JSON exchanged between registries: who accredited which issuer, for what, over which period. A destination
 * country's registry exports one; an administrator here imports it, and from then on its issuers are "accredited"
 * in verification results, with the list named as the source.
 */
export interface TrustedIssuerList {
  type: 'TrustedIssuerList';
  version: 1;
  /** Names the list; importing a list with the same id again replaces what the previous import brought. */
  id: string;
  publisher: { id: string; name?: LocalisedText };
  issued: string;
  accreditations: TrustedIssuerEntry[];
}

export interface TrustedIssuerEntry {
  id: string;
  authority: { id: string; name: LocalisedText };
  issuer: { id: string; name?: LocalisedText };
  scope: ScopeInput;
  validFrom: string;
  validUntil: string;
  withdrawn?: { at: string; reason: string | null };
}

export const IMPORTED_ORIGIN_PREFIX = 'list:';
/** A registry list of a whole country fits easily: 5,000 entries of ~600 bytes is 3 MB, under the route's body limit. */
export const MAX_LIST_ENTRIES = 5000;

export function entryOf(accreditation: Accreditation): TrustedIssuerEntry {
  return {
    id: accreditation.id,
    authority: { id: accreditation.authorityDid, name: accreditation.authorityName },
    issuer: { id: accreditation.issuerDid, ...(accreditation.issuerName ? { name: accreditation.issuerName } : {}) },
    scope: { [accreditation.scopeType]: accreditation.scopeValue },
    validFrom: accreditation.validFrom,
    validUntil: accreditation.validUntil,
    ...(accreditation.withdrawnAt ? { withdrawn: { at: accreditation.withdrawnAt, reason: accreditation.withdrawalReason } } : {}),
  };
}

/** Withdrawn entries stay in the list: a credential issued before the withdrawal is still covered, and a verifier elsewhere needs the date. */
export function exportList(options: {
  id: string; publisher: TrustedIssuerList['publisher']; accreditations: Accreditation[]; now: Date;
}): TrustedIssuerList {
  return {
    type: 'TrustedIssuerList', version: 1, id: options.id, publisher: options.publisher, issued: options.now.toISOString(),
    accreditations: options.accreditations.map(entryOf),
  };
}

const instant = (value: string): string | undefined => {
  const date = new Date(value);
  return /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
};

/**
 * Loads a list, replacing the entries of any earlier import of the same list id. Every entry is checked first and
 * every problem reported at once (with its index), so that nothing is half-imported.
 */
export async function importList(deps: { accreditations: AccreditationRepository; now: () => Date }, list: TrustedIssuerList): Promise<{
  list: string; imported: number; replaced: number;
}> {
  const origin = `${IMPORTED_ORIGIN_PREFIX}${list.id}`;
  const errors: string[] = [];
  const rows: Accreditation[] = [];
  const createdAt = deps.now().toISOString();
  list.accreditations.forEach((entry, index) => {
    const where = `accreditations[${index}]`;
    const validFrom = instant(entry.validFrom);
    const validUntil = instant(entry.validUntil);
    const withdrawnAt = entry.withdrawn ? instant(entry.withdrawn.at) : null;
    let scope;
    try {
      scope = parseScope(entry.scope, `${where}.scope`);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      errors.push(error.detail);
    }
    if (!validFrom || !validUntil) errors.push(`${where}: validFrom and validUntil must be ISO 8601 dates`);
    else if (validUntil <= validFrom) errors.push(`${where}: validUntil must be after validFrom`);
    if (withdrawnAt === undefined) errors.push(`${where}.withdrawn.at must be an ISO 8601 date`);
    if (!scope || !validFrom || !validUntil || withdrawnAt === undefined) return;
    rows.push({
      // Ids are derived per list, so that two lists carrying the same entry (a national and a European one) coexist.
      id: `urn:passerelle:imported:${crypto.createHash('sha256').update(`${list.id}\n${entry.id}`).digest('hex').slice(0, 32)}`,
      authorityDid: entry.authority.id, authorityName: entry.authority.name, authorityOrganisationId: null,
      issuerDid: entry.issuer.id, issuerName: entry.issuer.name ?? null,
      scopeType: scope.type, scopeValue: scope.value, validFrom, validUntil,
      withdrawnAt, withdrawalReason: entry.withdrawn?.reason ?? null, origin, createdAt,
    });
  });
  const ids = new Set(list.accreditations.map((e) => e.id));
  if (ids.size !== list.accreditations.length) errors.push('accreditations: entry ids must be unique within the list');
  if (errors.length > 0) {
    throw badRequest('invalid-trusted-issuer-list', `The list has ${errors.length} problem(s); nothing was imported. First: ${errors[0]}`, { errors });
  }
  const { removed } = await deps.accreditations.replaceImported(origin, rows);
  return { list: list.id, imported: rows.length, replaced: removed };
}
