import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One throwaway PostgreSQL and Redis per run (test/support/services.ts); tests get their URLs
    // through inject('databaseUrl') / inject('redisUrl') or DATABASE_URL / REDIS_URL.
    globalSetup: ['test/setup/global-setup.ts'],
    // Stopping them is bounded (graceful, then SIGKILL) well inside this.
    teardownTimeout: 30_000,
  },
});
