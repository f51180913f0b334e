import { badRequest } from '../errors.js';
import type { Organisation } from '../db/repositories/organisations.js';
import { openBadgeAchievement, resultDescriptionUri, rubricLevelUri, achievementUrl, type Achievement } from './achievements.js';
import { textIn } from './language.js';
import { CONTEXTS } from '../credentials/contexts/index.js';
import { hashedIdentity, nameIdentity, type NameForm } from '../credentials/holderIdentity.js';

type JsonObject = Record<string, unknown>;

export const VC_V2_CONTEXT = CONTEXTS.credentialsV2;
export const OPEN_BADGES_CONTEXT = CONTEXTS.openBadges303;

const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * An OpenBadgeCredential built from a catalogue achievement. `partial` is what the caller adds about the recipient
 * (credentialSubject.id, identifier, result, ...) and the credential (validUntil, evidence, extra contexts); the
 * achievement itself always comes from the catalogue, so a credential cannot drift from its published definition.
 */
export function credentialFromAchievement(args: {
  achievement: Achievement; organisation: Organisation; baseUrl: string; partial?: unknown;
}): JsonObject {
  const { achievement, organisation, baseUrl } = args;
  const partial = args.partial ?? {};
  if (!isObject(partial)) throw badRequest('invalid-credential', 'credential must be a JSON object (the parts the achievement does not give, e.g. {"credentialSubject": {"id": "did:..."}})');
  const { '@context': extraContexts, type: extraTypes, credentialSubject, ...rest } = partial;
  const subject = credentialSubject ?? {};
  if (!isObject(subject)) {
    throw badRequest('invalid-credential-subject', 'With options.achievement, credential.credentialSubject must be one object (the recipient)');
  }
  if ('achievement' in subject) {
    throw badRequest('achievement-conflict', `credential.credentialSubject.achievement is taken from the catalogue (options.achievement "${achievement.id}"); remove it from the credential`);
  }
  const contexts = [VC_V2_CONTEXT, OPEN_BADGES_CONTEXT, ...asArray(extraContexts).filter((c) => c !== VC_V2_CONTEXT && c !== OPEN_BADGES_CONTEXT)];
  const types = ['VerifiableCredential', 'OpenBadgeCredential',
    ...asArray(extraTypes).filter((t) => t !== 'VerifiableCredential' && t !== 'OpenBadgeCredential' && t !== 'AchievementCredential')];
  const subjectTypes = ['AchievementSubject', ...asArray(subject.type).filter((t) => t !== 'AchievementSubject')];
  return {
    '@context': contexts,
    type: types,
    // The catalogue's organisation issues; an issuer in the partial credential replaces it and must be that same DID.
    issuer: organisation.did,
    name: textIn(achievement.definition.name, achievement.definition.language),
    ...rest,
    credentialSubject: { ...subject, type: subjectTypes, achievement: openBadgeAchievement(achievement, organisation, baseUrl) },
  };
}

/** A recipient as a batch row describes them. */
export interface Recipient {
  name: string;
  email?: string;
  phone?: string;
  did?: string;
  /** Result description id to value: a rubric level id for RubricCriterionLevel results, else the value itself. */
  results?: Record<string, string>;
  creditsEarned?: number;
  /** YYYY-MM-DD */
  completedOn?: string;
  /** The batch's choice: the name in clear (default) or hashed with a salt. */
  nameInCredential?: NameForm;
}

/**
 * The credentialSubject for a recipient: their DID as id; name in clear (it is what the credential is shown with), or
 * hashed when the batch asked; e-mail and phone hashed with a salt, so that the holder can prove them without the
 * credential disclosing them.
 */
export function subjectForRecipient(recipient: Recipient, achievement: Achievement, organisation: Organisation, baseUrl: string): JsonObject {
  const url = achievementUrl(baseUrl, organisation, achievement.id);
  const identifier: JsonObject[] = [nameIdentity(recipient.name, recipient.nameInCredential ?? 'plain')];
  if (recipient.email) identifier.push(hashedIdentity('emailAddress', recipient.email));
  if (recipient.phone) identifier.push(hashedIdentity('phoneNumber', recipient.phone));
  const subject: JsonObject = { ...(recipient.did ? { id: recipient.did } : {}), type: ['AchievementSubject'], identifier };
  const results = Object.entries(recipient.results ?? {}).map(([resultId, value]) => {
    const description = achievement.definition.resultDescriptions?.find((rd) => rd.id === resultId);
    const base = { type: ['Result'], resultDescription: resultDescriptionUri(url, resultId) };
    return description?.resultType === 'RubricCriterionLevel'
      ? { ...base, achievedLevel: rubricLevelUri(url, resultId, value) }
      : { ...base, value };
  });
  if (results.length > 0) subject.result = results;
  if (recipient.creditsEarned !== undefined) subject.creditsEarned = recipient.creditsEarned;
  if (recipient.completedOn) subject.activityEndDate = `${recipient.completedOn}T00:00:00Z`;
  return subject;
}
