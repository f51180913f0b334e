import type { Db } from '../client.js';
import { CredentialRepository, StatusListRepository } from './credentials.js';
import { OrganisationRepository } from './organisations.js';
import { TokenRepository } from './tokens.js';
import { AuditRepository } from './audit.js';

export interface Repositories {
  organisations: OrganisationRepository;
  tokens: TokenRepository;
  credentials: CredentialRepository;
  statusLists: StatusListRepository;
  audit: AuditRepository;
}

export function createRepositories(db: Db): Repositories {
  return {
    organisations: new OrganisationRepository(db),
    tokens: new TokenRepository(db),
    credentials: new CredentialRepository(db),
    statusLists: new StatusListRepository(db),
    audit: new AuditRepository(db),
  };
}
