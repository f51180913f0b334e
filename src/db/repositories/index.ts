import type { Db } from '../client.js';
import { CredentialRepository, StatusListRepository } from './credentials.js';
import { OrganisationRepository } from './organisations.js';
import { TokenRepository } from './tokens.js';

export interface Repositories {
  organisations: OrganisationRepository;
  tokens: TokenRepository;
  credentials: CredentialRepository;
  statusLists: StatusListRepository;
}

export function createRepositories(db: Db): Repositories {
  return {
    organisations: new OrganisationRepository(db),
    tokens: new TokenRepository(db),
    credentials: new CredentialRepository(db),
    statusLists: new StatusListRepository(db),
  };
}
