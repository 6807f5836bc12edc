-- 003: the immutable audit log. Each record is hash-chained within its chain:
--   hash = SHA-256(prev_hash_hex || payload)   (payload: the record's canonical JSON, RFC 8785)
-- with prev_hash of a chain's first record = 64 zeros. The application computes the hash inside the
-- money transaction. One chain per player ('player:<uuid>'): the player's account row is already
-- locked by every money call, so appending to the player's chain adds no new lock, whereas one
-- global chain would serialize every round of every player on one head. (chain_id, seq) is the
-- primary key, so two writers can never fork a chain: the second fails and retries.

CREATE SCHEMA IF NOT EXISTS audit;

CREATE TABLE audit.events (
  chain_id text NOT NULL,
  seq bigint NOT NULL CHECK (seq >= 1),
  kind text NOT NULL,
  player_id uuid,
  round_id uuid,
  tx_id uuid,
  recorded_at timestamptz NOT NULL,
  -- Exactly the bytes that were hashed (canonical JSON of every field above and the data).
  payload text NOT NULL,
  prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
  PRIMARY KEY (chain_id, seq)
);
CREATE INDEX audit_events_by_round ON audit.events (round_id) WHERE round_id IS NOT NULL;

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON audit.events
  FOR EACH ROW EXECUTE FUNCTION rgs.refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON audit.events
  FOR EACH STATEMENT EXECUTE FUNCTION rgs.refuse_change();
