import crypto from 'node:crypto';
import type { Database } from '../db/database.js';
import type { AuditEntry, AuditRepository } from '../db/repositories/audit.js';
import canonicalize from 'canonicalize';

/** Every action the log records; stable strings that clients can filter on. */
export const AUDIT_ACTIONS = [
  'credential.issued', 'credential.revoked', 'credential.suspended', 'credential.suspension-lifted',
  'key.rotated', 'token.created', 'token.revoked',
  'accreditation.granted', 'accreditation.withdrawn',
  'assessment.opened', 'assessment.stage-changed', 'assessment.decided', 'assessment.certified', 'assessment.appealed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEvent {
  organisationId: string;
  actorTokenId: string | null;
  action: AuditAction;
  subject: string;
  details?: Record<string, unknown>;
}

/** prevHash of an organisation's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export type ChainBreak = 'hash-mismatch' | 'broken-link' | 'sequence-gap' | 'anchor-mismatch';

export interface ChainVerification {
  valid: boolean;
  entries: number;
  /** seq of the first entry that does not check out, or null when the whole chain does. */
  brokenAt: number | null;
  reason: ChainBreak | null;
  message: string;
  /** The last entry: keep it elsewhere and pass it back as an anchor to detect a rewritten chain. */
  head: { seq: number; hash: string } | null;
}

/**
 * The RFC 8785 (JCS) serialisation: the same value always gives the same bytes, so a hash can be recomputed from what
 * is stored. Objects always serialise (only undefined, functions and symbols have no JSON form).
 */
function canonicalJson(value: object): string {
  return canonicalize(value) as string;
}

/**
 * SHA-256 over the canonical serialisation of everything in the entry but its own hash. The organisation id is part
 * of it, so an entry cannot be moved to another organisation's log either.
 */
export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const hashed = {
    organisationId: entry.organisationId, seq: entry.seq, at: entry.at, actorTokenId: entry.actorTokenId,
    action: entry.action, subject: entry.subject, details: entry.details, prevHash: entry.prevHash,
  };
  return crypto.createHash('sha256').update(canonicalJson(hashed)).digest('hex');
}

/** Reading the chain in pages keeps memory flat however long the log grows. */
const VERIFY_PAGE_SIZE = 1000;

export class AuditLog {
  constructor(private readonly deps: { database: Database; entries: AuditRepository; now: () => Date }) {}

  /**
   * Appends an entry. It runs in a transaction of its own, or as part of the caller's: called inside the
   * transaction that makes the change, the change and its entry are written together or not at all.
   */
  async append(event: AuditEvent): Promise<AuditEntry> {
    const [entry] = await this.appendAll([event]);
    return entry!;
  }

  /** Appends entries in this order, in one transaction (a batch's lease of credentials): see append. */
  appendAll(events: AuditEvent[]): Promise<AuditEntry[]> {
    return this.deps.database.transaction(async () => {
      const heads = new Map<string, { seq: number; hash: string }>();
      // Two instances appending for the same organisation at once would both extend the same head: the second waits.
      // Chains are locked in one order, so that two transactions appending to the same chains cannot wait on each other.
      for (const organisationId of [...new Set(events.map((event) => event.organisationId))].sort()) {
        await this.deps.entries.lockChain(organisationId);
        const previous = await this.deps.entries.last(organisationId);
        heads.set(organisationId, { seq: previous?.seq ?? 0, hash: previous?.hash ?? GENESIS_HASH });
      }
      const at = this.deps.now().toISOString();
      const entries = events.map((event) => {
        const head = heads.get(event.organisationId)!;
        const unhashed = {
          organisationId: event.organisationId,
          seq: head.seq + 1,
          at,
          actorTokenId: event.actorTokenId,
          action: event.action,
          subject: event.subject,
          // A round trip through canonical JSON keeps only what the stored entry will hold (no undefined, no Dates).
          details: JSON.parse(canonicalJson(event.details ?? {})) as Record<string, unknown>,
          prevHash: head.hash,
        };
        const entry = { ...unhashed, hash: entryHash(unhashed) };
        heads.set(event.organisationId, { seq: entry.seq, hash: entry.hash });
        return entry;
      });
      if (entries.length > 0) await this.deps.entries.insert(entries);
      return entries;
    });
  }

  /**
   * Makes a change (storage only) and appends its entry in one transaction. `eventOf` sees the change's result and
   * may return undefined when nothing changed (nothing is then logged).
   */
  record<T>(change: () => Promise<T>, eventOf: (result: T) => AuditEvent | undefined): Promise<T> {
    return this.deps.database.transaction(async () => {
      const result = await change();
      const event = eventOf(result);
      if (event) await this.append(event);
      return result;
    });
  }

  page(organisationId: string, afterSeq: number, limit: number): Promise<AuditEntry[]> {
    return this.deps.entries.page(organisationId, afterSeq, limit);
  }

  /** Recomputes every hash and link from the first entry; optionally checks a head recorded earlier (an anchor). */
  async verify(organisationId: string, anchor?: { seq: number; hash: string }): Promise<ChainVerification> {
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let anchorSeen = false;
    const broken = (seq: number, reason: ChainBreak, message: string): ChainVerification =>
      ({ valid: false, entries: expectedSeq - 1, brokenAt: seq, reason, message, head: null });
    for (;;) {
      const page = await this.deps.entries.page(organisationId, expectedSeq - 1, VERIFY_PAGE_SIZE);
      for (const entry of page) {
        if (entry.seq !== expectedSeq) {
          return broken(expectedSeq, 'sequence-gap', `Entry ${expectedSeq} is missing (the next entry is ${entry.seq}): entries were deleted`);
        }
        const { hash, ...unhashed } = entry;
        if (entryHash(unhashed) !== hash) {
          return broken(entry.seq, 'hash-mismatch', `Entry ${entry.seq} was changed after it was written: its content no longer matches its hash`);
        }
        if (entry.prevHash !== prevHash) {
          return broken(entry.seq, 'broken-link', `Entry ${entry.seq} does not point to the hash of entry ${entry.seq - 1}: the chain was rewritten from here`);
        }
        if (anchor && entry.seq === anchor.seq) {
          if (entry.hash !== anchor.hash) {
            return broken(entry.seq, 'anchor-mismatch', `Entry ${entry.seq} does not have the hash recorded earlier: the chain was rewritten up to here`);
          }
          anchorSeen = true;
        }
        prevHash = entry.hash;
        expectedSeq += 1;
      }
      if (page.length < VERIFY_PAGE_SIZE) break;
    }
    const entries = expectedSeq - 1;
    if (anchor && !anchorSeen) {
      return { valid: false, entries, brokenAt: anchor.seq, reason: 'anchor-mismatch', message: `Entry ${anchor.seq} recorded earlier is no longer in the log: entries were removed from its end`, head: null };
    }
    return {
      valid: true, entries, brokenAt: null, reason: null,
      message: entries === 0 ? 'The log is empty' : `All ${entries} entries check out${anchor ? `, including the anchor at entry ${anchor.seq}` : ''}`,
      head: entries === 0 ? null : { seq: entries, hash: prevHash },
    };
  }
}
