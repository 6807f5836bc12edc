-- 002: game rounds. A round is written in the same transaction as its bet (debit), its outcome and
-- its audit record; its credit, close and seed reveal in the same transaction as the win posting.
-- The outcome columns are immutable once written and a closed or voided round is final (trigger).

CREATE TABLE rgs.rounds (
  id uuid PRIMARY KEY,
  player_id uuid NOT NULL REFERENCES rgs.players (id),
  session_id text NOT NULL,
  game_id text NOT NULL,
  game_version text NOT NULL,
  math_hash text NOT NULL CHECK (math_hash ~ '^[0-9a-f]{64}$'),
  mode text NOT NULL,
  currency text NOT NULL,
  -- Base bet and what was debited (amount x the mode's cost multiplier), API units.
  amount_minor bigint NOT NULL CHECK (amount_minor > 0),
  cost_minor bigint NOT NULL CHECK (cost_minor > 0),
  payout_minor bigint NOT NULL CHECK (payout_minor >= 0),
  -- The evaluator's BetChoice the amount maps onto exactly.
  coin_value_minor integer NOT NULL CHECK (coin_value_minor > 0),
  bet_level integer NOT NULL CHECK (bet_level > 0),
  status text NOT NULL CHECK (status IN ('active', 'closed', 'voided')),
  event text CHECK (length(event) <= 1000),
  -- Book events: the full outcome (stops, windows, wins, free spins, final win).
  state jsonb NOT NULL,
  server_seed_commitment text NOT NULL CHECK (server_seed_commitment ~ '^[0-9a-f]{64}$'),
  -- Kept from the start (replay, audit); the API reveals it only once the round is closed.
  server_seed text NOT NULL CHECK (server_seed ~ '^[0-9a-f]{64}$'),
  client_seed text NOT NULL,
  nonce bigint NOT NULL CHECK (nonce >= 0),
  balance_before_minor bigint NOT NULL,
  balance_after_minor bigint,
  bet_tx_id uuid NOT NULL UNIQUE REFERENCES rgs.ledger_transactions (id),
  settle_tx_id uuid UNIQUE REFERENCES rgs.ledger_transactions (id),
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  void_reason text,
  CHECK ((status = 'active') = (ended_at IS NULL)),
  CHECK ((status = 'active') = (balance_after_minor IS NULL)),
  CHECK (status <> 'voided' OR void_reason IS NOT NULL),
  UNIQUE (player_id, nonce)
);
-- One active round per player, enforced by the database as well as checked by the core (ERR_BE).
CREATE UNIQUE INDEX rounds_one_active_per_player ON rgs.rounds (player_id) WHERE status = 'active';
CREATE INDEX rounds_by_player ON rgs.rounds (player_id, started_at DESC, nonce DESC);
CREATE INDEX rounds_active_by_start ON rgs.rounds (started_at) WHERE status = 'active';

CREATE FUNCTION rgs.guard_round_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status <> 'active' THEN
    RAISE EXCEPTION 'round % is % and final', OLD.id, OLD.status USING ERRCODE = 'RG005';
  END IF;
  IF (NEW.id, NEW.player_id, NEW.session_id, NEW.game_id, NEW.game_version, NEW.math_hash, NEW.mode,
      NEW.currency, NEW.amount_minor, NEW.cost_minor, NEW.payout_minor, NEW.coin_value_minor,
      NEW.bet_level, NEW.state, NEW.server_seed_commitment, NEW.server_seed, NEW.client_seed, NEW.nonce,
      NEW.balance_before_minor, NEW.bet_tx_id, NEW.started_at)
     IS DISTINCT FROM
     (OLD.id, OLD.player_id, OLD.session_id, OLD.game_id, OLD.game_version, OLD.math_hash, OLD.mode,
      OLD.currency, OLD.amount_minor, OLD.cost_minor, OLD.payout_minor, OLD.coin_value_minor,
      OLD.bet_level, OLD.state, OLD.server_seed_commitment, OLD.server_seed, OLD.client_seed, OLD.nonce,
      OLD.balance_before_minor, OLD.bet_tx_id, OLD.started_at) THEN
    RAISE EXCEPTION 'round % outcome is immutable', OLD.id USING ERRCODE = 'RG005';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER rounds_guard BEFORE UPDATE ON rgs.rounds
  FOR EACH ROW EXECUTE FUNCTION rgs.guard_round_update();
CREATE TRIGGER rounds_no_delete BEFORE DELETE ON rgs.rounds
  FOR EACH ROW EXECUTE FUNCTION rgs.refuse_change();
CREATE TRIGGER rounds_no_truncate BEFORE TRUNCATE ON rgs.rounds
  FOR EACH STATEMENT EXECUTE FUNCTION rgs.refuse_change();
