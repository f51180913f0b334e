/**
 * Which unique or primary key a write violated, named as SQLite names it whichever engine refused the write:
 * "table.column" or, for a composite key, "table.a, table.b". Repositories tell their keys apart by these names and map
 * each to its own domain error; any other error gives undefined.
 */
export function uniqueViolationOf(error: unknown): string | undefined {
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    const { code, message, table, detail } = current as { code?: unknown; message?: unknown; table?: unknown; detail?: unknown };
    if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
      return typeof message === 'string' ? /constraint failed: (.+)$/.exec(message)?.[1] : undefined;
    }
    // PostgreSQL's unique_violation: the columns are in the detail, "Key (list_id, status_index)=(…) already exists."
    if (code === '23505' && typeof table === 'string' && typeof detail === 'string') {
      const columns = /^Key \(([^)]+)\)=/.exec(detail)?.[1];
      return columns?.split(', ').map((column) => `${table}.${column}`).join(', ');
    }
  }
  return undefined;
}
