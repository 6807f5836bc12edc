import { expect, test } from 'vitest';
import { loadRgsConfig } from '../config.ts';

test('defaults: loopback, plain HTTP, embedded database and sessions', () => {
  const loaded = loadRgsConfig({});
  expect(loaded).toMatchObject({
    ok: true,
    config: {
      port: 7420,
      host: '127.0.0.1',
      tls: false,
      databaseUrl: null,
      redisUrl: null,
      operatorSecret: null,
      corsOrigins: '*',
      rateLimitPerWindow: 50,
    },
  });
});

test('flags override the environment', () => {
  const loaded = loadRgsConfig(
    {
      RGS_PORT: '8000',
      REDIS_URL: 'redis://127.0.0.1:6379',
      RGS_CORS_ORIGINS: 'https://a.example, http://localhost:5173',
    },
    { port: '9000', tls: true, databaseUrl: 'postgres://u@127.0.0.1:5432/db' },
  );
  expect(loaded).toMatchObject({
    ok: true,
    config: {
      port: 9000,
      tls: true,
      redisUrl: 'redis://127.0.0.1:6379',
      databaseUrl: 'postgres://u@127.0.0.1:5432/db',
      corsOrigins: ['https://a.example', 'http://localhost:5173'],
    },
  });
});

test('a bad value is one line naming the flag or variable, never the secret', () => {
  const cases: Array<[Record<string, string>, Record<string, unknown>, RegExp]> = [
    [{}, { port: '70000' }, /^invalid RGS configuration: --port must be between 0 and 65535$/],
    [{ RGS_PORT: 'eighty' }, {}, /RGS_PORT must be a whole number/],
    [{ DATABASE_URL: 'mysql://x' }, {}, /DATABASE_URL must be a URL starting with postgres:\/\//],
    [{}, { redisUrl: 'http://x' }, /--redis-url must be a URL starting with redis:\/\//],
    [{ RGS_TLS: 'maybe' }, {}, /RGS_TLS must be true or false/],
    [{ RGS_OPERATOR_SECRET: 'short-secret' }, {}, /RGS_OPERATOR_SECRET must be at least 32 characters/],
    [{ RGS_CORS_ORIGINS: 'evil.example' }, {}, /RGS_CORS_ORIGINS must be \*/],
    [{ RGS_LOG_LEVEL: 'loud' }, {}, /RGS_LOG_LEVEL must be/],
  ];
  for (const [env, flags, expected] of cases) {
    const loaded = loadRgsConfig(env, flags);
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) {
      expect(loaded.message).toMatch(expected);
      expect(loaded.message).not.toContain('\n');
      expect(loaded.message).not.toContain('short-secret');
    }
  }
});
