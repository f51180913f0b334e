import type { Db } from '../client.js';
import { CredentialRepository, StatusListRepository } from './credentials.js';
import { OrganisationRepository } from './organisations.js';
import { TokenRepository } from './tokens.js';
import { WalletRepository } from './wallet.js';
import { AchievementRepository, BatchRepository } from './training.js';
import { AuditRepository } from './audit.js';
import { AccreditationRepository } from './accreditations.js';
import { AssessmentRepository } from './assessments.js';

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
}

export function createRepositories(db: Db): Repositories {
  return {
    organisations: new OrganisationRepository(db),
    tokens: new TokenRepository(db),
    credentials: new CredentialRepository(db),
    statusLists: new StatusListRepository(db),
    wallet: new WalletRepository(db),
    achievements: new AchievementRepository(db),
    batches: new BatchRepository(db),
    audit: new AuditRepository(db),
    accreditations: new AccreditationRepository(db),
    assessments: new AssessmentRepository(db),
  };
}
