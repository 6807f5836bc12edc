-- 004: the least-privilege role the RGS runs as (SET ROLE croupier_app after migrating): it may
-- read, insert, and update only the columns that legitimately change (round status, the player's
-- next seed, limits). It has no UPDATE or DELETE on ledger transactions, postings, stored responses
-- or audit events, and no TRUNCATE anywhere. Where the migrating user may not create roles, this
-- migration does nothing and the append-only triggers remain the only guard.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'croupier_app') THEN
    CREATE ROLE croupier_app NOLOGIN;
  END IF;
EXCEPTION
  -- Another database of the same cluster created it concurrently, or we may not create roles.
  WHEN duplicate_object OR unique_violation OR insufficient_privilege THEN
    RAISE NOTICE 'croupier_app role not created: %', SQLERRM;
END $$;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'croupier_app') THEN
    RETURN;
  END IF;
  BEGIN
    EXECUTE 'GRANT croupier_app TO ' || quote_ident(current_user);
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'cannot grant croupier_app to %: %', current_user, SQLERRM;
  END;
  GRANT USAGE ON SCHEMA rgs, audit TO croupier_app;
  GRANT SELECT ON ALL TABLES IN SCHEMA rgs TO croupier_app;
  GRANT SELECT ON ALL TABLES IN SCHEMA audit TO croupier_app;
  GRANT INSERT ON rgs.players, rgs.accounts, rgs.ledger_transactions, rgs.postings, rgs.requests,
    rgs.rounds, audit.events TO croupier_app;
  -- Only so that SELECT ... FOR UPDATE can lock the account row: rgs.guard_account_update refuses
  -- any balance change that does not come from a posting.
  GRANT UPDATE (balance_minor) ON rgs.accounts TO croupier_app;
  GRANT UPDATE (client_seed, next_nonce, next_server_seed, next_seed_commitment, loss_limit_minor,
    loss_limit_window_ms, self_excluded_until) ON rgs.players TO croupier_app;
  GRANT UPDATE (status, event, balance_after_minor, settle_tx_id, ended_at, void_reason)
    ON rgs.rounds TO croupier_app;
END $$;
