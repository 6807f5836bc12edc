/**
 * The embedded default: the core on PGlite (PostgreSQL in WASM, data in a folder, one connection).
 * A smoke flow: create, play until a win, end it, idempotent retries, verification; then reopen
 * the same folder and find the data, the schema current and the app role still refused UPDATE.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDemoGame } from '../../games/index.ts';
import { createPgliteClient } from '../db/sql-client.ts';
import type { PlayRequest, Result } from './contract.ts';
import { createRgsCore } from './core.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'croupier-pglite-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

describe('PGlite embedded mode', () => {
  it('runs the play/endRound flow, persists across reopen and keeps the ledger append-only', async () => {
    const games = [{ game: loadDemoGame('lucky-wheel') }];
    const core = await createRgsCore({ db: { pglite: true, dataDir }, games });
    expect(core.databaseKind).toBe('pglite');
    expect(core.databaseRole).toBe('croupier_app');
    const { playerId } = value(
      await core.createPlayer({ currency: 'EUR', initialBalanceMinor: 50_000_000n, jurisdiction: 'default' }),
    );
    let balance = 50_000_000n;
    let won = false;
    for (let i = 0; i < 60 && !won; i++) {
      const request: PlayRequest = {
        requestId: `pg-lite-${i}`,
        playerId,
        sessionId: 's',
        currency: 'EUR',
        gameId: 'lucky-wheel',
        mode: 'base',
        amountMinor: 500_000n,
      };
      const played = value(await core.play(request));
      expect(value(await core.play(request))).toEqual({ ...played, replayed: true });
      balance = played.balance.amountMinor;
      if (played.round.active) {
        const ended = value(await core.endRound({ requestId: `pg-lite-end-${i}`, playerId, sessionId: 's' }));
        expect(ended.balance.amountMinor).toBe(balance + played.round.payoutMinor);
        balance = ended.balance.amountMinor;
        expect(value(await core.replay(played.round.roundId)).reproduced).toBe(true);
        won = true;
      }
    }
    expect(won).toBe(true);
    expect(await core.verifyLedger()).toMatchObject({ ok: true, problems: [] });
    expect(await core.verifyAudit()).toMatchObject({ ok: true, problems: [] });
    await core.close();

    const reopened = await createRgsCore({ db: { pglite: true, dataDir }, games });
    expect(value(await reopened.balance(playerId, 'EUR')).amountMinor).toBe(balance);
    await reopened.close();

    // As the app role (what the core runs as), changing history is refused by privileges.
    const raw = await createPgliteClient(dataDir);
    try {
      await raw.exec('SET ROLE croupier_app');
      await expect(raw.query('DELETE FROM rgs.postings')).rejects.toMatchObject({ code: '42501' });
      await raw.exec('RESET ROLE');
      await expect(raw.query('UPDATE rgs.postings SET amount_minor = amount_minor')).rejects.toThrow(
        /append-only/,
      );
    } finally {
      await raw.close();
    }
  });
});
