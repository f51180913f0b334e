/**
 * What the employer reads once the wallet has answered: the share link's report for each presented credential (live:
 * revocation is checked again on each view), with the holder's proof, whether the credential answers the query, and
 * for a level preset whether the requirement is met. Knows nothing of HTTP or HTML.
 */
import { recognitionForCredential } from '../frameworks/credentialMapping.js';
import { reportOn, type CredentialReport, type ReportDeps } from '../wallet/credentialReport.js';
import type { PresetChoice } from './presets.js';
import type { Outcome } from './verifyAnswer.js';

export interface AnsweredCredential {
  queryId: string;
  report: CredentialReport;
  /** Why it does not answer the query; absent when it does. */
  mismatch?: string;
  /** Set when the credential names another holder than the one who presented it. */
  issuedToAnother?: string[];
  /** For a preset with a threshold: met, or why not. */
  requirement?: { met: boolean; reason: 'met' | 'level-too-low' | 'no-level' | 'not-accredited' | 'not-valid'; level?: string };
}

export interface AnswerReport {
  declined?: { error: string; description?: string };
  credentials: AnsweredCredential[];
  /** Credential queries (or alternatives) the wallet did not answer. */
  unanswered: string[][];
}

/** "An achievement from an issuer accredited for EQF level N or higher": the trust check and the EQF recognition decide. */
function levelRequirement(report: CredentialReport, minimum: number): NonNullable<AnsweredCredential['requirement']> {
  if (report.state !== 'valid' || !report.credential) return { met: false, reason: 'not-valid' };
  const recognition = recognitionForCredential(report.credential, { framework: 'eqf' });
  const levels = (recognition?.levels ?? []).map((l) => Number(l.ref.replace(/^eqf:/, ''))).filter((n) => Number.isInteger(n));
  if (levels.length === 0) return { met: false, reason: 'no-level' };
  const level = String(Math.max(...levels));
  if (Number(level) < minimum) return { met: false, reason: 'level-too-low', level };
  if (!report.findings.some((f) => f.reason === 'accredited')) return { met: false, reason: 'not-accredited', level };
  return { met: true, reason: 'met', level };
}

export async function answerReport(deps: ReportDeps, outcome: Outcome, options: { lang: string; framework: string; preset?: PresetChoice | null }): Promise<AnswerReport> {
  if ('declined' in outcome) return { declined: outcome.declined, credentials: [], unanswered: [] };
  const credentials: AnsweredCredential[] = [];
  for (const presentation of outcome.presentations) {
    for (const presented of presentation.credentials) {
      const report = await reportOn(deps, presented.document, { lang: options.lang, framework: options.framework });
      credentials.push({
        queryId: presentation.queryId, report,
        ...(presented.mismatch ? { mismatch: presented.mismatch } : {}),
        ...(presented.issuedToAnother ? { issuedToAnother: presented.issuedToAnother } : {}),
        ...(options.preset?.id === 'achievement-level' ? { requirement: levelRequirement(report, Number(options.preset.value)) } : {}),
      });
    }
  }
  return { credentials, unanswered: outcome.unanswered };
}
