/**
 * Refuses JSON bodies holding a lone UTF-16 surrogate ("\ud800" escaped in the JSON text).
 *
 * Such a string is not Unicode: written out as UTF-8 it turns into U+FFFD, so a credential signed over it fails to
 * verify anywhere else, and RFC 8785 canonical JSON (the audit log's hashes) has no form for it. Forms and query
 * strings are decoded from UTF-8 and cannot hold one; only JSON escapes can. The same hook refuses a NUL (%00) in
 * the address, which no name or id holds and PostgreSQL's text cannot store.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../errors.js';

const LONE_SURROGATE = /\p{Surrogate}/u;

function loneSurrogateAt(body: unknown): string | undefined {
  const pending: Array<[unknown, string]> = [[body, '']];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, pointer] = next;
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return pointer || '/';
    } else if (value !== null && typeof value === 'object') {
      for (const [key, member] of Object.entries(value)) {
        const at = `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
        if (LONE_SURROGATE.test(key)) return at;
        pending.push([member, at]);
      }
    }
  }
  return undefined;
}

/** Refuses (400 invalid-unicode) a parsed JSON value holding a lone surrogate; `where` names it in the detail. */
export function assertWellFormedUnicode(value: unknown, where: string): void {
  const at = loneSurrogateAt(value);
  if (at !== undefined) {
    throw badRequest('invalid-unicode', `${where} holds a lone UTF-16 surrogate at ${at}: JSON strings must be well-formed Unicode (RFC 8259 section 8.2)`);
  }
}

/** Where a decoded path parameter or query value holds U+0000 (a "%00"): no name, id or search term has one, and PostgreSQL's text refuses it. */
function nulCharacterIn(values: unknown): string | undefined {
  if (values === null || typeof values !== 'object') return undefined;
  for (const [name, value] of Object.entries(values)) {
    if ([value].flat().some((item) => typeof item === 'string' && item.includes('\u0000'))) return name;
  }
  return undefined;
}

export function refuseMalformedText(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const nulAt = nulCharacterIn(request.params) ?? nulCharacterIn(request.query);
    if (nulAt !== undefined) throw badRequest('invalid-character', `The address holds a NUL character (%00) in ${nulAt}: remove it`);
    // Only parsed JSON can hold an escaped surrogate; a raw upload (a batch file is a Buffer) is bytes, and walking
    // it as an object visited every byte (a 1 MB file held the event loop about 2 s). A streamed body (JSON Lines
    // verification) is checked line by line where it is read.
    if (typeof request.body !== 'object' || request.body === null || ArrayBuffer.isView(request.body) || request.body instanceof Readable) return;
    assertWellFormedUnicode(request.body, 'The body');
  });
}
