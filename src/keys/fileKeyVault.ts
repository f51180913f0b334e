import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { KeyVault, SealedKey } from './keyStore.js';

/**
 * Sealed keys in a folder (0700), one file `<id>.json` per key (0600): the embedded deployment's vault, readable by
 * every process of one machine (PASSERELLE_WORKERS). A file appears whole or not at all: it is written under a
 * temporary name and linked to its own, which fails when that name exists, so a key is never overwritten and a
 * concurrent reader never sees half a file.
 */
export class FileKeyVault implements KeyVault {
  constructor(private readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  async create(id: string, sealed: SealedKey): Promise<void> {
    if (!(await this.keep(id, sealed))) throw new Error(`a key with id ${id} already exists`);
  }

  async createOrGet(id: string, sealed: SealedKey): Promise<SealedKey> {
    await this.keep(id, sealed);
    return (await this.get(id))!;
  }

  async get(id: string): Promise<SealedKey | undefined> {
    try {
      return JSON.parse(await fs.promises.readFile(this.fileOf(id), 'utf8')) as SealedKey;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Whether `sealed` was kept (false: the id was taken). */
  private async keep(id: string, sealed: SealedKey): Promise<boolean> {
    const temporary = path.join(this.dir, `.${id}.${crypto.randomUUID()}.tmp`);
    await fs.promises.writeFile(temporary, JSON.stringify(sealed), { mode: 0o600, flag: 'wx' });
    try {
      await fs.promises.link(temporary, this.fileOf(id));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await fs.promises.unlink(temporary);
    }
  }

  private fileOf(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }
}
