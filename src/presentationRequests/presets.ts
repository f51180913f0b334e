/**
 * Requests an HR person can choose without writing DCQL: each preset builds the query from one value the employer
 * gives. The query only selects credentials; whether the issuer is accredited and the level high enough is judged
 * afterwards, by the same trust check and recognition as a share link (see requirement.ts).
 */
import { badRequest } from '../errors.js';
import { achievementVct } from '../credentials/sdJwtVc.js';
import type { DcqlQuery } from './dcql.js';

/** W3C types after JSON-LD expansion, as OpenID4VP's type_values compares them (AchievementCredential expands to the same IRI). */
const VERIFIABLE_CREDENTIAL = 'https://www.w3.org/2018/credentials#VerifiableCredential';
const OPEN_BADGE_CREDENTIAL = 'https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential';

export interface PresetChoice { id: PresetId; value: string }
export type PresetId = 'achievement-level' | 'occupation';
export const PRESET_IDS: PresetId[] = ['achievement-level', 'occupation'];

/**
 * The same credential query in each format a wallet may hold it in (Data Integrity, JWT, and this service's SD-JWT VC
 * achievement type); the wallet answers with one of them.
 */
function inEveryFormat(id: string, meta: { typeValues: string[][]; vct: string }, claims?: DcqlQuery['credentials'][number]['claims']): DcqlQuery {
  const withClaims = claims ? { claims } : {};
  return {
    credentials: [
      { id, format: 'ldp_vc', meta: { type_values: meta.typeValues }, ...withClaims },
      { id: `${id}_jwt`, format: 'jwt_vc_json', meta: { type_values: meta.typeValues }, ...withClaims },
      { id: `${id}_sd_jwt`, format: 'dc+sd-jwt', meta: { vct_values: [meta.vct] }, ...withClaims },
    ],
    credential_sets: [{ options: [[id], [`${id}_jwt`], [`${id}_sd_jwt`]] }],
  };
}

/** The DCQL query of a preset, after checking its value. `baseUrl` names this service's SD-JWT VC type (vct). */
export function presetQuery(choice: PresetChoice, baseUrl: string): DcqlQuery {
  switch (choice.id) {
    case 'achievement-level': {
      if (!/^[1-8]$/.test(choice.value)) throw badRequest('invalid-preset-value', 'The minimum level is an EQF level, 1 to 8');
      return inEveryFormat('achievement', { typeValues: [[OPEN_BADGE_CREDENTIAL]], vct: achievementVct(baseUrl) });
    }
    case 'occupation': {
      if (!/^\d{1,4}$/.test(choice.value)) throw badRequest('invalid-preset-value', 'The occupation is an ISCO-08 code of 1 to 4 digits, such as 7112');
      return inEveryFormat('occupation', { typeValues: [[VERIFIABLE_CREDENTIAL]], vct: achievementVct(baseUrl) }, [
        { path: ['credentialSubject', 'achievement', 'alignment', null, 'targetCode'], values: [choice.value] },
      ]);
    }
    default:
      throw badRequest('unknown-preset', `No preset "${String(choice.id)}"; choose one of ${PRESET_IDS.join(', ')}, or give a dcqlQuery`);
  }
}
