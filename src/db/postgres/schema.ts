import { postgresTables } from './tables.js';

/**
 * The derived PostgreSQL tables as named exports, which is how drizzle-kit finds tables (drizzle.postgres.config.ts).
 * A test checks that this list names every table of `sqliteTables`.
 */
export const {
  organisations, organisationKeys, tokens, credentials, statusLists, statusEntries, sealedKeys, attemptCounters,
  wallets, walletCredentials, claimOffers, shareLinks, shareLinkCredentials, shareViews, walletSessions, serviceKeys,
  achievements, batches, batchRows, credentialAchievements,
  auditEntries,
  accreditations,
  assessmentCases, assessmentEvents, assessmentEvidence, assessmentResults,
  statisticsReleases,
  presentationRequests,
  oid4vciAccessTokens, oid4vciNonces, oid4vciDeliveries,
} = postgresTables;
