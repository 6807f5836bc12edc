-- 001: players, accounts, the double-entry ledger (transactions + postings), idempotent requests.
--
-- Money is bigint minor units with 6 implied decimals (the Stake Engine API unit).
-- Invariants PostgreSQL itself enforces (not only the application):
-- * every ledger transaction's postings sum to zero, with at least two postings (a tombstone has
--   none): DEFERRED constraint triggers, checked at COMMIT;
-- * account balances change only through postings (a trigger applies each posting to its account in
--   the same transaction; a guard refuses any other balance change) and a player balance is never
--   negative (CHECK);
-- * ledger transactions, postings and stored responses are append-only: UPDATE, DELETE and TRUNCATE
--   raise, for every role, superusers included (short of disabling the trigger).

CREATE SCHEMA IF NOT EXISTS rgs;

CREATE FUNCTION rgs.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'append-only: % on %.% is refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
    USING ERRCODE = 'RG001';
END $$;

CREATE TABLE rgs.players (
  id uuid PRIMARY KEY,
  currency text NOT NULL CHECK (currency ~ '^[A-Z][A-Z0-9]{1,9}$'),
  jurisdiction text NOT NULL CHECK (length(jurisdiction) BETWEEN 1 AND 64),
  client_seed text NOT NULL CHECK (length(client_seed) BETWEEN 1 AND 256),
  -- The nonce and server seed of the player's NEXT round; the seed stays secret until that round
  -- closes, its SHA-256 commitment is shown before the bet.
  next_nonce bigint NOT NULL CHECK (next_nonce >= 0),
  next_server_seed text NOT NULL CHECK (next_server_seed ~ '^[0-9a-f]{64}$'),
  next_seed_commitment text NOT NULL CHECK (next_seed_commitment ~ '^[0-9a-f]{64}$'),
  -- Compliance: net loss over a rolling window, self-exclusion.
  loss_limit_minor bigint CHECK (loss_limit_minor >= 0),
  loss_limit_window_ms bigint CHECK (loss_limit_window_ms > 0),
  self_excluded_until timestamptz,
  created_at timestamptz NOT NULL,
  CHECK ((loss_limit_minor IS NULL) = (loss_limit_window_ms IS NULL))
);
CREATE TRIGGER players_no_delete BEFORE DELETE ON rgs.players
  FOR EACH ROW EXECUTE FUNCTION rgs.refuse_change();

-- Player accounts (one per player and currency) and the house's accounts. The house side of every
-- posting would otherwise be ONE hot row that every round of every player locks until commit, so
-- house ('house': game results, 'funding': deposits from outside) accounts are SHARDED into N rows
-- per currency; a player always posts to shard hash(player) mod N. The house's balance is the sum
-- of its shards.
CREATE TABLE rgs.accounts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('player', 'house', 'funding')),
  player_id uuid REFERENCES rgs.players (id),
  currency text NOT NULL,
  shard integer CHECK (shard >= 0),
  balance_minor bigint NOT NULL DEFAULT 0,
  CHECK ((kind = 'player') = (player_id IS NOT NULL)),
  CHECK ((kind = 'player') = (shard IS NULL)),
  CONSTRAINT player_balance_not_negative CHECK (kind <> 'player' OR balance_minor >= 0),
  UNIQUE (player_id, currency),
  UNIQUE (kind, currency, shard)
);

CREATE FUNCTION rgs.guard_account_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.id, NEW.kind, NEW.currency) IS DISTINCT FROM (OLD.id, OLD.kind, OLD.currency)
     OR NEW.player_id IS DISTINCT FROM OLD.player_id OR NEW.shard IS DISTINCT FROM OLD.shard THEN
    RAISE EXCEPTION 'account % identity is immutable', OLD.id USING ERRCODE = 'RG002';
  END IF;
  -- Depth 1 is a statement on accounts itself; rgs.apply_posting runs at depth 2.
  IF NEW.balance_minor <> OLD.balance_minor AND pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION 'account % balance changes only through postings', OLD.id USING ERRCODE = 'RG002';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER accounts_guard BEFORE UPDATE ON rgs.accounts
  FOR EACH ROW EXECUTE FUNCTION rgs.guard_account_update();
CREATE TRIGGER accounts_no_delete BEFORE DELETE ON rgs.accounts
  FOR EACH ROW EXECUTE FUNCTION rgs.refuse_change();
CREATE TRIGGER accounts_no_truncate BEFORE TRUNCATE ON rgs.accounts
  FOR EACH STATEMENT EXECUTE FUNCTION rgs.refuse_change();

-- Hub88-style ledger transactions: uuid, kind, idempotency key (unique), request hash, a reference
-- to the original transaction for wins, refunds and rollbacks; a rollback of an unknown bet is
-- recorded as a tombstone (no postings) naming the bet's key, so that a late bet is refused.
CREATE TABLE rgs.ledger_transactions (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('bet', 'win', 'rollback', 'refund', 'deposit')),
  idempotency_key text NOT NULL UNIQUE,
  request_hash text NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
  player_id uuid NOT NULL REFERENCES rgs.players (id),
  currency text NOT NULL,
  amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
  round_id uuid,
  reference_tx_id uuid REFERENCES rgs.ledger_transactions (id),
  reference_key text,
  tombstone boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  CONSTRAINT settlement_references_bet CHECK (kind NOT IN ('win', 'refund') OR reference_tx_id IS NOT NULL),
  CONSTRAINT rollback_references CHECK (
    kind <> 'rollback' OR reference_tx_id IS NOT NULL OR (tombstone AND reference_key IS NOT NULL)),
  CONSTRAINT tombstone_is_empty_rollback CHECK (NOT tombstone OR (kind = 'rollback' AND amount_minor = 0)),
  CONSTRAINT amount_positive CHECK (tombstone OR amount_minor > 0)
);
CREATE UNIQUE INDEX ledger_tombstone_key ON rgs.ledger_transactions (reference_key) WHERE tombstone;
CREATE INDEX ledger_by_round ON rgs.ledger_transactions (round_id);
CREATE INDEX ledger_by_player ON rgs.ledger_transactions (player_id, created_at);

CREATE TABLE rgs.postings (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tx_id uuid NOT NULL REFERENCES rgs.ledger_transactions (id),
  account_id bigint NOT NULL REFERENCES rgs.accounts (id),
  amount_minor bigint NOT NULL CHECK (amount_minor <> 0)
);
CREATE INDEX postings_by_tx ON rgs.postings (tx_id);
CREATE INDEX postings_by_account ON rgs.postings (account_id);

-- Each posting moves its account's balance in the same transaction. SECURITY DEFINER: the app role
-- may not change balances itself (rgs.guard_account_update), only through postings.
CREATE FUNCTION rgs.apply_posting() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, rgs AS $$
BEGIN
  UPDATE rgs.accounts SET balance_minor = balance_minor + NEW.amount_minor WHERE id = NEW.account_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'posting to unknown account %', NEW.account_id USING ERRCODE = 'RG003';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER postings_apply AFTER INSERT ON rgs.postings
  FOR EACH ROW EXECUTE FUNCTION rgs.apply_posting();

-- Zero-sum proof, checked at COMMIT (deferred) once all of the transaction's postings are in.
CREATE FUNCTION rgs.check_tx_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  target uuid;
  total numeric;
  n bigint;
  is_tombstone boolean;
BEGIN
  IF TG_TABLE_NAME = 'postings' THEN
    target := NEW.tx_id;
  ELSE
    target := NEW.id;
  END IF;
  SELECT coalesce(sum(amount_minor), 0), count(*) INTO total, n FROM rgs.postings WHERE tx_id = target;
  SELECT tombstone INTO is_tombstone FROM rgs.ledger_transactions WHERE id = target;
  IF is_tombstone THEN
    IF n <> 0 THEN
      RAISE EXCEPTION 'tombstone % has postings', target USING ERRCODE = 'RG004';
    END IF;
  ELSIF n < 2 OR total <> 0 THEN
    RAISE EXCEPTION 'ledger transaction % is unbalanced: % postings sum to %', target, n, total
      USING ERRCODE = 'RG004';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_tx_balanced AFTER INSERT ON rgs.ledger_transactions
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION rgs.check_tx_balanced();
CREATE CONSTRAINT TRIGGER postings_balanced AFTER INSERT ON rgs.postings
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION rgs.check_tx_balanced();

CREATE TRIGGER ledger_tx_append_only BEFORE UPDATE OR DELETE ON rgs.ledger_transactions
  FOR EACH ROW EXECUTE FUNCTION rgs.refuse_change();
CREATE TRIGGER ledger_tx_no_truncate BEFORE TRUNCATE ON rgs.ledger_transactions
  FOR EACH STATEMENT EXECUTE FUNCTION rgs.refuse_change();
CREATE TRIGGER postings_append_only BEFORE UPDATE OR DELETE ON rgs.postings
  FOR EACH ROW EXECUTE FUNCTION rgs.refuse_change();
CREATE TRIGGER postings_no_truncate BEFORE TRUNCATE ON rgs.postings
  FOR EACH STATEMENT EXECUTE FUNCTION rgs.refuse_change();

-- Idempotency: the original response of every money call, by request id. A retry with the same
-- payload (same hash) gets this response; a different payload is refused (ERR_IDEM).
CREATE TABLE rgs.requests (
  request_id text PRIMARY KEY CHECK (length(request_id) BETWEEN 1 AND 200),
  operation text NOT NULL,
  player_id uuid NOT NULL REFERENCES rgs.players (id),
  request_hash text NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
  response jsonb NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE TRIGGER requests_append_only BEFORE UPDATE OR DELETE ON rgs.requests
  FOR EACH ROW EXECUTE FUNCTION rgs.refuse_change();
CREATE TRIGGER requests_no_truncate BEFORE TRUNCATE ON rgs.requests
  FOR EACH STATEMENT EXECUTE FUNCTION rgs.refuse_change();
