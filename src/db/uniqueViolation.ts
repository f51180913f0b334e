/**
 * Which unique or primary key a SQLite write violated, as SQLite names it: "table.column" or, for a composite key,
 * "table.a, table.b". SQLite reports both kinds of key under the same codes, so repositories tell their keys apart
 * by these names and map each to its own domain error; any other error gives undefined.
 */
export function uniqueViolationOf(error: unknown): string | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code !== 'SQLITE_CONSTRAINT_PRIMARYKEY' && code !== 'SQLITE_CONSTRAINT_UNIQUE') return undefined;
  return typeof message === 'string' ? /constraint failed: (.+)$/.exec(message)?.[1] : undefined;
}
