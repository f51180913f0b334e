/**
 * Requests an HR person can choose without writing DCQL: each preset builds the query from one value the employer
 * gives. The query only selects credentials; whether the issuer is accredited and the level high enough is judged
 * afterwards, by the same trust check and recognition as a share link (see requirement.ts).
 */
import { badRequest } from '../errors.js';
import type { DcqlQuery } from './dcql.js';

/** W3C types after JSON-LD expansion, as OpenID4VP's type_values compares them (AchievementCredential expands to the same IRI). */
const VERIFIABLE_CREDENTIAL = 'https://www.w3.org/2018/credentials#VerifiableCredential';
const OPEN_BADGE_CREDENTIAL = 'https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential';

export interface PresetChoice { id: PresetId; value: string }
export type PresetId = 'achievement-level' | 'occupation';
export const PRESET_IDS: PresetId[] = ['achievement-level', 'occupation'];

/** The same credential query in each W3C format a wallet may hold it in; the wallet answers with one of them. */
function inEveryW3cFormat(id: string, typeValues: string[][], claims?: DcqlQuery['credentials'][number]['claims']): DcqlQuery {
  const formats = [['ldp_vc', id], ['jwt_vc_json', `${id}_jwt`]] as const;
  return {
    credentials: formats.map(([format, queryId]) => ({ id: queryId, format, meta: { type_values: typeValues }, ...(claims ? { claims } : {}) })),
    credential_sets: [{ options: formats.map(([, queryId]) => [queryId]) }],
  };
}

/** The DCQL query of a preset, after checking its value. */
export function presetQuery(choice: PresetChoice): DcqlQuery {
  switch (choice.id) {
    case 'achievement-level': {
      if (!/^[1-8]$/.test(choice.value)) throw badRequest('invalid-preset-value', 'The minimum level is an EQF level, 1 to 8');
      return inEveryW3cFormat('achievement', [[OPEN_BADGE_CREDENTIAL]]);
    }
    case 'occupation': {
      if (!/^\d{1,4}$/.test(choice.value)) throw badRequest('invalid-preset-value', 'The occupation is an ISCO-08 code of 1 to 4 digits, such as 7112');
      return inEveryW3cFormat('occupation', [[VERIFIABLE_CREDENTIAL]], [
        { path: ['credentialSubject', 'achievement', 'alignment', null, 'targetCode'], values: [choice.value] },
      ]);
    }
    default:
      throw badRequest('unknown-preset', `No preset "${String(choice.id)}"; choose one of ${PRESET_IDS.join(', ')}, or give a dcqlQuery`);
  }
}
