/** One part of a multipart/form-data body. */
export interface FormPart { name: string; filename?: string; contentType?: string; content: Buffer }

export class MultipartError extends Error {}

/** The upload form has three fields (achievement, format, file); 10 parts leave room without reading thousands. */
export const MAX_PARTS = 10;

/**
 * Parses a multipart/form-data body (RFC 7578) already read into memory. Enough for an upload form with a few text
 * fields and one file; no streaming, since the body limit already bounds the size.
 */
export function parseMultipart(body: Buffer, contentTypeHeader: string): FormPart[] {
  const boundaryMatch = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentTypeHeader);
  const boundary = boundaryMatch?.[1] ?? boundaryMatch?.[2];
  if (!boundary) throw new MultipartError('the Content-Type header has no boundary parameter');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let position = body.indexOf(delimiter);
  if (position === -1) throw new MultipartError('the body does not contain the boundary named in Content-Type');
  for (;;) {
    position += delimiter.length;
    // "--" right after a delimiter closes the body.
    if (body[position] === 0x2d && body[position + 1] === 0x2d) return parts;
    if (parts.length === MAX_PARTS) throw new MultipartError(`the form has more than ${MAX_PARTS} parts; send the fields achievement, format and file`);
    if (body[position] === 0x0d && body[position + 1] === 0x0a) position += 2;
    const headerEnd = body.indexOf('\r\n\r\n', position);
    if (headerEnd === -1) throw new MultipartError('a part has no blank line after its headers');
    const headers = body.subarray(position, headerEnd).toString('utf8');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next === -1) throw new MultipartError('the body ends before its closing boundary');
    const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(headers)?.[1] ?? '';
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw new MultipartError('a part has no Content-Disposition name');
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1];
    const contentType = /^content-type:\s*([^\r\n;]+)/im.exec(headers)?.[1]?.trim().toLowerCase();
    parts.push({ name, ...(filename !== undefined ? { filename } : {}), ...(contentType ? { contentType } : {}), content: body.subarray(headerEnd + 4, next) });
    position = next + 2;
  }
}
