/**
 * The throwaway PostgreSQL/Redis process control lives in the chaos part (chaos/local/services.ts),
 * which the drills and the tests share; this re-export keeps the tests' import path.
 */
export * from '../../chaos/local/services.ts';
