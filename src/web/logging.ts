/**
 * Secrets travel in URL paths (/w/<wallet secret>, /s/<share token>, /claim/<code>): fastify's request log must never
 * show them. This serializer replaces the secret segment and drops query strings of those routes.
 */
import type { FastifyServerOptions } from 'fastify';

const SECRET_PATH = /^\/(w|s|claim)\/[^/?#]+/;

export function redactUrl(url: string): string {
  if (!SECRET_PATH.test(url)) return url;
  return url.replace(SECRET_PATH, '/$1/[redacted]').replace(/\?.*$/, '');
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
