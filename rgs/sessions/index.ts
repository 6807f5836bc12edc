// Public module of the session part: session stores (Redis, or in-process for embedded mode).
export { MemorySessionStore, type MemorySessionStoreOptions } from './memory-store.ts';
export { RedisSessionStore, type RedisSessionStoreOptions } from './redis-store.ts';
export {
  type NewSession,
  newSessionId,
  type PushDelivery,
  type RateDecision,
  type SessionForCall,
  type SessionRecord,
  type SessionStore,
} from './types.ts';
