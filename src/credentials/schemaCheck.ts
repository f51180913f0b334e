import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { isObject } from './jsonLimits.js';
import type { JsonObject } from './vcLibrary.js';

/**
 * Validates `credentialSchema` entries of type JsonSchema. Schemas published by this service (under /schemas/) are
 * read from the project's schemas/ folder; others are not fetched, so the check says so instead of passing silently.
 */
export class SchemaValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly options: { baseUrl: string; schemasDir: string }) {}

  async check(credential: JsonObject): Promise<{ valid: boolean; message: string }> {
    const entries = Array.isArray(credential.credentialSchema) ? credential.credentialSchema : [credential.credentialSchema];
    const messages: string[] = [];
    for (const entry of entries) {
      if (!isObject(entry) || typeof entry.id !== 'string' || entry.type !== 'JsonSchema') {
        return { valid: false, message: 'credentialSchema entries must be {"id": <URL>, "type": "JsonSchema"}' };
      }
      const validate = this.validatorFor(entry.id);
      if (!validate) return { valid: false, message: `Schema ${entry.id} is not published by this service and is not fetched` };
      if (!validate(credential)) {
        const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
        return { valid: false, message: `Does not match schema ${entry.id}: ${errors.join('; ')}` };
      }
      messages.push(`Matches schema ${entry.id}`);
    }
    return { valid: true, message: messages.join('; ') };
  }

  private validatorFor(id: string): ValidateFunction | undefined {
    const prefix = `${this.options.baseUrl}/schemas/`;
    if (!id.startsWith(prefix)) return undefined;
    const cached = this.compiled.get(id);
    if (cached) return cached;
    const name = id.slice(prefix.length);
    if (!/^[a-z0-9-]+\.json$/.test(name)) return undefined;
    const file = path.join(this.options.schemasDir, name);
    if (!fs.existsSync(file)) return undefined;
    const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    const validate = this.ajv.compile({ ...schema, $id: id });
    this.compiled.set(id, validate);
    return validate;
  }
}
