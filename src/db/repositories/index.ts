import type { Database } from '../database.js';
import { CredentialRepository, StatusListRepository } from './credentials.js';
import { OrganisationRepository } from './organisations.js';
import { TokenRepository } from './tokens.js';
import { WalletRepository } from './wallet.js';
import { AchievementRepository, BatchRepository } from './training.js';
import { AuditRepository } from './audit.js';
import { AccreditationRepository } from './accreditations.js';
import { AssessmentRepository } from './assessments.js';
import { SealedKeyRepository } from './sealedKeys.js';
import { StatisticsRepository } from './statistics.js';
import { PresentationRequestRepository } from './presentationRequests.js';
import { Oid4vciRepository } from './oid4vci.js';

export interface Repositories {
  organisations: OrganisationRepository;
  tokens: TokenRepository;
  credentials: CredentialRepository;
  statusLists: StatusListRepository;
  wallet: WalletRepository;
  achievements: AchievementRepository;
  batches: BatchRepository;
  audit: AuditRepository;
  accreditations: AccreditationRepository;
  assessments: AssessmentRepository;
  sealedKeys: SealedKeyRepository;
  statistics: StatisticsRepository;
  presentationRequests: PresentationRequestRepository;
  oid4vci: Oid4vciRepository;
}

export function createRepositories(database: Database): Repositories {
  return {
    organisations: new OrganisationRepository(database),
    tokens: new TokenRepository(database),
    credentials: new CredentialRepository(database),
    statusLists: new StatusListRepository(database),
    wallet: new WalletRepository(database),
    achievements: new AchievementRepository(database),
    batches: new BatchRepository(database),
    audit: new AuditRepository(database),
    accreditations: new AccreditationRepository(database),
    assessments: new AssessmentRepository(database),
    sealedKeys: new SealedKeyRepository(database),
    statistics: new StatisticsRepository(database),
    presentationRequests: new PresentationRequestRepository(database),
    oid4vci: new Oid4vciRepository(database),
  };
}
