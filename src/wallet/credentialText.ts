/**
 * Reading what a credential says, for people: its text in the reader's language when the issuer gave it (JSON-LD
 * language maps, {"@value", "@language"} values, or arrays of them), its achievement, issuer and dates.
 */
import { UNIT_ALIGNMENT_TYPE } from '../assessment/model.js';

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

/** A piece of text and the language it is in (when the credential says). */
export interface LocalisedValue { text: string; lang?: string }

const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const baseLanguage = (tag: string) => tag.toLowerCase().split('-')[0];

/** The best text for `lang`: exact language, then English, then the first given. Undefined when there is no text. */
export function textIn(value: unknown, lang: string): LocalisedValue | undefined {
  const candidates: LocalisedValue[] = [];
  for (const item of asArray(value)) {
    if (typeof item === 'string') candidates.push({ text: item });
    else if (isObject(item) && typeof item['@value'] === 'string') {
      candidates.push({ text: item['@value'], ...(typeof item['@language'] === 'string' ? { lang: item['@language'] } : {}) });
    } else if (isObject(item) && Object.keys(item).length > 0 && Object.keys(item).every((k) => LANGUAGE_TAG.test(k))) {
      for (const [tag, text] of Object.entries(item)) {
        for (const t of asArray(text)) if (typeof t === 'string') candidates.push({ text: t, lang: tag });
      }
    }
  }
  return candidates.find((c) => c.lang && baseLanguage(c.lang) === lang)
    ?? candidates.find((c) => c.lang === undefined)
    ?? candidates.find((c) => c.lang && baseLanguage(c.lang) === 'en')
    ?? candidates[0];
}

export interface CredentialSummary {
  id: string | undefined;
  types: string[];
  name: LocalisedValue | undefined;
  description: LocalisedValue | undefined;
  achievement: {
    name: LocalisedValue | undefined;
    description: LocalisedValue | undefined;
    criteria: LocalisedValue | undefined;
    achievementType: string | undefined;
    /** Units of competence validated on their own (a partial validation of prior learning): the credential is for these only. */
    validatedUnits: Array<{ code: string; name: LocalisedValue | undefined }>;
  } | undefined;
  issuer: { id: string; name: LocalisedValue | undefined };
  validFrom: string | undefined;
  validUntil: string | undefined;
}

export function issuerIdOf(credential: JsonObject): string {
  const issuer = credential.issuer;
  return typeof issuer === 'string' ? issuer : isObject(issuer) && typeof issuer.id === 'string' ? issuer.id : '';
}

export function summariseCredential(credential: JsonObject, lang: string): CredentialSummary {
  const subject = asArray(credential.credentialSubject).find(isObject);
  const achievement = subject ? asArray(subject.achievement).find(isObject) : undefined;
  const criteria = achievement && isObject(achievement.criteria) ? achievement.criteria.narrative : undefined;
  const issuerName = isObject(credential.issuer) ? textIn(credential.issuer.name, lang) : undefined;
  const date = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    id: typeof credential.id === 'string' ? credential.id : undefined,
    types: asArray(credential.type).filter((t): t is string => typeof t === 'string'),
    name: textIn(credential.name, lang),
    description: textIn(credential.description, lang),
    achievement: achievement ? {
      name: textIn(achievement.name, lang),
      description: textIn(achievement.description, lang),
      criteria: textIn(criteria, lang),
      achievementType: typeof achievement.achievementType === 'string' ? achievement.achievementType : undefined,
      validatedUnits: asArray(achievement.alignment).filter(isObject)
        .filter((a) => a.targetType === UNIT_ALIGNMENT_TYPE && typeof a.targetCode === 'string')
        .map((a) => ({ code: a.targetCode as string, name: textIn(a.targetName, lang) })),
    } : undefined,
    issuer: { id: issuerIdOf(credential), name: issuerName },
    validFrom: date(credential.validFrom) ?? date(credential.issuanceDate),
    validUntil: date(credential.validUntil) ?? date(credential.expirationDate),
  };
}
