/**
 * Idempotency of money calls, ONE path: every call's requestId is looked up in rgs.requests (read
 * by rgs.money_call_context for play and end-round, by priorRequest for the others) and classified
 * by classifyPrior: a new request, a replay of the same request (the stored response, returned as
 * is), or a conflict (ERR_IDEM). The response is stored in the call's transaction.
 */
import type { SqlExecutor } from '../db/sql-client.ts';

/** Stored responses keep bigints as {"$big": "<decimal>"} (jsonb has no bigint). */
export function encodeStored(value: unknown): unknown {
  if (typeof value === 'bigint') return { $big: value.toString() };
  if (Array.isArray(value)) return value.map(encodeStored);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeStored(v)]));
  }
  return value;
}
export function decodeStored(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeStored);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]![0] === '$big' && typeof entries[0]![1] === 'string') {
      return BigInt(entries[0]![1]);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, decodeStored(v)]));
  }
  return value;
}

export const IDEM_MESSAGE = 'requestId was already used with a different request';

export interface PriorRequest {
  readonly outcome: 'new' | 'replay' | 'conflict';
  readonly response?: unknown;
}

/** What a stored request (or its absence) means for a call of `operation` with payload `hash`. */
export function classifyPrior(
  stored:
    | { readonly operation: string | null; readonly hash: string | null; readonly response: unknown }
    | undefined,
  operation: string,
  hash: string,
): PriorRequest {
  if (stored === undefined || stored.operation === null) return { outcome: 'new' };
  if (stored.operation !== operation || stored.hash !== hash) return { outcome: 'conflict' };
  return { outcome: 'replay', response: decodeStored(stored.response) };
}

export async function priorRequest(
  tx: SqlExecutor,
  requestId: string,
  operation: string,
  hash: string,
): Promise<PriorRequest> {
  const [row] = await tx.query<{ operation: string; request_hash: string; response: unknown }>(
    'SELECT operation, request_hash, response FROM rgs.requests WHERE request_id = $1',
    [requestId],
  );
  return classifyPrior(
    row && { operation: row.operation, hash: row.request_hash, response: row.response },
    operation,
    hash,
  );
}

export async function storeResponse(
  tx: SqlExecutor,
  requestId: string,
  operation: string,
  playerId: string,
  hash: string,
  response: unknown,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO rgs.requests (request_id, operation, player_id, request_hash, response, created_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
    [requestId, operation, playerId, hash, JSON.stringify(encodeStored(response)), at],
  );
}
