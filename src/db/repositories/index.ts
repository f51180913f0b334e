import type { Db } from '../client.js';
import { CredentialRepository, StatusListRepository } from './credentials.js';
import { OrganisationRepository } from './organisations.js';
import { TokenRepository } from './tokens.js';
import { AchievementRepository, BatchRepository } from './training.js';
import { AuditRepository } from './audit.js';

export interface Repositories {
  organisations: OrganisationRepository;
  tokens: TokenRepository;
  credentials: CredentialRepository;
  statusLists: StatusListRepository;
  achievements: AchievementRepository;
  batches: BatchRepository;
  audit: AuditRepository;
}

export function createRepositories(db: Db): Repositories {
  return {
    organisations: new OrganisationRepository(db),
    tokens: new TokenRepository(db),
    credentials: new CredentialRepository(db),
    statusLists: new StatusListRepository(db),
    achievements: new AchievementRepository(db),
    batches: new BatchRepository(db),
    audit: new AuditRepository(db),
  };
}
