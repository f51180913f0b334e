/**
 * Word between the cluster workers of one server (PASSERELLE_WORKERS > 1): a worker tells the primary, which passes it
 * on to every other worker (server.ts). Outside a cluster worker nobody is told and nothing arrives; instances of
 * separate servers sharing a PostgreSQL database find each other's work by polling (PASSERELLE_BATCH_POLL_MS).
 */
import cluster from 'node:cluster';

/** A batch was queued or retried: the other workers take its rows now rather than at their next poll. */
export const BATCH_QUEUED = 'passerelle:batch-queued';

export type SiblingMessage = typeof BATCH_QUEUED;

export const isSiblingMessage = (message: unknown): message is SiblingMessage => message === BATCH_QUEUED;

/** Sends `message` to the other workers of this server, if this process is one of them. */
export function tellSiblings(message: SiblingMessage): void {
  if (cluster.isWorker) process.send?.(message);
}

/** Calls `listener` whenever another worker sends `message`; returns what stops listening. */
export function onSiblingMessage(message: SiblingMessage, listener: () => void): () => void {
  if (!cluster.isWorker) return () => undefined;
  const onMessage = (received: unknown) => { if (received === message) listener(); };
  process.on('message', onMessage);
  return () => { process.off('message', onMessage); };
}
