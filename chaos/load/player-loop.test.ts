/**
 * How the drills' player reads a reply to a money call: only a 4xx, or a 5xx with
 * `Croupier-Outcome: not-applied`, says the call did not happen; any other 5xx is unknown.
 */
import { describe, expect, it } from 'vitest';
import { classify } from './player-loop.ts';

describe('player loop: reply classification', () => {
  const shed = { error: 'ERR_MAINTENANCE', message: 'busy' };

  it('a 503 the server marks not-applied is a refusal the player may send again', () => {
    expect(classify('play', 503, shed, 'not-applied')).toMatchObject({ outcome: 'failed', retryable: true });
    expect(classify('end-round', 503, shed, 'not-applied')).toMatchObject({
      outcome: 'failed',
      retryable: true,
    });
  });

  it('a 5xx without that word (or saying unknown) leaves a money call unknown', () => {
    expect(classify('play', 503, shed, null)).toMatchObject({ outcome: 'unknown' });
    expect(classify('play', 500, shed, 'unknown')).toMatchObject({ outcome: 'unknown' });
    expect(classify('play', 503, shed, null).retryable).toBeUndefined();
  });

  it('a 4xx is a refusal, not retried; a readable 2xx is ok, an unreadable one unknown', () => {
    const refused = classify('play', 400, { error: 'ERR_VAL' }, null);
    expect(refused).toMatchObject({ outcome: 'failed', errorCode: 'ERR_VAL' });
    expect(refused.retryable).toBeUndefined();
    expect(classify('play', 200, { round: {} }, null).outcome).toBe('ok');
    expect(classify('play', 200, undefined, null).outcome).toBe('unknown');
  });
});
