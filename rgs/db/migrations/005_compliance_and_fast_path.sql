-- 005: compliance controls (deposit limits, play sessions for reality checks) and the one-call read
-- that opens every play and end-round.
--
-- Deposit limits: the sum of a player's deposits over the last 24 h / 7 days (rolling windows),
-- checked by the core inside the deposit's transaction (ERR_GLE, the refusal audited).
-- Play sessions: when a session started and when its last reality check was acknowledged, per
-- (player, session); a jurisdiction with a reality-check interval refuses play once that interval
-- has passed since the last acknowledgement, until the player acknowledges.

ALTER TABLE rgs.players
  ADD COLUMN deposit_limit_daily_minor bigint CHECK (deposit_limit_daily_minor >= 0),
  ADD COLUMN deposit_limit_weekly_minor bigint CHECK (deposit_limit_weekly_minor >= 0);

CREATE TABLE rgs.play_sessions (
  player_id uuid NOT NULL REFERENCES rgs.players (id),
  session_id text NOT NULL CHECK (length(session_id) BETWEEN 1 AND 200),
  started_at timestamptz NOT NULL,
  -- The session start, then the time of each acknowledged reality check.
  reality_checked_at timestamptz NOT NULL,
  PRIMARY KEY (player_id, session_id),
  CHECK (reality_checked_at >= started_at)
);
CREATE TRIGGER play_sessions_no_delete BEFORE DELETE ON rgs.play_sessions
  FOR EACH ROW EXECUTE FUNCTION rgs.refuse_change();

-- Net position of a session: its rounds.
CREATE INDEX rounds_by_session ON rgs.rounds (player_id, session_id);

-- Everything a play or an end-round reads, in one call (one network round trip) and in the right
-- order: FIRST lock the player's account and player rows, THEN read the rest. A single SELECT could
-- not do this: under READ COMMITTED all of its subqueries read the snapshot taken when the
-- statement started, i.e. possibly before the lock was granted, and would miss what the call that
-- held the lock just committed (its request, its round, its audit record). Each statement of a
-- VOLATILE plpgsql function takes a fresh snapshot, so the reads below see every commit up to the
-- moment the lock was granted. No row: unknown player.
CREATE FUNCTION rgs.money_call_context(
  p_player uuid, p_request text, p_bet_key text, p_session text, p_now timestamptz
) RETURNS TABLE (
  account_id bigint, balance_minor bigint, currency text, jurisdiction text, client_seed text,
  next_nonce bigint, next_server_seed text, next_seed_commitment text,
  loss_limit_minor bigint, loss_limit_window_ms bigint, self_excluded_until timestamptz,
  prior_operation text, prior_hash text, prior_response jsonb,
  tombstoned boolean, last_start timestamptz, window_loss_minor bigint,
  audit_seq bigint, audit_hash text,
  session_started_at timestamptz, session_checked_at timestamptz,
  active_id uuid, active_game_id text, active_payout_minor bigint, active_cost_minor bigint,
  active_bet_tx_id uuid, active_server_seed text
) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  SELECT a.id, a.balance_minor, a.currency, p.jurisdiction, p.client_seed, p.next_nonce, p.next_server_seed,
         p.next_seed_commitment, p.loss_limit_minor, p.loss_limit_window_ms, p.self_excluded_until
    INTO account_id, balance_minor, currency, jurisdiction, client_seed, next_nonce, next_server_seed,
         next_seed_commitment, loss_limit_minor, loss_limit_window_ms, self_excluded_until
    FROM rgs.accounts a JOIN rgs.players p ON p.id = a.player_id
   WHERE a.player_id = p_player AND a.kind = 'player'
     FOR UPDATE OF a, p;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  SELECT q.operation, q.request_hash, q.response INTO prior_operation, prior_hash, prior_response
    FROM rgs.requests q WHERE q.request_id = p_request;
  tombstoned := p_bet_key IS NOT NULL AND EXISTS (
    SELECT 1 FROM rgs.ledger_transactions t WHERE t.tombstone AND t.reference_key = p_bet_key);
  SELECT r.started_at INTO last_start FROM rgs.rounds r WHERE r.player_id = p_player
   ORDER BY r.nonce DESC LIMIT 1;
  IF loss_limit_minor IS NOT NULL THEN
    SELECT coalesce(sum(r.cost_minor - r.payout_minor), 0)::bigint INTO window_loss_minor
      FROM rgs.rounds r
     WHERE r.player_id = p_player AND r.status <> 'voided'
       AND r.started_at > p_now - loss_limit_window_ms * interval '1 millisecond';
  END IF;
  SELECT e.seq, e.hash INTO audit_seq, audit_hash FROM audit.events e
   WHERE e.chain_id = 'player:' || p_player::text ORDER BY e.seq DESC LIMIT 1;
  IF p_session IS NOT NULL THEN
    SELECT s.started_at, s.reality_checked_at INTO session_started_at, session_checked_at
      FROM rgs.play_sessions s WHERE s.player_id = p_player AND s.session_id = p_session;
  END IF;
  SELECT r.id, r.game_id, r.payout_minor, r.cost_minor, r.bet_tx_id, r.server_seed
    INTO active_id, active_game_id, active_payout_minor, active_cost_minor, active_bet_tx_id, active_server_seed
    FROM rgs.rounds r WHERE r.player_id = p_player AND r.status = 'active';
  RETURN NEXT;
END $$;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'croupier_app') THEN
    GRANT SELECT, INSERT ON rgs.play_sessions TO croupier_app;
    GRANT UPDATE (reality_checked_at) ON rgs.play_sessions TO croupier_app;
    GRANT UPDATE (deposit_limit_daily_minor, deposit_limit_weekly_minor) ON rgs.players TO croupier_app;
    GRANT EXECUTE ON FUNCTION rgs.money_call_context(uuid, text, text, text, timestamptz) TO croupier_app;
  END IF;
END $$;
