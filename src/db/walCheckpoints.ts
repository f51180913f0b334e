import BetterSqlite3 from 'better-sqlite3';

/**
 * SQLite copies its write-ahead log back into the database file (a checkpoint) on the commit that takes the log past
 * 1,000 pages, and that commit waits for the disk: 10 to 20 ms during which a cluster worker's event loop answers
 * nothing, every few dozen credentials of a batch. With two workers writing, the log was seldom found fully copied
 * when a writer began, so it was not started afresh and such commits came twice as often. So with several workers the
 * primary, whose event loop is otherwise idle, checkpoints every CHECKPOINT_INTERVAL_MS, and the workers' connections
 * keep SQLite's own checkpoints only as a backstop (BACKSTOP_CHECKPOINT_PAGES), should the primary fall behind or be gone.
 */
export const BACKSTOP_CHECKPOINT_PAGES = 10_000;
const CHECKPOINT_INTERVAL_MS = 100;

export interface WalCheckpoints {
  stop(): void;
}

/**
 * Checkpoints the database `file` every `intervalMs` on a connection of its own. PASSIVE: it copies what no reader
 * still needs and never waits for, or blocks, a reader or a writer; with nothing new in the log it costs a read of the
 * log's header.
 */
export function startWalCheckpoints(file: string, onError: (error: unknown) => void, intervalMs = CHECKPOINT_INTERVAL_MS): WalCheckpoints {
  const sqlite = new BetterSqlite3(file);
  // A checkpoint another process is running answers SQLITE_BUSY at once instead of waiting for it.
  sqlite.pragma('busy_timeout = 0');
  const timer = setInterval(() => {
    try {
      sqlite.pragma('wal_checkpoint(PASSIVE)');
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') onError(error);
    }
  }, intervalMs).unref();
  return {
    stop() {
      clearInterval(timer);
      sqlite.close();
    },
  };
}
