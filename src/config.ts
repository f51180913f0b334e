import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Project root, so that defaults do not depend on the directory the service is started from. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Config {
  port: number;
  host: string;
  /** Public origin (scheme, host, optional port): used in did:web DIDs and status-list URLs. */
  baseUrl: string;
  dataDir: string;
  /** PostgreSQL connection URL: when set, the state lives there (several instances may share it) instead of in SQLite. */
  database: { url: string; poolSize: number } | undefined;
  keysDir: string;
  /** Bootstrap admin token; when absent, one is generated on first start and printed once. */
  adminToken: string | undefined;
  /** Encrypts private keys at rest; required when NODE_ENV=production. */
  keySecret: string | undefined;
  tls: { cert: string; key: string } | undefined;
  /** PEM files of a certificate whose SAN names the base URL's host, and its key: OpenID4VP requests then use x509_san_dns. */
  oid4vpX509: { cert: string; key: string } | undefined;
  /** Resolve did:web DIDs of other services over HTTPS (off by default: verification stays offline). */
  resolveRemoteDids: boolean;
  production: boolean;
  logLevel: string;
  /** HTTP worker processes (node:cluster) sharing the port and the database; 1 serves from the main process. */
  workers: number;
  /** On SIGTERM/SIGINT, how long in-flight requests and batch rows get to finish before the process exits anyway. */
  shutdownTimeoutMs: number;
  /** Which proxies to believe about the client's address (X-Forwarded-For): fastify's trustProxy. */
  trustProxy: TrustProxy;
  http: HttpLimits;
  uploads: UploadLimits;
  /** How long batch rows taken by an instance stay its own before another instance may take them over. */
  batchLeaseMs: number;
  /** How often an idle batch runner looks for work it was not told about. */
  batchPollMs: number;
}

/** false: the socket's address is the client's; true: every proxy; a number: that many hops; a list: those addresses/CIDRs. */
export type TrustProxy = boolean | number | string[];

/** Timeouts and caps of the HTTP server (see configDocs for why each default). */
export interface HttpLimits {
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  connectionTimeoutMs: number;
  maxConnections: number;
}

export interface UploadLimits {
  /** Largest batch file (or multipart form) accepted, in bytes. */
  maxBytes: number;
  /** Batch uploads one organisation may have in flight at once (each holds its file in memory while it is checked). */
  perOrganisation: number;
}

export class ConfigError extends Error {}

/** Every variable, its default and what it does: the README's tables name these and no others (test/config-and-keys.test.ts). */
export const configDocs = [
  ['PORT', '3000', 'TCP port to listen on'],
  ['HOST', '127.0.0.1', 'interface to bind (0.0.0.0 to accept connections from other machines)'],
  ['PASSERELLE_BASE_URL', 'http://localhost:$PORT', 'public origin used in DIDs (did:web) and status-list URLs'],
  ['PASSERELLE_DATA_DIR', '.passerelle/', 'folder of the SQLite database (passerelle.db), when PASSERELLE_DATABASE_URL is not set'],
  ['PASSERELLE_DATABASE_URL', '(none: embedded SQLite)', 'postgres://user:password@host:5432/database: keep the state in PostgreSQL, shared by every instance (needs PASSERELLE_KEY_SECRET: private keys are then kept in the database, encrypted)'],
  ['PASSERELLE_DATABASE_POOL_SIZE', '10', 'PostgreSQL connections per instance'],
  ['PASSERELLE_KEYS_DIR', 'keys/', 'folder of the private keys and service secrets (files mode 0600), when PASSERELLE_DATABASE_URL is not set'],
  ['PASSERELLE_ADMIN_TOKEN', '(generated once, printed at first start)', 'bootstrap admin token (at least 24 characters)'],
  ['PASSERELLE_KEY_SECRET', '(none: keys stored unencrypted)', 'secret that encrypts private keys at rest (AES-256-GCM, scrypt); required with NODE_ENV=production'],
  ['PASSERELLE_TLS_CERT', '(none)', 'PEM certificate file: serve HTTPS directly (with PASSERELLE_TLS_KEY)'],
  ['PASSERELLE_TLS_KEY', '(none)', 'PEM private key file for PASSERELLE_TLS_CERT'],
  ['PASSERELLE_OID4VP_X509_CERT', '(none)', 'PEM certificate chain (leaf first) whose subjectAltName names the host of PASSERELLE_BASE_URL: presentation requests to wallet apps are then signed with its key (PASSERELLE_OID4VP_X509_KEY, P-256 or Ed25519) under the client identifier x509_san_dns:<host>'],
  ['PASSERELLE_OID4VP_X509_KEY', '(none)', 'PEM private key file for PASSERELLE_OID4VP_X509_CERT'],
  ['PASSERELLE_RESOLVE_REMOTE_DIDS', 'false', 'resolve other services\' did:web DIDs over HTTPS (5 s timeout, 64 KB limit)'],
  ['LOG_LEVEL', 'info', 'fatal, error, warn, info, debug, trace or silent'],
  ['PASSERELLE_WORKERS', '1', 'HTTP worker processes sharing the port (node:cluster); set it to the number of cores to use them all'],
  ['PASSERELLE_SHUTDOWN_TIMEOUT_MS', '30000', 'on SIGTERM or SIGINT, in-flight requests and the batch rows being signed get this long to finish before the process exits anyway (a second signal exits at once)'],
  ['PASSERELLE_TRUST_PROXY', 'false', 'trust X-Forwarded-For from a reverse proxy: true (any), a hop count (1), or a comma list of addresses/CIDRs (127.0.0.1,10.0.0.0/8); guess limits count per client address, so set this behind a proxy'],
  ['PASSERELLE_REQUEST_TIMEOUT_MS', '120000', 'whole request (headers and body) must arrive within this: a 16 MB batch file at about 1.1 Mbit/s'],
  ['PASSERELLE_HEADERS_TIMEOUT_MS', '10000', 'request headers must arrive within this (they are a few hundred bytes; slow-headers attacks are refused)'],
  ['PASSERELLE_KEEP_ALIVE_TIMEOUT_MS', '5000', 'an idle keep-alive connection is closed after this (Node\'s default; shorter than common proxies\' 60 s so the proxy never reuses a closed one)'],
  ['PASSERELLE_CONNECTION_TIMEOUT_MS', '30000', 'a connection on which nothing is received or sent for this long is closed'],
  ['PASSERELLE_MAX_CONNECTIONS', '1000', 'open connections per process; beyond it new ones are refused (under the usual 1024 file-descriptor limit)'],
  ['PASSERELLE_UPLOAD_MAX_BYTES', '16777216', 'largest batch file (16 MB: 10,000 wide rows fit in about 3 MB); larger uploads get 413 file-too-large'],
  ['PASSERELLE_UPLOADS_PER_ORGANISATION', '2', 'batch uploads one organisation may have in flight at once; more get 429 too-many-uploads'],
  ['PASSERELLE_BATCH_POLL_MS', '1000', 'an idle instance looks for batches queued through another server (sharing a PostgreSQL database) and for rows a stopped instance left this often; the workers of one server (PASSERELLE_WORKERS) tell each other at once'],
  ['PASSERELLE_BATCH_LEASE_MS', '30000', 'batch rows an instance takes (16 at a time) stay its own this long: rows left by an instance that died are taken over by the others after it; keep it well above the time to sign 16 rows'],
] as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads and validates the environment once; every problem is reported together, each saying what to set. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT must be an integer 0-65535, got "${env.PORT}"`);
  const host = env.HOST ?? '127.0.0.1';
  const tlsCert = env.PASSERELLE_TLS_CERT;
  const tlsKey = env.PASSERELLE_TLS_KEY;
  if (Boolean(tlsCert) !== Boolean(tlsKey)) problems.push('set both PASSERELLE_TLS_CERT and PASSERELLE_TLS_KEY, or neither');
  const scheme = tlsCert ? 'https' : 'http';
  const x509Cert = env.PASSERELLE_OID4VP_X509_CERT || undefined;
  const x509Key = env.PASSERELLE_OID4VP_X509_KEY || undefined;
  if (Boolean(x509Cert) !== Boolean(x509Key)) problems.push('set both PASSERELLE_OID4VP_X509_CERT and PASSERELLE_OID4VP_X509_KEY, or neither');
  const baseUrl = (env.PASSERELLE_BASE_URL ?? `${scheme}://localhost:${port}`).replace(/\/+$/, '');
  try {
    const url = new URL(baseUrl);
    if (!['http:', 'https:'].includes(url.protocol) || url.pathname !== '/' || url.search || url.hash) {
      problems.push(`PASSERELLE_BASE_URL must be an origin such as https://credentials.example.org, got "${baseUrl}"`);
    }
  } catch {
    problems.push(`PASSERELLE_BASE_URL is not a URL: "${baseUrl}"`);
  }
  const adminToken = env.PASSERELLE_ADMIN_TOKEN || undefined;
  if (adminToken !== undefined && adminToken.length < 24) problems.push('PASSERELLE_ADMIN_TOKEN must be at least 24 characters');
  const production = env.NODE_ENV === 'production';
  const keySecret = env.PASSERELLE_KEY_SECRET || undefined;
  if (production && !keySecret) {
    problems.push('NODE_ENV=production needs PASSERELLE_KEY_SECRET (a long random secret, e.g. `openssl rand -base64 32`) so that private keys are encrypted at rest');
  }
  if (keySecret !== undefined && keySecret.length < 16) problems.push('PASSERELLE_KEY_SECRET must be at least 16 characters');
  const databaseUrl = env.PASSERELLE_DATABASE_URL || undefined;
  if (databaseUrl !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('PASSERELLE_DATABASE_URL must be a PostgreSQL URL: postgres://user:password@host:5432/database');
    // Every instance reads the keys from the database, so they are never stored there in plain text.
    if (!keySecret) problems.push('PASSERELLE_DATABASE_URL needs PASSERELLE_KEY_SECRET (the same on every instance): private keys are kept in the database, encrypted with it');
  }
  const remote = env.PASSERELLE_RESOLVE_REMOTE_DIDS ?? 'false';
  if (!['true', 'false'].includes(remote)) problems.push('PASSERELLE_RESOLVE_REMOTE_DIDS must be true or false');
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const workers = Number(env.PASSERELLE_WORKERS ?? 1);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) problems.push(`PASSERELLE_WORKERS must be an integer 1-64, got "${env.PASSERELLE_WORKERS}"`);
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name];
    const value = Number(raw ?? fallback);
    if (!Number.isInteger(value) || value < min || value > max) problems.push(`${name} must be an integer ${min}-${max}, got "${raw}"`);
    return value;
  };
  const http: HttpLimits = {
    requestTimeoutMs: integer('PASSERELLE_REQUEST_TIMEOUT_MS', 120_000, 1, 3_600_000),
    headersTimeoutMs: integer('PASSERELLE_HEADERS_TIMEOUT_MS', 10_000, 1, 600_000),
    keepAliveTimeoutMs: integer('PASSERELLE_KEEP_ALIVE_TIMEOUT_MS', 5_000, 1, 600_000),
    connectionTimeoutMs: integer('PASSERELLE_CONNECTION_TIMEOUT_MS', 30_000, 1, 3_600_000),
    maxConnections: integer('PASSERELLE_MAX_CONNECTIONS', 1000, 1, 1_000_000),
  };
  // Node refuses a headers timeout longer than the request timeout.
  if (http.headersTimeoutMs > http.requestTimeoutMs) problems.push('PASSERELLE_HEADERS_TIMEOUT_MS must not exceed PASSERELLE_REQUEST_TIMEOUT_MS');
  const uploads: UploadLimits = {
    maxBytes: integer('PASSERELLE_UPLOAD_MAX_BYTES', 16 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    perOrganisation: integer('PASSERELLE_UPLOADS_PER_ORGANISATION', 2, 1, 1000),
  };
  const shutdownTimeoutMs = integer('PASSERELLE_SHUTDOWN_TIMEOUT_MS', 30_000, 1, 3_600_000);
  const batchLeaseMs = integer('PASSERELLE_BATCH_LEASE_MS', 30_000, 1000, 3_600_000);
  const batchPollMs = integer('PASSERELLE_BATCH_POLL_MS', 1000, 50, 3_600_000);
  const database = databaseUrl ? { url: databaseUrl, poolSize: integer('PASSERELLE_DATABASE_POOL_SIZE', 10, 1, 1000) } : undefined;
  const trustProxy = parseTrustProxy(env.PASSERELLE_TRUST_PROXY, problems);
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n- ${problems.join('\n- ')}`);
  return {
    port,
    host,
    baseUrl,
    dataDir: path.resolve(env.PASSERELLE_DATA_DIR ?? path.join(projectRoot, '.passerelle')),
    database,
    keysDir: path.resolve(env.PASSERELLE_KEYS_DIR ?? path.join(projectRoot, 'keys')),
    adminToken,
    keySecret,
    tls: tlsCert && tlsKey ? { cert: tlsCert, key: tlsKey } : undefined,
    oid4vpX509: x509Cert && x509Key ? { cert: x509Cert, key: x509Key } : undefined,
    resolveRemoteDids: remote === 'true',
    production,
    logLevel,
    workers,
    shutdownTimeoutMs,
    trustProxy,
    http,
    uploads,
    batchLeaseMs,
    batchPollMs,
  };
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;

/** An IPv4 or IPv6 address, optionally with a /prefix: what proxy-addr (fastify's trustProxy) accepts. */
function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, extra] = entry.split('/');
  if (extra !== undefined) return false;
  const v4 = IPV4.test(address);
  const v6 = !v4 && address.includes(':') && /^[0-9a-f:.]+$/i.test(address);
  if (!v4 && !v6) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (v4 ? 32 : 128);
}

function parseTrustProxy(raw: string | undefined, problems: string[]): TrustProxy {
  const value = (raw ?? 'false').trim();
  if (value === 'false' || value === '') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value.split(',').map((e) => e.trim()).filter(Boolean);
  const invalid = entries.filter((e) => !isAddressOrCidr(e));
  if (invalid.length > 0) {
    problems.push(`PASSERELLE_TRUST_PROXY must be true, false, a hop count or a comma list of addresses/CIDRs (e.g. 127.0.0.1,10.0.0.0/8); not understood: ${invalid.join(', ')}`);
  }
  return entries;
}
