-- pgbench script: the SQL one RGS round issues SINCE the fast path (migration 005;
-- rgs/core/core.ts play/endRound: BEGIN, rgs.money_call_context, one write statement, COMMIT),
-- statement for statement, for the database ceiling of bench/rgs.bench.ts: a ceiling must run the
-- statements the RGS runs. Run with -M extended and -D hit=<winning rounds per 10000>
-- -D bet=<API units> -D win=<payout API units>; each client is one player (bench_players.n =
-- client_id + 1, set up by bench/rgs.bench.ts).
-- Values the application computes in JS (hashes, seeds, JSON, the evaluator) are computed here by
-- PostgreSQL or padded to the same size.
\set n :client_id + 1
\set roll random(1, 10000)
SELECT id AS pid, currency AS cur, house_id FROM bench_players WHERE n = :n \gset
-- /wallet/play: the HTTP layer's latest round (idempotency key), then core.play's transaction.
SELECT id, status FROM rgs.rounds WHERE player_id = :pid::uuid AND game_id = 'jungle-twenty'
  ORDER BY (status = 'active') DESC, nonce DESC LIMIT 1;
BEGIN;
SELECT account_id, balance_minor AS balance, next_nonce AS nonce, client_seed, audit_seq AS head_seq,
       audit_hash AS head_hash
  FROM rgs.money_call_context(:pid::uuid, 'p-' || (:pid::uuid)::text || '-' || random()::text,
                              'bet:' || 'p-' || (:pid::uuid)::text, 'pgbench', now()) \gset
\set closed 1
\if :roll <= :hit
\set closed 0
\endif
WITH ids AS (SELECT gen_random_uuid() AS bet_tx, gen_random_uuid() AS round_id),
bet AS (INSERT INTO rgs.ledger_transactions
          (id, kind, idempotency_key, request_hash, player_id, currency, amount_minor, round_id, reference_tx_id, created_at)
        SELECT bet_tx, 'bet', 'bet:' || 'p-' || (:pid::uuid)::text || '-' || (:nonce::bigint)::text,
               md5(random()::text) || md5(random()::text), :pid::uuid, :cur::text, :bet::bigint, round_id, NULL, now()
          FROM ids),
legs AS (INSERT INTO rgs.postings (tx_id, account_id, amount_minor)
         SELECT bet_tx, a, m FROM ids, (VALUES (:account_id::bigint, -(:bet::bigint), 1), (:house_id::bigint, :bet::bigint, 2)) v(a, m, o)
          ORDER BY o),
seed AS (UPDATE rgs.players SET next_nonce = next_nonce + 1, next_server_seed = md5(random()::text) || md5(random()::text),
                next_seed_commitment = md5(random()::text) || md5(random()::text)
          WHERE id = :pid::uuid AND next_nonce = :nonce::bigint RETURNING 1 AS one),
round AS (INSERT INTO rgs.rounds (id, player_id, session_id, game_id, game_version, math_hash, mode, currency, amount_minor,
            cost_minor, payout_minor, coin_value_minor, bet_level, status, event, state, server_seed_commitment, server_seed,
            client_seed, nonce, balance_before_minor, balance_after_minor, bet_tx_id, started_at, ended_at)
          SELECT round_id, :pid::uuid, 'pgbench', 'jungle-twenty', '1', repeat('a', 64), 'base', :cur::text, :bet::bigint,
            :bet::bigint, CASE WHEN :closed::int = 1 THEN 0 ELSE :win::bigint END, 1, 1,
            CASE WHEN :closed::int = 1 THEN 'closed' ELSE 'active' END, NULL,
            '[{"index":0,"type":"reveal","gameType":"basegame","reelSet":"base","stops":[1,2,3,4,5]},{"index":1,"type":"finalWin"}]'::jsonb,
            md5(random()::text) || md5(random()::text), md5(random()::text) || md5(random()::text), :client_seed::text,
            :nonce::bigint, :balance::bigint, CASE WHEN :closed::int = 1 THEN :balance::bigint - :bet::bigint END, bet_tx, now(),
            CASE WHEN :closed::int = 1 THEN now() END
            FROM ids),
audit AS (INSERT INTO audit.events (chain_id, seq, kind, player_id, round_id, tx_id, recorded_at, payload, prev_hash, hash)
          SELECT 'player:' || (:pid::uuid)::text, :head_seq::bigint + k, CASE k WHEN 1 THEN 'round.played' ELSE 'round.closed' END,
                 :pid::uuid, round_id, CASE k WHEN 1 THEN bet_tx END, now(), repeat('x', CASE k WHEN 1 THEN 700 ELSE 200 END),
                 :head_hash::text, encode(sha256(random()::text::bytea), 'hex')
            FROM ids, generate_series(1, 1 + :closed::int) AS k),
stored AS (INSERT INTO rgs.requests (request_id, operation, player_id, request_hash, response, created_at)
           VALUES ('p-' || (:pid::uuid)::text || '-' || (:nonce::bigint)::text, 'play', :pid::uuid,
                   md5(random()::text) || md5(random()::text), jsonb_build_object('pad', repeat('x', 1500)), now()))
SELECT count(*) AS n FROM seed;
COMMIT;
-- /wallet/end-round (winning rounds only): latest round, then core.endRound's transaction.
\if :roll <= :hit
SELECT id, status FROM rgs.rounds WHERE player_id = :pid::uuid AND game_id = 'jungle-twenty'
  ORDER BY (status = 'active') DESC, nonce DESC LIMIT 1;
BEGIN;
SELECT account_id, balance_minor AS balance, audit_seq AS head_seq, audit_hash AS head_hash, active_id AS round_id,
       active_bet_tx_id AS bet_tx
  FROM rgs.money_call_context(:pid::uuid, 'e-' || (:pid::uuid)::text || '-' || random()::text, NULL, NULL, now()) \gset
WITH ids AS (SELECT gen_random_uuid() AS win_tx),
win AS (INSERT INTO rgs.ledger_transactions
          (id, kind, idempotency_key, request_hash, player_id, currency, amount_minor, round_id, reference_tx_id, created_at)
        SELECT win_tx, 'win', 'win:' || (:round_id::uuid)::text, md5(random()::text) || md5(random()::text), :pid::uuid,
               :cur::text, :win::bigint, :round_id::uuid, :bet_tx::uuid, now() FROM ids),
legs AS (INSERT INTO rgs.postings (tx_id, account_id, amount_minor)
         SELECT win_tx, a, m FROM ids, (VALUES (:account_id::bigint, :win::bigint, 1), (:house_id::bigint, -(:win::bigint), 2)) v(a, m, o)
          ORDER BY o),
closed AS (UPDATE rgs.rounds SET status = 'closed', balance_after_minor = :balance::bigint + :win::bigint,
                  settle_tx_id = (SELECT win_tx FROM ids), ended_at = now()
            WHERE id = :round_id::uuid AND status = 'active' RETURNING 1 AS one),
audit AS (INSERT INTO audit.events (chain_id, seq, kind, player_id, round_id, tx_id, recorded_at, payload, prev_hash, hash)
          SELECT 'player:' || (:pid::uuid)::text, :head_seq::bigint + 1, 'round.closed', :pid::uuid, :round_id::uuid, win_tx,
                 now(), repeat('x', 300), :head_hash::text, encode(sha256(random()::text::bytea), 'hex') FROM ids),
stored AS (INSERT INTO rgs.requests (request_id, operation, player_id, request_hash, response, created_at)
           VALUES ('e-' || (:round_id::uuid)::text, 'end-round', :pid::uuid, md5(random()::text) || md5(random()::text),
                   jsonb_build_object('pad', repeat('x', 100)), now()))
SELECT count(*) AS n FROM closed;
COMMIT;
\endif
