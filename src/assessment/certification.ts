import { conflict } from '../errors.js';
import type { CredentialRecord } from '../db/repositories/credentials.js';
import type { AssessmentCaseRecord, EvidenceRecord } from '../db/repositories/assessments.js';
import { issueCredential, type CredentialFormat, type IssueDeps, type IssuedCredential } from '../credentials/issue.js';
import { CONTEXTS } from '../credentials/contexts/index.js';
import { getFramework, levelUri, resolveAlignment } from '../frameworks/registry.js';
import { openBadgeAchievement, requireAchievement, VOLUME_OF_LEARNING } from '../training/achievements.js';
import { localised } from '../training/language.js';
import { nameIdentity, type NameForm } from '../credentials/holderIdentity.js';
import { isPageLang, translate, type MessageKey, type PageLang } from '../web/i18n.js';
import { markCertified, referenceOf, requireCase, resultsMap, type Actor, type AssessmentDeps } from './cases.js';
import { OUTCOME_RESULTS, outcomeRef, UNIT_ALIGNMENT_TYPE, validatedUnits, type Assessor, type Candidate, type OutcomeResult, type Unit } from './model.js';

type JsonObject = Record<string, unknown>;

const EVIDENCE_KINDS_WORDED = new Set(['work-record', 'employer-attestation', 'portfolio-item', 'observation', 'interview']);

/**
 * The credential's own sentences in its language (the reference's, when the pages speak it; else English): a French
 * credential says "Décision : validation totale", not "Decision: full".
 */
type Say = (key: MessageKey, params?: Record<string, string | number>) => string;
const sayIn = (language: string): Say => {
  const lang: PageLang = isPageLang(language) ? language : 'en';
  return (key, params) => translate(lang, key, params);
};

/** A content-addressed URI for a document known by its hash (RFC 6920 named information). */
export const namedInformationUri = (sha256Hex: string) => `ni:///sha-256;${Buffer.from(sha256Hex, 'hex').toString('base64url')}`;

const outcomeDescriptionId = (achievementId: string, unitId: string, outcomeId: string) =>
  `${achievementId.split('#')[0]}#vpl-outcome-${encodeURIComponent(unitId)}-${encodeURIComponent(outcomeId)}`;

function evidenceNarrative(item: EvidenceRecord, say: Say): string {
  const parts = [
    item.periodFrom && item.periodTo ? say('vpl.evidence.period', { from: item.periodFrom, to: item.periodTo }) : undefined,
    item.hours !== null ? say('vpl.evidence.hours', { hours: String(item.hours) }) : undefined,
    item.attestedBy ? say('vpl.evidence.attestedBy', { who: item.attestedBy }) : undefined,
    item.sha256 ? say('vpl.evidence.document', { sha256: item.sha256 }) : undefined,
    item.outcomes.length > 0 ? say('vpl.evidence.supports', { outcomes: item.outcomes.join(', ') }) : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? `${parts.join(say('vpl.separator'))}.` : item.description;
}

/** The reference achievement as Open Badges 3.0: the catalogue version the case pinned, or the external standard. */
async function referenceAchievement(deps: AssessmentDeps, record: AssessmentCaseRecord, say: Say): Promise<JsonObject> {
  const reference = referenceOf(record);
  if (reference.source === 'catalogue') {
    const owner = (await deps.organisations.byId(reference.organisationId!))!;
    return openBadgeAchievement(await requireAchievement(deps.achievements, owner, reference.achievementId!, reference.version), owner, deps.baseUrl);
  }
  const alignment = (reference.alignment ?? []).map((a) => {
    const level = resolveAlignment(a)!;
    const framework = getFramework(level.framework)!;
    return { type: ['Alignment'], targetName: level.title.en ?? level.code, targetUrl: levelUri(level, deps.baseUrl), targetFramework: framework.acronym, targetCode: level.code };
  });
  return {
    id: reference.url, type: ['Achievement'], name: reference.name,
    criteria: { narrative: say('vpl.external.criteria') },
    ...(alignment.length > 0 ? { alignment } : {}),
  };
}

/** What of the whole achievement a partial validation keeps: not its alignments, credits or volume of learning. */
function unitsOnly(base: JsonObject): JsonObject {
  const { alignment: _alignment, creditsAvailable: _credits, [VOLUME_OF_LEARNING]: _volume, ...rest } = base;
  return rest;
}

/**
 * The Open Badges 3.0 credential for a decided case: the reference achievement (or, for a partial decision, an
 * achievement made of the validated units only), a result per learning outcome of those units, the evidence that
 * supports them, and the assessing organisation as `source`.
 */
export async function validationCredential(deps: AssessmentDeps, actor: Actor, record: AssessmentCaseRecord, nameForm: NameForm = 'plain'): Promise<JsonObject> {
  const units = record.units as unknown as Unit[];
  const results = await resultsMap(deps, record.id);
  const certified = validatedUnits(units, results);
  const partial = record.decision === 'partial';
  const language = referenceOf(record).language;
  const say = sayIn(language);
  const base = await referenceAchievement(deps, record, say);
  const baseId = String(base.id);
  const ids = certified.map((u) => u.id).join(', ');
  const achievement: JsonObject = partial ? {
    ...unitsOnly(base),
    // The validated units are not the whole achievement: a credential must not claim it.
    id: `${baseId}#validated-units-${certified.map((u) => encodeURIComponent(u.id)).join('+')}`,
    name: say('vpl.partial.name', { name: referenceOf(record).name, units: certified.map((u) => u.name).join(', ') }),
    description: say('vpl.partial.description', { name: referenceOf(record).name, certified: certified.length, total: units.length, ids }),
    criteria: { narrative: say('vpl.partial.criteria', { ids }) },
    // Only the units: the qualification's level, skills and occupation belong to the whole of it. Units carry no level
    // of their own in the reference standards (no source gives one), so none is stated.
    alignment: certified.map((u) => ({
      type: ['Alignment'], targetType: UNIT_ALIGNMENT_TYPE, targetName: u.name, targetCode: u.id, targetUrl: `${baseId}#unit-${encodeURIComponent(u.id)}`,
    })),
  } : { ...base };
  // Result descriptions describe the outcomes certified here; the catalogue's own ones belong to other ways of earning it.
  achievement.resultDescription = [
    ...(partial ? [] : ((base.resultDescription as JsonObject[] | undefined) ?? [])),
    ...certified.flatMap((u) => u.outcomes.map((o) => ({
      id: outcomeDescriptionId(baseId, u.id, o.id), type: ['ResultDescription'], name: `${u.name}: ${o.statement}`,
      resultType: 'Result', allowedValue: [...OUTCOME_RESULTS],
    }))),
  ];
  const certifiedRefs = new Set(certified.flatMap((u) => [u.id, ...u.outcomes.map((o) => outcomeRef(u.id, o.id))]));
  const evidence = (await deps.assessments.evidenceOf(record.id))
    .filter((item) => item.outcomes.length === 0 || item.outcomes.some((ref) => certifiedRefs.has(ref)))
    .map((item) => ({
      ...(item.sha256 ? { id: namedInformationUri(item.sha256) } : {}),
      type: ['Evidence'], name: item.title, description: item.description,
      genre: EVIDENCE_KINDS_WORDED.has(item.kind) ? say(`vpl.genre.${item.kind}` as MessageKey) : item.kind,
      narrative: evidenceNarrative(item, say),
    }));
  const candidate = record.candidate as unknown as Candidate;
  const assessors = (record.assessors as unknown as Assessor[]).map((a) => `${a.name} (${a.role})`).join(', ');
  const methods = [...new Set((await deps.assessments.resultsOf(record.id)).map((r) => r.method))].join(', ');
  return {
    '@context': [CONTEXTS.credentialsV2, CONTEXTS.openBadges303],
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: actor.organisation.did,
    name: typeof achievement.name === 'string' ? achievement.name : referenceOf(record).name,
    credentialSubject: {
      ...(candidate.did ? { id: candidate.did } : {}),
      type: ['AchievementSubject'],
      identifier: [nameIdentity(candidate.name, nameForm)],
      achievement,
      source: { id: actor.organisation.did, type: ['Profile'], name: localised(actor.organisation.name, language) },
      result: certified.flatMap((u) => u.outcomes.map((o) => ({
        type: ['Result'], resultDescription: outcomeDescriptionId(baseId, u.id, o.id), value: results.get(outcomeRef(u.id, o.id)) as OutcomeResult,
      }))),
      narrative: [
        say('vpl.narrative'),
        partial ? say('vpl.decision.partial', { certified: certified.length, total: units.length }) : say('vpl.decision.full'),
        say('vpl.assessedBy', { assessors, methods }),
        ...(record.decisionRationale ? [record.decisionRationale] : []),
      ].join(' '),
    },
    ...(evidence.length > 0 ? { evidence } : {}),
  };
}

/**
 * Certification: signs the credential and marks the case certified in the issuance's own transaction, so that a case
 * is certified exactly when its credential is recorded.
 */
export async function certify(deps: AssessmentDeps & {
  issueDepsFor: (alsoOnIssue: (issued: CredentialRecord) => Promise<void>) => IssueDeps;
}, actor: Actor, id: string, options: { format?: CredentialFormat; nameInCredential?: NameForm } = {}): Promise<{ record: AssessmentCaseRecord; issued: IssuedCredential }> {
  const record = await requireCase(deps, actor.organisation, id);
  if (record.stage === 'certified') throw conflict('already-certified', `Case ${id} is already certified (credential ${record.credentialId})`);
  if (record.stage !== 'decided') throw conflict('not-decided', `Case ${id} is at ${record.stage}; decide it before certifying`);
  if (record.decision === 'none') throw conflict('nothing-to-certify', `Case ${id} validated no unit; nothing can be certified. Its gap-training advice says what to learn next`);
  const credential = await validationCredential(deps, actor, record, options.nameInCredential);
  const issued = await issueCredential(deps.issueDepsFor((recorded) => markCertified(deps, actor, record, recorded.id)), {
    organisation: actor.organisation, credential, options: { format: options.format },
  });
  return { record: await requireCase(deps, actor.organisation, id), issued };
}
