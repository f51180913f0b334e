import { badRequest } from '../errors.js';

/**
 * Credentials nest a few levels (subject -> achievement -> alignment -> ...). 32 levels is far beyond any real one and
 * keeps recursive JSON-LD processing well inside the stack.
 */
export const MAX_CREDENTIAL_DEPTH = 32;

export function assertDepth(value: unknown, what: string, max = MAX_CREDENTIAL_DEPTH): void {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) throw badRequest('too-deeply-nested', `${what} is nested more than ${max} levels deep; flatten it`);
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
