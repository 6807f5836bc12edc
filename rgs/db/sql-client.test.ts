import { describe, expect, it } from 'vitest';
import { freeLoopbackPort } from '../../test/support/services.ts';
import { createPgClient, isDatabaseUnavailable } from './sql-client.ts';

/** An error shaped like node-postgres's DatabaseError for SQLSTATE `code`. */
const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it('recognises a database that is gone, restarting or full', () => {
    for (const error of [
      pgError('08006'), // connection_failure
      pgError('08003'), // connection_does_not_exist
      pgError('57P01'), // admin_shutdown (terminating connection due to administrator command)
      pgError('57P02'), // crash_shutdown
      pgError('57P03'), // cannot_connect_now (the database system is starting up)
      pgError('53300'), // too_many_connections
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      new Error('Connection terminated unexpectedly'),
      new Error('Client has encountered a connection error and is not queryable'),
      new Error('timeout exceeded when trying to connect'),
    ]) {
      expect(isDatabaseUnavailable(error), String(error)).toBe(true);
    }
  });

  it('does not excuse a statement the database refused, nor a bug (negative controls)', () => {
    for (const error of [
      pgError('23505'), // unique_violation
      pgError('42601'), // syntax_error
      pgError('40001'), // serialization_failure (retried inside the transaction helper)
      pgError('23514'), // check_violation (a balance would go negative)
      new Error('boom'),
      new TypeError("Cannot read properties of undefined (reading 'rows')"),
      'Connection terminated', // not an error object
      null,
    ]) {
      expect(isDatabaseUnavailable(error), String(error)).toBe(false);
    }
  });

  it('classifies what a real connection attempt to a closed port throws', async () => {
    const port = await freeLoopbackPort(); // nothing listens there
    const client = createPgClient(`postgres://croupier@127.0.0.1:${port}/rgs`, { maxConnections: 1 });
    try {
      const error = await client.query('SELECT 1').then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).not.toBeNull();
      expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      await client.close();
    }
  });
});
