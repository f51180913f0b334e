import crypto from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server tests use: PASSERELLE_DATABASE_URL, or the local one of the development and CI machines. */
export const testPostgresUrl = process.env.PASSERELLE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const START_HINT = 'start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`';

/**
 * Why PostgreSQL tests are skipped: false when the server answers. When it does not, the tests are skipped with a
 * reason saying how to start it — unless PASSERELLE_REQUIRE_POSTGRES=1 (CI), where an unreachable server fails.
 */
export async function postgresSkipReason(): Promise<string | false> {
  const client = new pg.Client({ connectionString: testPostgresUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.end();
    return false;
  } catch (error) {
    const reason = `PostgreSQL unreachable at ${new URL(testPostgresUrl).host} (${(error as Error).message}): ${START_HINT}`;
    if (process.env.PASSERELLE_REQUIRE_POSTGRES === '1') throw new Error(reason);
    return reason;
  }
}

/** A schema name of its own for one test (lower case, so it needs no quoting). */
export const uniqueSchema = (label: string) => `t_${label}_${crypto.randomBytes(5).toString('hex')}`;
