/**
 * multipart/form-data bodies read with @fastify/multipart (busboy underneath): the parts arrive as a stream and are
 * kept only up to the limits, so a form never costs more memory than its limit however large the request is.
 * Register the plugin (`multipartPlugin`) in the plugin whose routes take forms, then read them with `readParts`.
 */
import type { FastifyRequest } from 'fastify';
import multipartPlugin from '@fastify/multipart';

export { multipartPlugin };

/** One part of a form: a text field, or a file (with its file name and declared type when the client sent them). */
export interface FormPart { name: string; filename?: string; contentType?: string; content: Buffer }

export class MultipartError extends Error {
  /** `too-large`: over the byte limit (answer 413); `unreadable`: not a form the parser can read (400). */
  constructor(readonly kind: 'too-large' | 'unreadable', message: string) {
    super(message);
  }
}

export interface FormLimits {
  /** The whole form's content (fields and files together), and so any one part's. */
  maxBytes: number;
  maxParts: number;
}

/** busboy's and the plugin's wording, said as what the client should fix. */
function readingError(error: unknown, limits: FormLimits): MultipartError {
  if (error instanceof MultipartError) return error;
  const { code, message } = error as { code?: string; message?: string };
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new MultipartError('too-large', `the form is larger than ${limits.maxBytes} bytes`);
  if (code === 'FST_PARTS_LIMIT') return new MultipartError('unreadable', `the form has more than ${limits.maxParts} parts`);
  if (code === 'FST_PROTO_VIOLATION') return new MultipartError('unreadable', 'a part is named after a built-in property (such as "__proto__" or "constructor")');
  if (code === 'FST_INVALID_JSON_FIELD_ERROR') return new MultipartError('unreadable', 'a field declared as application/json is not valid JSON');
  if (message === 'Multipart: Boundary not found') return new MultipartError('unreadable', 'the Content-Type header has no boundary parameter');
  if (message === 'Unexpected end of form' || code === 'ERR_STREAM_PREMATURE_CLOSE') return new MultipartError('unreadable', 'the body ends before its closing boundary');
  // Anything else the parser raised is about the body it was given (malformed part headers, a part cut short).
  return new MultipartError('unreadable', (message ?? 'malformed body').replace(/^Multipart: /, '').toLowerCase());
}

/** Every part of the request's form, in order; throws MultipartError when it is too large or cannot be read. */
export async function readParts(request: FastifyRequest, limits: FormLimits): Promise<FormPart[]> {
  const parts: FormPart[] = [];
  let total = 0;
  const tooLarge = () => new MultipartError('too-large', `the form is larger than ${limits.maxBytes} bytes`);
  try {
    const stream = request.parts({ limits: { parts: limits.maxParts, fileSize: limits.maxBytes, fieldSize: limits.maxBytes } });
    for await (const part of stream) {
      let content: Buffer;
      if (part.type === 'file') {
        content = await part.toBuffer();
      } else {
        if (part.valueTruncated) throw tooLarge();
        // The plugin parses fields sent as application/json; the form keeps the text.
        content = Buffer.from(typeof part.value === 'string' ? part.value : JSON.stringify(part.value), 'utf8');
      }
      total += content.length;
      if (total > limits.maxBytes) throw tooLarge();
      const contentType = part.mimetype?.split(';')[0]?.trim().toLowerCase();
      parts.push({
        name: part.fieldname, content,
        ...(part.type === 'file' ? { filename: part.filename } : {}),
        // busboy says text/plain for a field without Content-Type; only a declared type means something.
        ...(contentType && !(part.type === 'field' && contentType === 'text/plain') ? { contentType } : {}),
      });
    }
  } catch (error) {
    throw readingError(error, limits);
  }
  return parts;
}
