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
