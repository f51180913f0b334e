import { AppError, badRequest } from '../errors.js';

/** Any thrown value, as far as the search for a jsonld.js error in its causes reads it. */
interface ThrownShape {
  name?: unknown;
  cause?: unknown;
  details?: { cause?: unknown };
}

/** jsonld.js's JsonLdError: its constructor always sets `details` ({} when there are none). */
interface JsonLdErrorShape {
  name: string;
  message: string;
  details: { code?: string; url?: string; event?: SafeModeEvent };
}

/** A safe-mode validation event: every code the service reads comes with the offending property or type. */
interface SafeModeEvent {
  code: string;
  details: { property?: string; type?: string };
}

/** How many errors deep the search looks: deep enough for the libraries' wrapping, and it ends on a cycle. */
const MAX_CAUSE_DEPTH = 5;

/**
 * Turns a jsonld.js error, thrown as such or as the cause of another, into a 400 that names what to fix (the undefined
 * term, the unknown context), or returns undefined when the error is not about the document's JSON-LD.
 */
export function jsonLdProblem(error: unknown): AppError | undefined {
  for (let e = error as ThrownShape | undefined, depth = 0; e && depth < MAX_CAUSE_DEPTH; e = (e.cause ?? e.details?.cause) as ThrownShape, depth++) {
    if (typeof e.name === 'string' && e.name.startsWith('jsonld.')) return problemOf(e as JsonLdErrorShape);
  }
  return undefined;
}

function problemOf(error: JsonLdErrorShape): AppError {
  const { event } = error.details;
  if (event?.code === 'invalid property') {
    const term = event.details.property;
    return badRequest('undefined-term', `The term "${term}" is not defined by the credential's @context; define it in a context, use a full IRI, or remove it`, { term });
  }
  if (event?.code === 'relative @type reference') {
    const term = event.details.type;
    return badRequest('undefined-term', `The type "${term}" is not defined by the credential's @context; add the context that defines it or use a full IRI`, { term });
  }
  if (event) {
    return badRequest('invalid-json-ld', `The credential is not valid JSON-LD in safe mode (${event.code}): fix or remove the offending value`, { jsonLdCode: event.code });
  }
  // The service never hands jsonld.js a URL to load, only contexts to resolve, and every context it resolves names its URL.
  if (error.details.code === 'loading remote context failed') {
    return badRequest('unknown-context', `The context ${error.details.url} is not bundled with this service and is never fetched; GET /contexts lists the contexts it knows`, { context: error.details.url });
  }
  return badRequest('invalid-json-ld', `The credential is not valid JSON-LD: ${error.message}`);
}
