import { AppError } from '../../src/errors.js';

type Answer = { statusCode: number; body: string; headers: Record<string, unknown> };

/**
 * An error answer's status and stable code as one value to assert: the `code` of a problem+json body, or the
 * `data-code` of an HTML error page.
 */
export function problemOf(response: Answer): { status: number; code: string | undefined } {
  const json = String(response.headers['content-type'] ?? '').includes('json');
  const code = json ? (JSON.parse(response.body) as { code?: string }).code : /data-code="([^"]+)"/.exec(response.body)?.[1];
  return { status: response.statusCode, code };
}

/**
 * The problem a domain function refuses with (an AppError's status, code, detail and extra members) as one value to
 * assert, or undefined when it does not throw. Any other error is rethrown: it is a bug, not a refusal.
 */
export async function problemThrownBy(work: () => unknown) {
  try {
    await work();
  } catch (error) {
    if (error instanceof AppError) return { status: error.status, code: error.code, detail: error.detail, ...error.extra };
    throw error;
  }
  return undefined;
}
