import { AppError, badRequest } from '../errors.js';

interface JsonLdErrorShape {
  name?: string;
  message?: string;
  details?: {
    code?: string;
    url?: string;
    event?: { code?: string; details?: { property?: string; type?: string; value?: unknown } };
    cause?: unknown;
  };
  cause?: unknown;
}

/**
 * Turns a jsonld.js error into a 400 that names what to fix (the undefined term, the unknown context), or returns
 * undefined when the error is not about the document's JSON-LD.
 */
export function jsonLdProblem(error: unknown): AppError | undefined {
  for (let e = error as JsonLdErrorShape | undefined, depth = 0; e && depth < 5; e = (e.cause ?? e.details?.cause) as JsonLdErrorShape, depth++) {
    if (typeof e.name !== 'string' || !e.name.startsWith('jsonld.')) continue;
    const event = e.details?.event;
    if (event?.code === 'invalid property' && event.details?.property) {
      const term = event.details.property;
      return badRequest('undefined-term', `The term "${term}" is not defined by the credential's @context; define it in a context, use a full IRI, or remove it`, { term });
    }
    if (event?.code === 'relative @type reference' && event.details?.type) {
      const term = event.details.type;
      return badRequest('undefined-term', `The type "${term}" is not defined by the credential's @context; add the context that defines it or use a full IRI`, { term });
    }
    if (event?.code) {
      return badRequest('invalid-json-ld', `The credential is not valid JSON-LD in safe mode (${event.code}): fix or remove the offending value`, { jsonLdCode: event.code });
    }
    if (e.details?.code === 'loading remote context failed' || e.details?.code === 'loading document failed') {
      return badRequest('unknown-context', `The context ${e.details.url ?? ''} is not bundled with this service and is never fetched; GET /contexts lists the contexts it knows`, { context: e.details.url });
    }
    return badRequest('invalid-json-ld', `The credential is not valid JSON-LD: ${e.message ?? e.name}`);
  }
  return undefined;
}
