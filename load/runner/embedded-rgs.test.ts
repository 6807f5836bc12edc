/**
 * The embedded RGS is a whole RGS on its own thread, and its admission settings reach it: with a
 * bound of one request in progress, a burst of session starts is mostly shed (503 + Retry-After +
 * not-applied); with no bound (the negative control), none is.
 */
import { describe, expect, it } from 'vitest';
import { StakeApiClient } from '../../rgs/wire/index.ts';
import { startEmbeddedRgs } from './embedded-rgs.ts';

async function burstOfSessionStarts(env: Record<string, string>) {
  const rgs = await startEmbeddedRgs({ env });
  const client = new StakeApiClient({
    baseUrl: rgs.baseUrl,
    maxSockets: 64,
    operatorToken: rgs.operatorToken,
  });
  try {
    const replies = await Promise.all(
      Array.from({ length: 40 }, () => client.startSession({ currency: 'USD', balance: 100_000_000 })),
    );
    return {
      ok: replies.filter((r) => r.outcome === 'ok').length,
      shed: replies.filter((r) => r.status === 503 && r.retryAfterMs === 1_000 && r.outcome === 'failed')
        .length,
    };
  } finally {
    client.close();
    await rgs.stop();
    rgs.dispose();
  }
}

describe('embedded RGS', () => {
  it('applies its admission bound: a burst past it is shed, not queued', { timeout: 120_000 }, async () => {
    const bounded = await burstOfSessionStarts({ RGS_MAX_IN_FLIGHT: '1', RGS_MAX_EVENT_LOOP_LAG_MS: '0' });
    expect(bounded.ok).toBeGreaterThanOrEqual(1);
    expect(bounded.shed).toBeGreaterThanOrEqual(20);
    expect(bounded.ok + bounded.shed).toBe(40);
    const unbounded = await burstOfSessionStarts({ RGS_MAX_IN_FLIGHT: '0', RGS_MAX_EVENT_LOOP_LAG_MS: '0' });
    expect(unbounded).toEqual({ ok: 40, shed: 0 });
  });
});
