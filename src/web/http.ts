/**
 * What the server-rendered pages share on the HTTP side: security headers, the page's language, form bodies
 * (url-encoded and multipart, no JavaScript needed), and errors rendered as pages for browsers.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, badRequest } from '../errors.js';
import { errorHandler, problemOf } from '../http/problems.js';
import { MultipartError, multipartPlugin, readParts } from '../http/multipartForm.js';
import { chooseLanguage } from './i18n.js';
import type { PageContext } from './pages/layout.js';
import { errorPage } from './pages/error.js';

/** Strict: nothing but this service's own stylesheet; no script at all; forms post only here; never framed. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'", "style-src 'self'", "img-src 'self' data:", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'",
].join('; ');

export const FORM_BODY_LIMIT = 1024 * 1024;

export type FormBody = Record<string, string | string[]>;

export function setPageHeaders(reply: FastifyReply, options: { private?: boolean } = {}): FastifyReply {
  reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
  reply.header('referrer-policy', 'no-referrer');
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  reply.header('x-robots-tag', 'noindex, nofollow');
  reply.header('cache-control', options.private ? 'no-store' : 'no-cache');
  return reply;
}

export function sendPage(reply: FastifyReply, status: number, markup: string, options: { private?: boolean } = {}) {
  return setPageHeaders(reply, options).status(status).type('text/html; charset=utf-8').send(markup);
}

export function pageContext(request: FastifyRequest, path: string, keep: Record<string, string | undefined> = {}): PageContext {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const kept = Object.fromEntries(Object.entries(keep).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return { lang: chooseLanguage(query.lang, request.headers['accept-language']), path, query: kept };
}

/** Browsers navigating or posting forms get pages; API clients get problem+json. */
export const wantsHtml = (request: FastifyRequest): boolean =>
  (request.headers.accept ?? '').includes('text/html') && !(request.headers.accept ?? '').startsWith('application/json');

/**
 * The same routes take forms and JSON (API clients): a JSON body can put anything under a field's name, so every value
 * is checked to be text here rather than trusted by its type.
 */
export function formValues(body: FormBody, name: string): string[] {
  const value: unknown = Object.hasOwn(body, name) ? body[name] : undefined;
  const values = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  if (values.some((v) => typeof v !== 'string')) throw badRequest('invalid-form-field', `The field "${name}" must be text (a string, or a list of strings)`);
  return values as string[];
}

export function formValue(body: FormBody, name: string): string | undefined {
  return formValues(body, name)[0];
}

function parseUrlEncoded(text: string): FormBody {
  const body: FormBody = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const existing = body[key];
    body[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return body;
}

/** A page form's parts: the verify page has two fields (text and file), the wallet's a few; 10 is plenty. */
const FORM_MAX_PARTS = 10;

/** Text fields and file contents of a multipart/form-data body (files read as UTF-8 text; repeated names as lists). */
async function multipartFormOf(request: FastifyRequest): Promise<FormBody> {
  let parts;
  try {
    parts = await readParts(request, { maxBytes: FORM_BODY_LIMIT, maxParts: FORM_MAX_PARTS });
  } catch (error) {
    if (!(error instanceof MultipartError)) throw error;
    if (error.kind === 'too-large') throw new AppError('body-too-large', 413, `The form is larger than ${FORM_BODY_LIMIT} bytes (1 MB); send a smaller file or text`);
    throw badRequest('invalid-form', `The multipart form cannot be read: ${error.message}`);
  }
  const body: FormBody = {};
  for (const part of parts) {
    const value = part.content.toString('utf8');
    const existing = body[part.name];
    body[part.name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return body;
}

/** Call inside a page plugin: form parsers and the page-aware error handler apply to that plugin's routes only. */
export async function registerPageSupport(app: FastifyInstance): Promise<void> {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
    done(null, parseUrlEncoded(body as string));
  });
  // Streamed by @fastify/multipart, read into the same shape as a url-encoded form before the route's validation.
  await app.register(multipartPlugin);
  app.addHook('preValidation', async (request) => {
    if (request.isMultipart()) request.body = await multipartFormOf(request);
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError && typeof error.extra.retryAfterSeconds === 'number') reply.header('retry-after', String(error.extra.retryAfterSeconds));
    if (!wantsHtml(request)) return errorHandler(error, request, reply);
    const problem = error instanceof AppError ? problemOf(error.status, error.code, error.detail)
      : error.validation ? problemOf(400, 'invalid-request', error.message)
        : error.statusCode && error.statusCode < 500 ? problemOf(error.statusCode, 'bad-request', error.message) : undefined;
    if (!problem) {
      request.log.error({ err: error }, 'unhandled error');
      return sendPage(reply, 500, errorPage(pageContext(request, '/verify'), problemOf(500, 'internal-error', 'The service failed to handle this request; it has been logged')));
    }
    return sendPage(reply, problem.status, errorPage(pageContext(request, '/verify'), problem), { private: true });
  });
}
