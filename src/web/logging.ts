/**
 * Secrets travel in URL paths (/w/<wallet secret>, /s/<share token>, /claim/<code>, /presentation-requests/<page
 * secret>), and people paste tokens into
 * query strings: fastify's request log must never show them. This serializer replaces the secret segment and drops
 * query strings of those routes, and elsewhere logs only the values of harmless query parameters.
 */
import type { FastifyServerOptions } from 'fastify';

const SECRET_PATH = /^\/(w|s|claim|presentation-requests)\/[^/?#]+/;

/**
 * Query parameters whose values are logged: they choose a language, a framework or a page of results, and never name
 * a person or carry a secret. Everything else is `[redacted]`: `q` (what someone typed into a search may be their own
 * name), `challenge`/`domain` (presentation nonces), `uri`/`issuer`/`authority`/`achievement`, and any parameter the
 * service does not know (`token`, `access_token`, ... put there by mistake).
 */
export const LOGGED_QUERY_PARAMETERS = new Set(['lang', 'framework', 'country', 'from', 'to', 'limit', 'offset', 'state', 'version', 'format', 'new', 'done']);

/** A parameter name is kept when it looks like a name; a long or odd one may itself be a pasted secret. */
const PARAMETER_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,31}$/;

function redactQuery(query: string): string {
  return query.split('&').map((pair) => {
    if (pair === '') return pair;
    const separator = pair.indexOf('=');
    const name = separator === -1 ? pair : pair.slice(0, separator);
    if (!PARAMETER_NAME.test(name)) return '[redacted]';
    if (separator === -1 || LOGGED_QUERY_PARAMETERS.has(name)) return pair;
    return `${name}=[redacted]`;
  }).join('&');
}

export function redactUrl(url: string): string {
  if (SECRET_PATH.test(url)) return url.replace(SECRET_PATH, '/$1/[redacted]').replace(/\?.*$/, '');
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  return `${url.slice(0, queryStart)}?${redactQuery(url.slice(queryStart + 1))}`;
}

interface LoggedRequest { method: string; url: string; hostname?: string; ip?: string; socket?: { remotePort?: number } }

export function redactedRequestSerializer(request: LoggedRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.hostname,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** Fastify logger options with the redacting request serializer (keeps everything else the caller set). */
export function withRedactedUrls(logger: boolean | object): FastifyServerOptions['logger'] {
  if (!logger) return false;
  const options = typeof logger === 'object' ? (logger as { serializers?: Record<string, unknown> }) : {};
  return { ...options, serializers: { ...options.serializers, req: redactedRequestSerializer } } as FastifyServerOptions['logger'];
}
