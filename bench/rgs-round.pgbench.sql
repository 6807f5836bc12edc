-- pgbench script: the SQL one RGS round issues (rgs/http/app.ts /wallet/play and /wallet/end-round
-- over rgs/core/core.ts play/endRound, rgs/core/ledger.ts, rgs/core/audit.ts), statement for
-- statement, with no HTTP, JSON, Redis, evaluator or pool in the way: the database's ceiling for the
-- RGS benchmark (bench/rgs.bench.ts). Run with -M extended (node-postgres' protocol) and
--   -D hit=<winning rounds per 10000> -D bet=<API units> -D win=<payout API units>
-- Each client is one player (bench_players.n = client_id + 1), as each RGS worker is one player.
-- Values the application computes in JS (hashes, seeds, JSON) are computed here by PostgreSQL.
\set n :client_id + 1
\set roll random(1, 10000)
SELECT id AS pid, currency AS cur, house_id FROM bench_players WHERE n = :n \gset
-- /wallet/play: the HTTP layer's latest round (idempotency key), then core.play's transaction.
SELECT id, status FROM rgs.rounds WHERE player_id = :pid::uuid AND game_id = 'jungle-twenty'
  ORDER BY (status = 'active') DESC, nonce DESC LIMIT 1;
BEGIN;
SELECT a.id AS account_id, a.balance_minor AS balance, p.next_nonce AS nonce, p.client_seed AS client_seed
  FROM rgs.accounts a JOIN rgs.players p ON p.id = a.player_id
 WHERE a.player_id = :pid::uuid AND a.kind = 'player' FOR UPDATE OF a, p \gset
SELECT operation, request_hash, response FROM rgs.requests WHERE request_id = 'p-' || (:pid::uuid)::text || '-' || (:nonce::bigint)::text;
SELECT EXISTS (SELECT 1 FROM rgs.ledger_transactions WHERE tombstone AND reference_key = 'bet:' || 'p-' || (:pid::uuid)::text || '-' || (:nonce::bigint)::text) AS tombstoned,
       (SELECT game_id FROM rgs.rounds WHERE player_id = :pid::uuid AND status = 'active') AS active_game,
       (SELECT started_at FROM rgs.rounds WHERE player_id = :pid::uuid ORDER BY nonce DESC LIMIT 1) AS last_start;
SELECT id FROM rgs.accounts WHERE kind = 'house' AND currency = :cur::text AND shard = 0;
INSERT INTO rgs.ledger_transactions
  (id, kind, idempotency_key, request_hash, player_id, currency, amount_minor, round_id, reference_tx_id, created_at)
VALUES (gen_random_uuid(), 'bet', 'bet:' || 'p-' || (:pid::uuid)::text || '-' || (:nonce::bigint)::text, md5(random()::text) || md5(random()::text),
        :pid::uuid, :cur::text, :bet::bigint, gen_random_uuid(), NULL, now())
RETURNING id AS bet_tx, round_id AS round_id \gset
INSERT INTO rgs.postings (tx_id, account_id, amount_minor) VALUES (:bet_tx::uuid, :account_id::bigint, -(:bet::bigint));
INSERT INTO rgs.postings (tx_id, account_id, amount_minor) VALUES (:bet_tx::uuid, :house_id::bigint, :bet::bigint);
UPDATE rgs.players SET next_nonce = next_nonce + 1, next_server_seed = md5(random()::text) || md5(random()::text),
       next_seed_commitment = md5(random()::text) || md5(random()::text)
 WHERE id = :pid::uuid;
\if :roll <= :hit
INSERT INTO rgs.rounds (id, player_id, session_id, game_id, game_version, math_hash, mode, currency, amount_minor,
    cost_minor, payout_minor, coin_value_minor, bet_level, status, event, state, server_seed_commitment, server_seed,
    client_seed, nonce, balance_before_minor, balance_after_minor, bet_tx_id, started_at, ended_at)
VALUES (:round_id::uuid, :pid::uuid, 'pgbench', 'jungle-twenty', '1', repeat('a', 64), 'base', :cur::text, :bet::bigint,
    :bet::bigint, :win::bigint, 1, 1, 'active', NULL,
    '[{"index":0,"type":"reveal","gameType":"basegame","reelSet":"base","stops":[1,2,3,4,5]},{"index":1,"type":"finalWin"}]'::jsonb,
    md5(random()::text) || md5(random()::text), md5(random()::text) || md5(random()::text), :client_seed::text,
    :nonce::bigint, :balance::bigint, NULL, :bet_tx::uuid, now(), NULL)
RETURNING id;
\else
INSERT INTO rgs.rounds (id, player_id, session_id, game_id, game_version, math_hash, mode, currency, amount_minor,
    cost_minor, payout_minor, coin_value_minor, bet_level, status, event, state, server_seed_commitment, server_seed,
    client_seed, nonce, balance_before_minor, balance_after_minor, bet_tx_id, started_at, ended_at)
VALUES (:round_id::uuid, :pid::uuid, 'pgbench', 'jungle-twenty', '1', repeat('a', 64), 'base', :cur::text, :bet::bigint,
    :bet::bigint, 0, 1, 1, 'closed', NULL,
    '[{"index":0,"type":"reveal","gameType":"basegame","reelSet":"base","stops":[1,2,3,4,5]},{"index":1,"type":"finalWin"}]'::jsonb,
    md5(random()::text) || md5(random()::text), md5(random()::text) || md5(random()::text), :client_seed::text,
    :nonce::bigint, :balance::bigint, :balance::bigint - :bet::bigint, :bet_tx::uuid, now(), now())
RETURNING id;
\endif
SELECT seq AS head_seq, hash AS head_hash FROM audit.events WHERE chain_id = 'player:' || (:pid::uuid)::text ORDER BY seq DESC LIMIT 1 \gset
INSERT INTO audit.events (chain_id, seq, kind, player_id, round_id, tx_id, recorded_at, payload, prev_hash, hash)
VALUES ('player:' || (:pid::uuid)::text, :head_seq::bigint + 1, 'round.played', :pid::uuid, :round_id::uuid, :bet_tx::uuid, now(),
        repeat('x', 700), :head_hash::text, encode(sha256(random()::text::bytea), 'hex'));
\if :roll > :hit
INSERT INTO audit.events (chain_id, seq, kind, player_id, round_id, tx_id, recorded_at, payload, prev_hash, hash)
VALUES ('player:' || (:pid::uuid)::text, :head_seq::bigint + 2, 'round.closed', :pid::uuid, :round_id::uuid, NULL, now(),
        repeat('x', 200), :head_hash::text, encode(sha256(random()::text::bytea), 'hex'));
\endif
INSERT INTO rgs.requests (request_id, operation, player_id, request_hash, response, created_at)
VALUES ('p-' || (:pid::uuid)::text || '-' || (:nonce::bigint)::text, 'play', :pid::uuid, md5(random()::text) || md5(random()::text),
        jsonb_build_object('pad', repeat('x', 1500)), now());
COMMIT;
-- /wallet/end-round (winning rounds only): latest round, then core.endRound's transaction.
\if :roll <= :hit
SELECT id, status FROM rgs.rounds WHERE player_id = :pid::uuid AND game_id = 'jungle-twenty'
  ORDER BY (status = 'active') DESC, nonce DESC LIMIT 1;
BEGIN;
SELECT a.id AS account_id, a.balance_minor AS balance, p.next_nonce AS nonce2
  FROM rgs.accounts a JOIN rgs.players p ON p.id = a.player_id
 WHERE a.player_id = :pid::uuid AND a.kind = 'player' FOR UPDATE OF a, p \gset
SELECT operation, request_hash, response FROM rgs.requests WHERE request_id = 'e-' || (:round_id::uuid)::text;
SELECT id, payout_minor FROM rgs.rounds WHERE player_id = :pid::uuid AND status = 'active';
SELECT id FROM rgs.accounts WHERE kind = 'house' AND currency = :cur::text AND shard = 0;
INSERT INTO rgs.ledger_transactions
  (id, kind, idempotency_key, request_hash, player_id, currency, amount_minor, round_id, reference_tx_id, created_at)
VALUES (gen_random_uuid(), 'win', 'win:' || (:round_id::uuid)::text, md5(random()::text) || md5(random()::text), :pid::uuid,
        :cur::text, :win::bigint, :round_id::uuid, :bet_tx::uuid, now())
RETURNING id AS win_tx \gset
INSERT INTO rgs.postings (tx_id, account_id, amount_minor) VALUES (:win_tx::uuid, :account_id::bigint, :win::bigint);
INSERT INTO rgs.postings (tx_id, account_id, amount_minor) VALUES (:win_tx::uuid, :house_id::bigint, -(:win::bigint));
UPDATE rgs.rounds SET status = 'closed', balance_after_minor = :balance::bigint + :win::bigint, settle_tx_id = :win_tx::uuid,
       ended_at = now()
 WHERE id = :round_id::uuid AND status = 'active';
SELECT seq AS head_seq, hash AS head_hash FROM audit.events WHERE chain_id = 'player:' || (:pid::uuid)::text ORDER BY seq DESC LIMIT 1 \gset
INSERT INTO audit.events (chain_id, seq, kind, player_id, round_id, tx_id, recorded_at, payload, prev_hash, hash)
VALUES ('player:' || (:pid::uuid)::text, :head_seq::bigint + 1, 'round.closed', :pid::uuid, :round_id::uuid, :win_tx::uuid, now(),
        repeat('x', 300), :head_hash::text, encode(sha256(random()::text::bytea), 'hex'));
INSERT INTO rgs.requests (request_id, operation, player_id, request_hash, response, created_at)
VALUES ('e-' || (:round_id::uuid)::text, 'end-round', :pid::uuid, md5(random()::text) || md5(random()::text),
        jsonb_build_object('pad', repeat('x', 100)), now());
COMMIT;
\endif
