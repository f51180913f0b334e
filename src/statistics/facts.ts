import { getFramework, resolveAlignment } from '../frameworks/registry.js';
import type { StatisticsSources } from '../db/repositories/statistics.js';
import type { CredentialFact, Route } from './tables.js';

interface Definition {
  levels?: Array<{ frameworkId: string; code: string }>;
  skills?: Array<{ uri: string }>;
  occupation?: { isco?: { code?: string } };
}

interface Profile { isco: string | null; skills: string[]; levels: Array<{ frameworkId: string; code: string }>; route: Route }

const UNSPECIFIED: Profile = { isco: null, skills: [], levels: [], route: 'unspecified' };

function profileOf(definition: Definition | null, route: Route): Profile {
  const code = definition?.occupation?.isco?.code;
  return {
    isco: code && /^\d{4}$/.test(code) ? code : null,
    skills: (definition?.skills ?? []).map((s) => s.uri),
    levels: definition?.levels ?? [],
    route,
  };
}

/**
 * The corridor, where the data knows it: a credential certified in one country (its issuer's) and levelled in the
 * national framework of another (a Moroccan centre's achievement placed at a level of Spain's MECU; a German chamber's
 * placed in Ghana's NTVETQF for the return) runs from the first to the second. The first such framework in the
 * achievement's order decides; with none, the corridor is unknown. No holder data (nationality, address) is used.
 */
function corridorOf(country: string, levels: Profile['levels']): string | null {
  for (const level of levels) {
    const framework = getFramework(level.frameworkId);
    if (framework?.kind === 'national' && framework.country && framework.country !== country) return `${country}-${framework.country}`;
  }
  return null;
}

/** One fact per issued credential; what links it to an achievement (a batch, a validation case) gives it a profile. */
export function credentialFacts(sources: StatisticsSources): CredentialFact[] {
  const revoked = new Set(sources.revoked);
  const profiles = new Map<string, Profile>();
  for (const row of sources.trained) profiles.set(row.credentialId, profileOf(row.definition as Definition, 'training'));
  for (const row of sources.validated) {
    const route: Route = row.decision === 'partial' ? 'partial-validation' : 'validation';
    const external = (row.reference.alignment as Array<{ targetFramework?: string; targetCode?: string; targetUrl?: string }> | undefined) ?? [];
    const definition: Definition | null = row.definition as Definition | null
      ?? { levels: external.flatMap((a) => { const level = resolveAlignment(a); return level ? [{ frameworkId: level.framework, code: level.code }] : []; }) };
    profiles.set(row.credentialId, profileOf(definition, route));
  }
  return sources.credentials.map((credential) => {
    const profile = profiles.get(credential.id) ?? UNSPECIFIED;
    return {
      organisationId: credential.organisationId,
      month: credential.issuedAt.slice(0, 7),
      country: credential.country,
      corridor: corridorOf(credential.country, profile.levels),
      isco: profile.isco,
      skills: profile.skills,
      levels: profile.levels.map((l) => `${l.frameworkId}:${l.code}`),
      route: profile.route,
      revoked: revoked.has(credential.id),
    };
  });
}
