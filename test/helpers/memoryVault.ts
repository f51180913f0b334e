import type { KeyVault, SealedKey } from '../../src/keys/keyStore.js';

/** A key vault in memory, for key store tests that need no files: same contract as the file vault. */
export class MemoryVault implements KeyVault {
  readonly kept = new Map<string, SealedKey>();
  async create(id: string, sealed: SealedKey) {
    if (this.kept.has(id)) throw new Error('taken');
    this.kept.set(id, sealed);
  }
  async createOrGet(id: string, sealed: SealedKey) {
    if (!this.kept.has(id)) this.kept.set(id, sealed);
    return this.kept.get(id)!;
  }
  async get(id: string) { return this.kept.get(id); }
}
