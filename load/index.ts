// Public module of the load part: the only file other parts import from `load/`.
export * from './history.ts';
export * from './scenarios/index.ts';
