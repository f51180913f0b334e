import crypto from 'node:crypto';

/**
 * The holder's name in a credential, the Open Badges 3.0 way: an IdentityObject of identityType "name" in
 * credentialSubject.identifier, in clear (hashed: false, the name as identityHash) or as sha256$<hex> of the name
 * followed by a salt (hashed: true, salt given), so that only someone who already knows the name can confirm it.
 */
type JsonObject = Record<string, unknown>;

/** Every version of the Open Badges 3.0 context (3.0.0 to 3.0.3) starts so. */
const OPEN_BADGES_CONTEXTS = 'https://purl.imsglobal.org/spec/ob/v3p0/context';

export type NameForm = 'plain' | 'hashed';
export const NAME_FORMS: readonly NameForm[] = ['plain', 'hashed'];

/** One way of writing a name for hashing: trimmed, single spaces, Unicode NFC (an é typed either way hashes the same). */
export const normaliseName = (name: string) => name.normalize('NFC').trim().replace(/\s+/g, ' ');

const sha256Of = (value: string, salt: string) => `sha256$${crypto.createHash('sha256').update(value + salt, 'utf8').digest('hex')}`;

/** sha256$<hex> of value + a fresh salt, as Open Badges 3.0 IdentityObject.identityHash expects. */
export function hashedIdentity(identityType: string, value: string): JsonObject {
  const salt = crypto.randomBytes(12).toString('hex');
  return { type: 'IdentityObject', identityType, hashed: true, identityHash: sha256Of(value, salt), salt };
}

export function nameIdentity(name: string, form: NameForm = 'plain'): JsonObject {
  const normalised = normaliseName(name);
  return form === 'hashed' ? hashedIdentity('name', normalised)
    : { type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: normalised };
}

/** Whose credential it is, as the credential says. */
export type HolderNamed =
  | { kind: 'name'; name: string }
  | { kind: 'hashed-name'; identityHash: string; salt: string }
  | { kind: 'nobody' };

const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

export function holderNamedIn(credential: JsonObject): HolderNamed {
  const subject = asArray(credential.credentialSubject).find(isObject);
  const identity = asArray(subject?.identifier).filter(isObject).find((i) => i.identityType === 'name' && typeof i.identityHash === 'string');
  if (!identity) return { kind: 'nobody' };
  if (identity.hashed === true) {
    return typeof identity.salt === 'string' || identity.salt === undefined
      ? { kind: 'hashed-name', identityHash: identity.identityHash as string, salt: (identity.salt as string | undefined) ?? '' }
      : { kind: 'nobody' };
  }
  return { kind: 'name', name: identity.identityHash as string };
}

/** Whether a name typed by someone who has the person in front of them is the one hashed in the credential. */
export function nameMatches(holder: Extract<HolderNamed, { kind: 'hashed-name' }>, typed: string): boolean {
  const expected = Buffer.from(holder.identityHash.toLowerCase());
  const actual = Buffer.from(sha256Of(normaliseName(typed), holder.salt).toLowerCase());
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
}

/**
 * Adds the holder's name to an unsigned Open Badges credential whose subject names nobody yet. Other credentials (no
 * Open Badges context, several subjects, a name already there) are left as they are: the identifier term is Open Badges
 * vocabulary, and a name the issuer already wrote is theirs.
 */
export function withHolderName(credential: unknown, name: string | undefined, form: NameForm): unknown {
  if (!name || !isObject(credential) || !isObject(credential.credentialSubject)) return credential;
  if (!asArray(credential['@context']).some((c) => typeof c === 'string' && c.startsWith(OPEN_BADGES_CONTEXTS))) return credential;
  const subject = credential.credentialSubject;
  if (holderNamedIn(credential).kind !== 'nobody') return credential;
  return { ...credential, credentialSubject: { ...subject, identifier: [nameIdentity(name, form), ...asArray(subject.identifier)] } };
}
