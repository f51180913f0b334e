import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict',
  410: 'Gone', 413: 'Content Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error',
};

export function problemOf(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): Problem {
  return { type: `urn:passerelle:problem:${code}`, title: TITLES[status] ?? 'Error', status, code, detail, ...extra };
}

/** Fastify's own errors, each turned into a stable code and a detail that says what to fix. */
function fromFastifyError(error: FastifyError): Problem | undefined {
  if (error.validation) {
    const where = error.validationContext ?? 'request';
    const details = error.validation.map((v) => `${where}${v.instancePath || ''} ${v.message ?? ''}`.trim());
    return problemOf(400, 'invalid-request', `The ${where} is not as expected: ${details.join('; ')}`, { errors: details });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problemOf(415, 'unsupported-media-type', 'Send the body as JSON with Content-Type: application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problemOf(413, 'body-too-large', 'The request body is larger than this endpoint accepts (1 MB for credentials); send a smaller body');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problemOf(400, 'empty-body', 'The body is empty; send a JSON object');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problemOf(400, 'invalid-json', `The body is not valid JSON: ${error.message}`);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problemOf(400, 'invalid-content-length', 'Content-Length does not match the body');
    default:
      break;
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON') {
    return problemOf(400, 'invalid-json', `The body is not valid JSON: ${error.message}`);
  }
  const status = error.statusCode;
  if (status && status >= 400 && status < 500) return problemOf(status, 'bad-request', error.message);
  return undefined;
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  let problem: Problem;
  if (error instanceof AppError) {
    problem = problemOf(error.status, error.code, error.detail, error.extra);
    if (error.status >= 500) request.log.error({ err: error }, 'server error');
  } else {
    const known = fromFastifyError(error);
    if (known) problem = known;
    else {
      // Details of server faults go to the log, never to the client.
      request.log.error({ err: error }, 'unhandled error');
      problem = problemOf(500, 'internal-error', 'The service failed to handle this request; it has been logged');
    }
  }
  return reply.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  const problem = problemOf(404, 'unknown-route', `No route ${request.method} ${request.url.split('?')[0]}; GET /openapi.json lists the routes`);
  return reply.status(404).type(PROBLEM_CONTENT_TYPE).send(problem);
}
