/**
 * One error type for everything the service refuses on purpose. `code` is stable: clients switch on it.
 * Rendered as application/problem+json (RFC 9457) by the HTTP layer; the domain never knows about HTTP.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly detail: string;
  /** Extra members of the problem document (for example `errors` for row-level validation). */
  readonly extra: Record<string, unknown>;

  constructor(code: string, status: number, detail: string, extra: Record<string, unknown> = {}) {
    super(detail);
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.detail = detail;
    this.extra = extra;
  }
}

export const badRequest = (code: string, detail: string, extra?: Record<string, unknown>) =>
  new AppError(code, 400, detail, extra);
export const notFound = (code: string, detail: string, extra?: Record<string, unknown>) =>
  new AppError(code, 404, detail, extra);
export const unauthorized = (detail: string) => new AppError('unauthorized', 401, detail);
export const forbidden = (detail: string) => new AppError('forbidden', 403, detail);
export const conflict = (code: string, detail: string, extra?: Record<string, unknown>) =>
  new AppError(code, 409, detail, extra);
