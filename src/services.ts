import cluster from 'node:cluster';
import path from 'node:path';
import { projectRoot, type Config } from './config.js';
import { openDatabase, sqliteFileOf } from './db/client.js';
import type { Database } from './db/database.js';
import { PostgresDatabase } from './db/postgres/database.js';
import { databaseAttemptCounter, sweepExpiredAttemptCounters } from './db/attemptCounters.js';
import { createRepositories, type Repositories } from './db/repositories/index.js';
import { KeyStore } from './keys/keyStore.js';
import { FileKeyVault } from './keys/fileKeyVault.js';
import { createDidResolver, type DidResolver } from './credentials/didResolver.js';
import { createDocumentLoader, type DocumentLoader } from './credentials/documentLoader.js';
import { StatusListService } from './credentials/statusLists.js';
import { StatusChecker } from './credentials/statusCheck.js';
import { keptAccreditations, type IssuerAccreditations } from './trust/trustCheck.js';
import { createLocalResources } from './credentials/relatedResources.js';
import { SchemaValidator } from './credentials/schemaCheck.js';
import { sharedVerifyPool } from './credentials/verifyPool.js';
import { didDocumentOf } from './orgs/organisations.js';
import type { VerifyDeps } from './credentials/verify.js';
import type { IssueDeps } from './credentials/issue.js';
import { WalletService } from './wallet/walletService.js';
import { SharePresenter } from './wallet/presenter.js';
import { AuditLog } from './audit/auditLog.js';
import { IssuanceRecorder } from './audit/issuanceRecorder.js';
import { Oid4vciIssuerService } from './oid4vci/issuer.js';

/** Everything the routes hand to the domain, wired once: the composition root. */
export interface Services {
  config: Config;
  database: Database;
  repos: Repositories;
  keyStore: KeyStore;
  resolveDid: DidResolver;
  documentLoader: DocumentLoader;
  statusLists: StatusListService;
  statusChecker: StatusChecker;
  schemaValidator: SchemaValidator;
  now: () => Date;
  issueDeps: IssueDeps;
  /** Verification for callers in this process (tools, tests): small documents are checked on the calling thread. */
  verifyDeps: VerifyDeps;
  /**
   * The same for verifications a request asks for. With one worker process, every proof is checked on the pool's
   * threads: the event loop reads and answers the other requests meanwhile, and the threads use the other cores.
   * Measured with BENCH_ONLY=http-verify (2 cores, 16 connections, 2026-12-04): eddsa-rdfc-2022 2,720 verifications/s
   * against 1,632 with small credentials checked inline, eddsa-jcs-2022 3,837 against 2,548, vc+jwt 4,849 against
   * 2,969; the price is the round trip to a thread, about 0.35 ms more for a request alone (one connection: 778/s
   * against 1,079/s). With several worker processes (PASSERELLE_WORKERS), each checks inline as verifyDeps does: the
   * processes use the cores already, and the threads added hundreds of MB for nothing (two workers: 2,521 rdfc
   * verifications/s with them against 2,763 without, 925 MB against 633 MB).
   */
  requestVerifyDeps: VerifyDeps;
  /** The same, with every proof checked on the pool's threads (batch verification: see verifyPool.ts, offThread). */
  batchVerifyDeps: VerifyDeps;
  /** Holders' wallets, claim offers and share links. */
  wallet: WalletService;
  /** Signs share-link presentations with the service's own did:key. */
  sharePresenter: SharePresenter;
  /** Issuance to wallet apps (OpenID4VCI): metadata, token, nonce and credential endpoints over claim offers. */
  oid4vci: Oid4vciIssuerService;
  /** Hash-chained log of each organisation's issuances, status changes, keys, tokens, accreditations, assessments. */
  audit: AuditLog;
  /** Issuers' accreditations as trust answers read them: kept while the database's change stamp holds (trustCheck.ts). */
  trustAccreditations: IssuerAccreditations;
  /** Writes issued credentials with their audit entries, concurrent issuances in one transaction. */
  issuanceRecorder: IssuanceRecorder;
  close(): Promise<void>;
}

export const schemasDir = path.join(projectRoot, 'schemas');

/**
 * The database the configuration names: PostgreSQL when PASSERELLE_DATABASE_URL is set, else the embedded SQLite file,
 * whose log a cluster worker leaves to its primary to checkpoint (src/db/walCheckpoints.ts).
 */
export async function openConfiguredDatabase(config: Config): Promise<Database> {
  if (config.database) return PostgresDatabase.open(config.database.url, { poolSize: config.database.poolSize });
  return openDatabase(sqliteFileOf(config), { checkpointedElsewhere: cluster.isWorker });
}

/** `database` is for tests and tools that open their own (e.g. a PostgreSQL schema per test). */
export async function createServices(config: Config, now: () => Date = () => new Date(), database?: Database): Promise<Services> {
  database ??= await openConfiguredDatabase(config);
  const repos = createRepositories(database);
  // Several instances (PostgreSQL) share their keys through the database, sealed; one machine keeps them in files.
  const keyStore = config.database
    ? new KeyStore(repos.sealedKeys, config.keySecret, { encryptionRequired: true })
    : new KeyStore(new FileKeyVault(config.keysDir), config.keySecret);
  const resolveDid = createDidResolver({
    resolveRemote: config.resolveRemoteDids,
    localDids: {
      version: (did) => repos.organisations.keysVersionOf(did),
      changeStamp: () => database.changeStamp(),
      document: async (did) => {
        const organisation = await repos.organisations.byDid(did);
        return organisation?.didMethod === 'web' ? didDocumentOf(organisation, await repos.organisations.keysOf(organisation.id)) : undefined;
      },
    },
  });
  const documentLoader = createDocumentLoader(resolveDid);
  const statusLists = new StatusListService({
    statusLists: repos.statusLists, credentials: repos.credentials, organisations: repos.organisations, keyStore, documentLoader,
    baseUrl: config.baseUrl, now,
  });
  const statusChecker = new StatusChecker({
    statusLists, versionOf: (id) => repos.statusLists.version(id), changeStamp: () => database.changeStamp(), documentLoader, baseUrl: config.baseUrl,
  });
  const schemaValidator = new SchemaValidator({ baseUrl: config.baseUrl, schemasDir });
  const verifyDeps: VerifyDeps = {
    resolveDid, documentLoader, statusChecker, schemaValidator, proofs: sharedVerifyPool(), now,
    localResources: createLocalResources({ baseUrl: config.baseUrl, schemasDir }),
  };
  const batchVerifyDeps: VerifyDeps = { ...verifyDeps, proofs: sharedVerifyPool().offThread };
  const issueDeps: IssueDeps = { organisations: repos.organisations, credentials: repos.credentials, keyStore, statusLists, documentLoader, baseUrl: config.baseUrl, now };
  const wallet = new WalletService({
    repo: repos.wallet, baseUrl: config.baseUrl, now, batchClaimSecret: await keyStore.namedSecret('batch-claim-codes'),
    failureCounter: (name, limit) => databaseAttemptCounter(database, name, limit.windowMs),
  });
  const stopSweepingAttemptCounters = sweepExpiredAttemptCounters(database);
  const audit = new AuditLog({ database, entries: repos.audit, now });
  return {
    config, database, repos, keyStore, resolveDid, documentLoader, statusLists, statusChecker, schemaValidator, now,
    issueDeps,
    verifyDeps,
    requestVerifyDeps: config.workers > 1 ? verifyDeps : batchVerifyDeps,
    batchVerifyDeps,
    wallet,
    oid4vci: new Oid4vciIssuerService({
      repo: repos.oid4vci, wallets: wallet, organisations: repos.organisations, credentials: repos.credentials, issueDeps, baseUrl: config.baseUrl, now,
    }),
    sharePresenter: new SharePresenter({ repo: repos.wallet, keyStore, documentLoader, now }),
    audit,
    trustAccreditations: keptAccreditations(repos.accreditations, () => database.changeStamp()),
    issuanceRecorder: new IssuanceRecorder({ database, credentials: repos.credentials, audit }),
    close: () => {
      stopSweepingAttemptCounters();
      return database.close();
    },
  };
}
