import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

// The run's shared servers from test/setup/global-setup.ts: prove both answer real commands.

describe('shared PostgreSQL', () => {
  const client = new pg.Client({ connectionString: inject('databaseUrl') });
  const schema = `smoke_${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    await client.connect();
  });

  afterAll(async () => {
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  });

  it('is the same server as DATABASE_URL and computes', async () => {
    expect(process.env.DATABASE_URL).toBe(inject('databaseUrl'));
    const result = await client.query<{ sum: number }>('select 1 + 1 as sum');
    expect(result.rows).toEqual([{ sum: 2 }]);
  });

  it('creates, writes and reads a table in a fresh schema', async () => {
    await client.query(`create schema ${schema}`);
    await client.query(`create table ${schema}.ledger (id bigint primary key, amount_minor bigint not null)`);
    await client.query(`insert into ${schema}.ledger values (1, 250), (2, -100)`);
    const result = await client.query<{ total: string }>(
      `select sum(amount_minor)::text as total from ${schema}.ledger`,
    );
    expect(result.rows[0]?.total).toBe('150');
  });

  it('listens on 127.0.0.1 only, unless DATABASE_URL was given', async () => {
    const result = await client.query<{ addresses: string }>(
      "select current_setting('listen_addresses') as addresses",
    );
    const { hostname } = new URL(inject('databaseUrl'));
    if (hostname === '127.0.0.1') expect(result.rows[0]?.addresses).toBe('127.0.0.1');
    else expect(result.rows[0]?.addresses).toBeTypeOf('string');
  });
});

describe('shared Redis', () => {
  const redis = new Redis(inject('redisUrl'), { lazyConnect: true, maxRetriesPerRequest: 1 });
  const key = `smoke:${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    await redis.connect();
  });

  afterAll(async () => {
    await redis.del(key);
    redis.disconnect();
  });

  it('is the same server as REDIS_URL and stores and returns a value', async () => {
    expect(process.env.REDIS_URL).toBe(inject('redisUrl'));
    expect(await redis.set(key, 'chips:1200', 'EX', 60)).toBe('OK');
    expect(await redis.get(key)).toBe('chips:1200');
    expect(await redis.incrby(`${key}:n`, 5)).toBe(5);
    await redis.del(`${key}:n`);
  });
});
