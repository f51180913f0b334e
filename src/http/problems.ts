import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
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
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout',
  409: 'Conflict', 410: 'Gone', 413: 'Content Too Large', 414: 'URI Too Long', 415: 'Unsupported Media Type', 429: 'Too Many Requests',
  431: 'Request Header Fields Too Large', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

export function problemOf(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): Problem {
  return { type: `urn:passerelle:problem:${code}`, title: TITLES[status] ?? 'Error', status, code, detail, ...extra };
}

/** Fastify's own errors, each turned into a stable code and a detail that says what to fix. */
function fromFastifyError(error: FastifyError): Problem | undefined {
  if (error.validation) {
    const where = error.validationContext ?? 'request';
    // An enum names what it allows (lang=ar on /occupations: "must be one of: en, fr, es"), so the fix is in the answer.
    const allowed = (v: (typeof error.validation)[number]) =>
      v.keyword === 'enum' && Array.isArray(v.params.allowedValues) ? ` (${v.params.allowedValues.join(', ')})` : '';
    const details = error.validation.map((v) => `${where}${v.instancePath || ''} ${v.message ?? ''}${allowed(v)}`.trim());
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
    // These two happen before routing (frameworkErrors).
    case 'FST_ERR_BAD_URL':
      return problemOf(400, 'invalid-url', 'The path is not valid percent-encoded UTF-8 (e.g. %FF); encode each character of the path as UTF-8');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return problemOf(414, 'path-parameter-too-long', 'A part of the path is longer than 100 characters, more than any identifier this service uses');
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
  if (error instanceof AppError && typeof error.extra.retryAfterSeconds === 'number') reply.header('retry-after', String(error.extra.retryAfterSeconds));
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

/** The problem of one item of a batch that failed on its own (the others are still answered); faults are logged. */
export function itemProblemOf(error: unknown, log: FastifyBaseLogger): Problem {
  if (error instanceof AppError) return problemOf(error.status, error.code, error.detail, error.extra);
  log.error({ err: error }, 'unhandled error in a batch item');
  return problemOf(500, 'internal-error', 'The service failed to verify this credential; it has been logged');
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  const problem = problemOf(404, 'unknown-route', `No route ${request.method} ${request.url.split('?')[0]}; GET /openapi.json lists the routes`);
  return reply.status(404).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/** Errors fastify raises before a route is found (a bad percent-encoding, an over-long path parameter). */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  // No route, so no route hooks: the header the onSend hook adds everywhere else is set here.
  reply.header('x-content-type-options', 'nosniff');
  return errorHandler(error, request, reply);
}

/**
 * Errors Node's HTTP parser raises before fastify sees a request (headers too large, malformed request line, request
 * timeout): answered as problem+json on the raw socket, then the connection is closed as Node would.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem = error.code === 'HPE_HEADER_OVERFLOW'
    ? problemOf(431, 'headers-too-large', 'The request headers are larger than this service accepts (16 KB in all); send fewer or shorter headers')
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? problemOf(408, 'request-timeout', 'The request did not arrive in time; send it again, in full')
      : problemOf(400, 'malformed-http', 'The request is not valid HTTP/1.1');
  if (socket.writable) {
    const body = JSON.stringify(problem);
    socket.write(`HTTP/1.1 ${problem.status} ${http.STATUS_CODES[problem.status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8\r\n`
      + `Content-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

/**
 * 8 MB, or 10 s: how much of an oversized body is read and thrown away before the 413 is sent. A client that writes its
 * whole body before reading (most do) would otherwise see the connection reset by the unread bytes instead of the
 * answer; beyond this it is not a mistake but an attack, and the connection is closed.
 */
const DRAIN_MAX_BYTES = 8 * 1024 * 1024;
const DRAIN_MAX_MS = 10_000;

/** onError hook: reads what is left of a too-large body (discarding it) before the 413 goes out. */
export async function drainOversizedBody(request: FastifyRequest, _reply: FastifyReply, error: FastifyError) {
  if (error.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') return;
  const body = request.raw;
  if (body.readableEnded || body.destroyed) return;
  await new Promise<void>((resolve) => {
    let drained = 0;
    const done = () => {
      clearTimeout(timer);
      body.off('data', onData).off('end', done).off('error', done).off('close', done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > DRAIN_MAX_BYTES) done();
    };
    const timer = setTimeout(done, DRAIN_MAX_MS);
    body.on('data', onData).on('end', done).on('error', done).on('close', done);
    body.resume();
  });
}
