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

/** A member's place in the body, kept as a chain so that a JSON Pointer is spelled out only for the member refused. */
interface Place { key: string; parent: Place | undefined }

function pointerTo(place: Place | undefined): string {
  const keys: string[] = [];
  for (let at = place; at; at = at.parent) keys.push(at.key.replaceAll('~', '~0').replaceAll('/', '~1'));
  return keys.length === 0 ? '/' : `/${keys.reverse().join('/')}`;
}

function loneSurrogateAt(body: unknown): string | undefined {
  if (typeof body === 'string') return LONE_SURROGATE.test(body) ? '/' : undefined;
  const pending: Array<[object, Place | undefined]> = [];
  if (body !== null && typeof body === 'object') pending.push([body, undefined]);
  // Members in order, the last pushed walked first; strings are tested where they are met, without a place of their own.
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, place] = next;
    for (const key of Object.keys(value)) {
      if (LONE_SURROGATE.test(key)) return pointerTo({ key, parent: place });
      const member = (value as Record<string, unknown>)[key];
      if (typeof member === 'string') {
        if (LONE_SURROGATE.test(member)) return pointerTo({ key, parent: place });
      } else if (member !== null && typeof member === 'object') {
        pending.push([member, { key, parent: place }]);
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
  // A callback hook: it runs on every request, and an async one costs a promise each.
  app.addHook('preValidation', (request, _reply, done) => {
    try {
      const nulAt = nulCharacterIn(request.params) ?? nulCharacterIn(request.query);
      if (nulAt !== undefined) throw badRequest('invalid-character', `The address holds a NUL character (%00) in ${nulAt}: remove it`);
      // Only parsed JSON can hold an escaped surrogate; a raw upload (a batch file is a Buffer) is bytes, and walking
      // it as an object visited every byte (a 1 MB file held the event loop about 2 s). A streamed body (JSON Lines
      // verification) is checked line by line where it is read.
      const body = request.body;
      if (typeof body === 'object' && body !== null && !ArrayBuffer.isView(body) && !(body instanceof Readable)) assertWellFormedUnicode(body, 'The body');
      done();
    } catch (error) {
      done(error as Error);
    }
  });
}
