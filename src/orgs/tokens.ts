import crypto from 'node:crypto';
import { badRequest, forbidden, notFound, unauthorized } from '../errors.js';
import type { Token, TokenRepository } from '../db/repositories/tokens.js';
import type { Organisation } from '../db/repositories/organisations.js';

export const TOKEN_SCOPES = ['issue', 'status', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Who is calling: the bootstrap administrator (every organisation) or a token of one organisation. */
export interface Principal {
  tokenId: string;
  organisationId: string | null;
  scopes: TokenScope[];
}

const TOKEN_PREFIX = 'psl_';
// A year is the longest lifetime: VC-API asks for no long-lived static credentials.
export const MAX_TOKEN_LIFETIME_SECONDS = 365 * 24 * 3600;
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 90 * 24 * 3600;

export const hashSecret = (secret: string) => crypto.createHash('sha256').update(secret).digest('hex');

interface NewToken {
  organisationId: string | null; scopes: TokenScope[]; expiresInSeconds: number | null; label?: string; now: Date; secret?: string;
}

/** Creates a token and returns its secret: the only time the secret exists outside the caller. */
export async function createToken(tokens: TokenRepository, options: NewToken): Promise<{ token: Token; secret: string }> {
  const created = newToken(options);
  await tokens.insert(created.token);
  return created;
}

function newToken(options: NewToken): { token: Token; secret: string } {
  const secret = options.secret ?? `${TOKEN_PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
  const token: Token = {
    id: crypto.randomUUID(),
    organisationId: options.organisationId,
    secretHash: hashSecret(secret),
    scopes: options.scopes,
    label: options.label ?? null,
    createdAt: options.now.toISOString(),
    expiresAt: options.expiresInSeconds === null ? null : new Date(options.now.getTime() + options.expiresInSeconds * 1000).toISOString(),
    revokedAt: null,
  };
  return { token, secret };
}

/** Parses `expiresIn` as seconds or a duration such as "30d", "12h", "15m". */
export function parseLifetime(expiresIn: unknown): number {
  if (expiresIn === undefined) return DEFAULT_TOKEN_LIFETIME_SECONDS;
  let seconds: number | undefined;
  if (typeof expiresIn === 'number' && Number.isInteger(expiresIn)) seconds = expiresIn;
  if (typeof expiresIn === 'string') {
    const match = /^(\d+)([smhd])$/.exec(expiresIn);
    if (match) seconds = Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 's' | 'm' | 'h' | 'd'];
  }
  if (seconds === undefined || seconds < 60 || seconds > MAX_TOKEN_LIFETIME_SECONDS) {
    throw badRequest('invalid-expires-in', 'expiresIn must be a number of seconds or a duration like "30d", "12h" or "15m", between 1 minute and 365 days');
  }
  return seconds;
}

export async function authenticate(tokens: TokenRepository, authorization: string | undefined, now: Date): Promise<Principal> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) throw unauthorized('Send a bearer token: Authorization: Bearer <token>');
  const token = await tokens.bySecretHash(hashSecret(match[1]));
  if (!token) throw unauthorized('This token is not known; create one with POST /orgs/<slug>/tokens');
  if (token.revokedAt) throw unauthorized('This token was revoked; create a new one');
  if (token.expiresAt && new Date(token.expiresAt) <= now) throw unauthorized(`This token expired at ${token.expiresAt}; create a new one`);
  return { tokenId: token.id, organisationId: token.organisationId, scopes: token.scopes as TokenScope[] };
}

export const isBootstrapAdmin = (principal: Principal) => principal.organisationId === null;

/** Allows the bootstrap administrator everywhere, and an organisation's token on its own organisation with the scope. */
export function authorise(principal: Principal, organisation: Organisation, scope: TokenScope): void {
  if (isBootstrapAdmin(principal)) return;
  if (principal.organisationId !== organisation.id) {
    throw forbidden(`This token belongs to another organisation, not "${organisation.slug}"`);
  }
  if (!principal.scopes.includes(scope) && !principal.scopes.includes('admin')) {
    throw forbidden(`This token lacks the "${scope}" scope; create one with scopes ["${scope}"]`);
  }
}

export async function revokeToken(tokens: TokenRepository, organisation: Organisation, id: string, now: Date): Promise<void> {
  if (!(await tokens.byId(organisation.id, id))) throw notFound('unknown-token', `Organisation "${organisation.slug}" has no token ${id}`);
  await tokens.revoke(organisation.id, id, now.toISOString());
}

/**
 * Makes sure an administrator can act: registers the configured admin token, or on first start creates one and
 * returns its secret so that it can be shown once. Returns undefined when nothing new needs showing.
 */
export async function ensureAdminToken(tokens: TokenRepository, configured: string | undefined, now: Date): Promise<string | undefined> {
  if (configured) {
    if (!(await tokens.bySecretHash(hashSecret(configured)))) {
      // Instances starting together may all get here: the token's unique hash keeps one, and the others' inserts do nothing.
      await tokens.insertUnlessKnown(newToken({ organisationId: null, scopes: ['admin'], expiresInSeconds: null, label: 'PASSERELLE_ADMIN_TOKEN', now, secret: configured }).token);
    }
    return undefined;
  }
  if (await tokens.hasBootstrapAdmin()) return undefined;
  return (await createToken(tokens, { organisationId: null, scopes: ['admin'], expiresInSeconds: null, label: 'generated at first start', now })).secret;
}
